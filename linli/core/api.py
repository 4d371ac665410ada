"""What the API's routers share: bounded ids, the error body, the documented error answers and
the paging of lists (`Pagination`).

Every integer id the API takes (in the path, the query or a body) is an `Id`: 1 … 2**63-1, the
range of the database's 64-bit keys. A larger number, or 0, is a 422 naming the parameter
before any query runs, where it was an OverflowError in the database driver.

Every error answer is `{"detail": "中文 (English)"}` (a 422 adds `errors`, pydantic's list).
linli/api.py documents on every operation the errors any operation can give (401, 400, 422);
an endpoint names the others it gives with `errors(403, 404, 409)` in its `response=`.
"""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Interval
from django.db.models import QuerySet
from django_filters import FilterSet, ModelChoiceFilter
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict

from linli.core.http import MAX_ID

Id = Annotated[int, Interval(ge=1, le=MAX_ID)]

MALFORMED_BODY = "请求正文无法解析 (the request body cannot be parsed)"

ERROR_DESCRIPTIONS = {
    400: "请求正文无法解析，或筛选条件无效 (malformed body or invalid filter)",
    401: "需要有效的登录令牌 (a valid bearer token is required)",
    403: "本账号无权执行此操作 (this login may not do this)",
    404: "不存在或不在本账号的范围内 (no such object in this login's scope)",
    409: "当前状态不允许此操作 (the current state does not allow this)",
    422: "请求参数无效 (invalid input)",
    429: "尝试次数过多，暂时锁定 (too many attempts; locked for a while)",
}


MAX_LIMIT = 200


class Pagination(LimitOffsetPagination):
    """limit/offset; limit is at most 200 (larger values are cut to 200)."""

    class Input(Schema):
        limit: int = Field(
            50,
            ge=1,
            le=2**31 - 1,
            description=f"每页条数，多于 {MAX_LIMIT} 按 {MAX_LIMIT} (more than {MAX_LIMIT} is cut)",
        )
        offset: int = Field(0, ge=0, le=2**31 - 1)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class ErrorOut(Schema):
    """The body of every error answer."""

    detail: str = Field(..., description="原因，中文在前 (the reason, Chinese first)")


class InvalidInputOut(ErrorOut):
    """A 422: the reason, and for a request the schema refuses pydantic's list of what failed
    where (a domain rule's 422, e.g. a household with no such resident, has the reason only)."""

    errors: list[dict[str, Any]] = Field(
        default_factory=list, description="pydantic 的校验结果 (what failed where), if any"
    )


def errors(*codes: int) -> dict[int, type[Schema]]:
    """`response={200: Out, **errors(404, 409)}`: the error answers an endpoint gives beyond
    those documented on every operation."""
    unknown = set(codes) - ERROR_DESCRIPTIONS.keys()
    assert not unknown, f"describe {unknown} in ERROR_DESCRIPTIONS"
    return {code: ErrorOut for code in codes}


def query_data(query: Schema, *, exclude: set[str] | None = None) -> dict[str, str]:
    """A django-ninja query schema as a FilterSet's data, the way a page's form sends it: the
    values given, as text (False, an unticked checkbox, is not given)."""
    values = query.dict(exclude=exclude)
    return {k: str(v) for k, v in values.items() if v is not None and v is not False}


def filtered(filterset: FilterSet) -> QuerySet[Any]:
    """The rows a list's FilterSet (shared with its page) selects. An id naming nothing in the
    caller's scope is a 404, as on a detail endpoint; any other invalid value a 400."""
    if filterset.is_bound and not filterset.is_valid():
        problems = [(k, e) for k, v in filterset.errors.as_data().items() for e in v]
        # An id naming no row the caller may see (a model choice out of the gated queryset).
        ids = {k for k, f in filterset.filters.items() if isinstance(f, ModelChoiceFilter)}
        if all(k in ids and e.code == "invalid_choice" for k, e in problems):
            raise HttpError(404, f"未找到 (not found): {', '.join(k for k, _ in problems)}")
        reasons = "; ".join(f"{k}: {' '.join(e.messages)}" for k, e in problems)
        raise HttpError(400, f"筛选条件无效 (invalid filter): {reasons}")
    return filterset.qs


def one_of(*names: str, exactly: bool = True) -> ConfigDict:
    """`model_config` of a body that names its object by one of several optional fields
    (`x: Id | None = None`): the schema requires one of them given and not null (`exactly`:
    only one), as the view does."""

    def given(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        branches = schema["properties"][name].get("anyOf", [])
        not_null = [b for b in branches if b.get("type") != "null"] or [{"not": {"type": "null"}}]
        return {"required": [name], "properties": {name: not_null[0]}}

    def extra(schema: dict[str, Any]) -> None:
        schema["oneOf" if exactly else "anyOf"] = [given(name, schema) for name in names]

    return ConfigDict(json_schema_extra=extra)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds to each operation of an OpenAPI document the errors every operation can give, and
    describes each error answer in Chinese and English with its body.

    401 where a token is required, 422 where there is any input to validate, 400 where there
    is a body to parse. These come from linli/api.py's exception handlers, not from the views,
    so django-ninja cannot see them."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema()
    components["InvalidInputOut"] = InvalidInputOut.model_json_schema()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation["responses"]
            if operation.get("security"):
                responses.setdefault(401, {})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(422, {})
            if operation.get("requestBody"):
                responses.setdefault(400, {})
            for code in list(responses):
                if int(code) not in ERROR_DESCRIPTIONS:
                    continue
                body = "InvalidInputOut" if int(code) == 422 else "ErrorOut"
                responses[code] = {
                    "description": ERROR_DESCRIPTIONS[int(code)],
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}
                    },
                }
    return schema
