"""The REST API under /api/v1/: one NinjaAPI, bearer-token auth, and one router per app, which
the app registers from its AppConfig.ready() (`linli.core.plugins.register_api_router`).

The exception handlers here are the one place that turns a bad request into a 4xx with a
reason; `LinliAPI.get_openapi_schema` documents them on every operation (linli/core/api.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from linli.accounts.selectors import token_by_key
from linli.core.api import MALFORMED_BODY, document_errors
from linli.core.plugins import api_routers
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_by_key(token)  # expired, revoked and stale-password tokens are None
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class MalformedBody(ValueError):
    """A request body that cannot be read as its content type says."""


class BodyParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return super().parse_body(request)
        except ValueError as exc:  # JSON and UTF-8 decoding errors
            raise MalformedBody(str(exc)) from exc


class LinliAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(**kwargs))


api = LinliAPI(
    title="Linli API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    parser=BodyParser(),
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> Any:
    return api.create_response(
        request, {"detail": "请求参数无效 (invalid input)", "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> Any:
    return api.create_response(
        request, {"detail": "需要登录令牌 (a valid bearer token is required)"}, status=401
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> Any:
    return api.create_response(request, {"detail": "未找到 (not found)"}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> Any:
    if isinstance(exc.__cause__, MalformedBody):  # django-ninja's own "Cannot parse request body"
        return malformed_body(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Problem)
def problem(request: HttpRequest, exc: Problem) -> Any:
    """A domain rule refused the request: a `Conflict` (the object's state does not allow it)
    is a 409, `NotAllowed` (this login may not) a 403, any other `Problem` (valid-shaped input
    a rule refuses) a 422. The body is the bilingual reason."""
    status = 409 if isinstance(exc, Conflict) else 403 if isinstance(exc, NotAllowed) else 422
    return api.create_response(request, {"detail": str(exc)}, status=status)


@api.exception_handler(MalformedBody)
@api.exception_handler(MultiPartParserError)
def malformed_body(request: HttpRequest, exc: Exception) -> Any:
    """A body that does not parse, wherever it is read: django-ninja's parser, or django-axes
    reading `request.POST` of a multipart request without a boundary after a failed login."""
    return api.create_response(request, {"detail": MALFORMED_BODY}, status=400)


for prefix, router in api_routers():  # each app's, registered from its AppConfig.ready()
    api.add_router(prefix, router)
