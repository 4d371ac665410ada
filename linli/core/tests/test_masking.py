"""Numbers inside free text (a search, an export's reason, an audit detail) are masked the same
way as a number field: the first three and last four characters kept."""

from linli.core.masking import mask_numbers_in


def test_every_phone_and_id_number_in_free_text_is_masked():
    # Worked by hand: 11 digits keep 3 + 4 (4 stars); 18 characters keep 3 + 4 (11 stars).
    text = "找13812345678，身份证11010519491231002X，再找13900000001"
    assert mask_numbers_in(text) == "找138****5678，身份证110***********002X，再找139****0001"


def test_short_numbers_stay_as_they_are():
    # Rooms, buildings and years are under 7 digits: nothing to hide.
    assert mask_numbers_in("3号楼 1202室 2022年 电话尾号5678") == "3号楼 1202室 2022年 电话尾号5678"
