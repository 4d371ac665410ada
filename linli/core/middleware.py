"""Response headers for pages and API answers that may hold personal data.

- `Cache-Control: no-store` (Django's `add_never_cache_headers`) on every response a view
  makes, unless the view chose its own: pages, htmx partials, API answers, exports and PDFs
  hold names, rooms and phone numbers, and a shared office computer or a proxy must not keep
  them. Static files never reach this middleware (WhiteNoise answers them first, with their
  long cache lifetime).
- `Content-Security-Policy` (`LINLI_CONTENT_SECURITY_POLICY`) on HTML: scripts, styles,
  images and connections only from this site; no inline scripts or event handlers
  (linli/static/linli/linli.js replaces them).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", settings.LINLI_CONTENT_SECURITY_POLICY)
        return response
