"""The building's self-service poster (居民求助二维码); `linli.core.posters` lays it out.

A poster hangs in a public stairwell: the building leader's name is printed with the phone
masked (the committee's hotline is the number to call), never a number in full.
"""

from __future__ import annotations

from linli.core.masking import mask_phone
from linli.core.posters import Poster


def help_poster(
    *,
    compound: str,
    building: str,
    url: str,
    leader: tuple[str, str] | None = None,
    hotline: str = "",
) -> Poster:
    """`leader` is the building leader's (name, phone), if the building has one."""
    contacts = []
    if leader is not None:
        name, phone = leader
        contacts.append(f"楼组长：{name}　{mask_phone(phone)}" if phone else f"楼组长：{name}")
    contacts.append(f"居委热线：{hotline}" if hotline else "其他问题请联系居委")
    return Poster(
        title=f"{compound} {building}",
        heading="居民求助　扫码提交",  # U+00B7 "·" has no glyph in some readers
        lines=(
            "扫码可以：求助配药、食品物资、就医转运、心理疏导，",
            "查询办理进度（凭室号和手机号后4位）。无需注册。",
            "紧急情况请直接拨打 120 / 110。",
        ),
        url=url,
        contacts=tuple(contacts),
    )
