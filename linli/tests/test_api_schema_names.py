"""Every schema of the API has its own name: django-ninja names an OpenAPI component after its
class, so two apps' `OrderIn` would silently share one component, and one endpoint would
document (and be fuzzed with) the other's body."""

from __future__ import annotations

from collections import Counter

from ninja import Schema

import linli.api


def _subclasses(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


def test_no_two_schemas_of_the_api_share_a_name():
    linli.api.api.get_openapi_schema()
    ours = [cls.__name__ for cls in _subclasses(Schema) if cls.__module__.startswith("linli.")]
    assert [name for name, n in Counter(ours).items() if n > 1] == []
