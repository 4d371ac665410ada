"""Link tokens stay out of the logs: Django's request log, the development server's log and
gunicorn's access log name such paths with the token replaced."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pytest
from django.test import Client
from gunicorn.config import Config

from linli.care.selfservice import self_service_link
from linli.core.logs import GunicornLogger

pytestmark = pytest.mark.django_db


def test_the_request_log_names_link_paths_without_their_tokens(scenario, caplog):
    token = self_service_link(user=None, building=scenario.b1).token
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get(f"/care/status/{'x' * 43}/")
        Client().post(f"/care/ask/{token}/", {"room": "999"})
        Client().get(f"/duty/join/{'y' * 32}/")
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert "Not Found: /care/status/***/" in messages
    assert "Not Found: /duty/join/***/" in messages
    assert any(m.endswith("/care/ask/***/") for m in messages)
    assert not [m for m in messages if token in m or "x" * 43 in m or "y" * 32 in m]


def test_the_development_server_log_names_link_paths_without_their_tokens(caplog):
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /care/ask/SeCrEt123/ HTTP/1.1", "200", "512"
        )
    assert caplog.records[-1].getMessage() == '"GET /care/ask/***/ HTTP/1.1" 200 512'


def test_gunicorns_access_log_names_link_paths_without_their_tokens():
    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/care/status/SeCrEt123/?a=1",
        "PATH_INFO": "/care/status/SeCrEt123/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://linli.example.org/duty/join/SeCrEt456/",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, dt.timedelta(0))
    assert atoms["U"] == "/care/status/***/"
    assert atoms["r"] == "GET /care/status/***/?a=1 HTTP/1.1"
    assert atoms["f"] == "https://linli.example.org/duty/join/***/"
    assert "SeCrEt" not in str(atoms)


@pytest.mark.parametrize(
    "path",
    [
        "/medicine/ask/SeCrEt1/",
        "/supplies/group-buys/door/SeCrEt2/",
        "/supplies/group-buys/my/SeCrEt3/change/",
        "/supplies/basket/SeCrEt4/claim/7/",
        "/supplies/basket-giver/SeCrEt5/",
        "/supplies/basket-claim/SeCrEt6/",
        "/worksites/permit/SeCrEt7/",
        "/notices/door/SeCrEt8/",
        "/screening/antigen/SeCrEt9/",
    ],
)
def test_every_apps_token_links_are_logged_without_their_token(path, caplog):
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", "200", "5")
    logged = caplog.records[-1].getMessage()
    assert "SeCrEt" not in logged and "/***/" in logged
