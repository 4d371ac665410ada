"""The building's self-service poster (居民求助二维码); `linli.core.posters` lays it out."""

from __future__ import annotations

from linli.core.posters import Poster


def help_poster(*, compound: str, building: str, url: str) -> Poster:
    return Poster(
        title=f"{compound} {building}",
        heading="居民求助　扫码提交",  # U+00B7 "·" has no glyph in some readers
        lines=(
            "配药、食品物资、就医、心理疏导等需求，请用手机扫码提交。",
            "填写室号和手机号即可，无需注册；提交后可随时查看办理进度。",
            "紧急情况请直接拨打 120 / 110，或联系楼组长。",
        ),
        url=url,
    )
