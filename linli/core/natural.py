"""Natural order of names people number: 1号楼, 2号楼 … 19号楼, 20号楼, never 1, 10, 11, 2.

The order is kept in the database as a text key beside the name (`NaturalKeyField`), so that
SQLite and PostgreSQL sort, page and filter by it alike: each run of digits is padded with
zeros to `WIDTH`, so "2号" → "00000002号" sorts before "10号" → "00000010号". A name starting
with a digit sorts before one starting with a letter or a Chinese character ("甲1号",
"综合楼"), which sort among themselves by text, numbers inside them naturally again.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

WIDTH = 8
_DIGITS = re.compile(r"\d+")


def natural_key(name: str, max_length: int = 255) -> str:
    """The sort key of `name`: its digit runs zero-padded to WIDTH (longer runs kept whole)."""
    key = _DIGITS.sub(lambda m: m.group().zfill(WIDTH), name.strip())
    return key[:max_length]


class NaturalKeyField(models.CharField):  # type: ignore[type-arg]
    """The natural sort key of another field of the row, filled whenever the row is written.

    Django asks `pre_save` for every insert, `save()` and `bulk_create` alike;
    `linli.core.bulk.insert_rows` fills it too. Not editable: it follows `source`.
    """

    def __init__(self, *args: Any, source: str = "name", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def key_of(self, source_value: Any) -> str:
        return natural_key(str(source_value or ""), self.max_length or 255)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.key_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
