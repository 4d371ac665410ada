"""Group robots (群机器人): the message each kind takes, its signature, one POST, and what the
answer means (delivered, try again, give up).

- WeCom (企业微信): POST {"msgtype": "markdown", "markdown": {"content": …}} to the webhook;
  the answer {"errcode": 0, "errmsg": "ok"}.
- DingTalk (钉钉): POST {"msgtype": "markdown", "markdown": {"title": …, "text": …}}; with a
  signing secret (加签), the string `timestamp + "\\n" + secret` is signed with HMAC-SHA256
  under the secret, base64-encoded, URL-encoded, and appended to the webhook as
  `&timestamp=…&sign=…` (timestamp in milliseconds); the answer {"errcode": 0, …}.
- Feishu (飞书): POST {"msg_type": "text", "content": {"text": …}}; with a secret, the body
  adds "timestamp" (seconds) and "sign": base64 of HMAC-SHA256 whose key is
  `timestamp + "\\n" + secret` over an empty message; the answer {"code": 0, …}.

A 2xx with the robot's code 0 is delivered; a 5xx or a connection error may pass, so it is tried
again; a 4xx or the robot's own error code (a wrong key, a bad signature, a blocked keyword)
will not, so it is given up at once. Nothing here logs: the webhook's address is a secret (its
access token is in it), so an error keeps only its kind.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TIMEOUT = 10  # seconds


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature, URL-encoded, as it goes into the query string."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: the key is the timestamp and secret, the message empty."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def request_for(
    kind: str, url: str, secret: str, title: str, text: str, *, now: float | None = None
) -> tuple[str, dict[str, object]]:
    """The address to POST to and the JSON body, for a robot of `kind`."""
    now = time.time() if now is None else now
    if kind == "wecom":
        return url, {"msgtype": "markdown", "markdown": {"content": text}}
    if kind == "dingtalk":
        body: dict[str, object] = {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
        }
        if secret:
            ts = int(now * 1000)
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
        return url, body
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": text}}
        if secret:
            ts = int(now)
            body = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}
        return url, body
    raise ValueError(f"unknown robot kind {kind!r}")


@dataclass(frozen=True)
class Outcome:
    """One POST's result: `ok`, or `retry` (may pass later), else given up."""

    ok: bool
    retry: bool
    status_code: int | None
    answer: str  # the robot's answer, cut short
    error: str = ""  # the kind of connection error, never the address


def robot_code(kind: str, answer: str) -> int | None:
    """The robot's own result code in its JSON answer (0 = accepted), None when unreadable."""
    try:
        data = json.loads(answer)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for key in ("errcode", "code", "StatusCode"):
        if key in data:
            try:
                return int(data[key])
            except (TypeError, ValueError):
                return None
    return None


def post(kind: str, url: str, secret: str, title: str, text: str) -> Outcome:
    """POST the message once and judge the answer."""
    address, body = request_for(kind, url, secret, title, text)
    data = json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(  # noqa: S310 - staff enter https webhooks; the form checks
        address, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310
            status, answer = response.status, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        answer = exc.read(2000).decode("utf-8", "replace") if exc.fp else ""
        return Outcome(False, exc.code >= 500, exc.code, answer[:300])
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(False, True, None, "", type(reason).__name__[:200])
    code = robot_code(kind, answer)
    if 200 <= status < 300 and code == 0:
        return Outcome(True, False, status, answer[:300])
    return Outcome(False, status >= 500, status, answer[:300])
