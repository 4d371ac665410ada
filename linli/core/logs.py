"""Link tokens stay out of the logs.

A poster's link and a resident's status link carry their token in the path
(`/care/ask/TOKEN/`, `/care/status/TOKEN/`, `/duty/join/TOKEN/`): whoever reads a log line
with one could open the page. Django's request log (a 404 or 429 names the path), the
development server's log and gunicorn's access log (`GunicornLogger`, named by
deploy/gunicorn.conf.py) write such paths with the token replaced by `***`; nginx does the same
with a `map` in deploy/nginx/linli.conf.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

# Every public page reached by a link's token (posters, status and order links, the basket's
# giver and claimer links): the token is the segment after the prefix.
LINK_PATH = re.compile(
    r"(/(?:care/ask|care/status|duty/join|medicine/ask|supplies/group-buys/door"
    r"|supplies/group-buys/my|supplies/basket|supplies/basket-giver|supplies/basket-claim"
    r"|worksites/permit|notices/door|screening/antigen)/)"
    r"[^/\s?\"]+"
)


def redact(text: str) -> str:
    return LINK_PATH.sub(r"\1***", text)


class RedactLinkTokens(logging.Filter):
    """A logging filter (settings.LOGGING) that rewrites a record's message without tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class GunicornLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with link tokens redacted from every atom of the access log."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        # The path, the request line, the referrer and headers or environ a format may name.
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
