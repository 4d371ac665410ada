"""The API under a fuzzer: schemathesis over the served /api/v1/openapi.json (issue 7, part 6).

Every operation gets requests generated from the schema (valid and invalid ones, including
schemathesis's boundary values) as a committee's staff, a building leader and town staff, on
the base scenario with the grid. A request fails the test when the answer is a server error, a
status the schema does not document, a body or content type the schema does not describe, or a
rejection of a request the schema says is valid (except 404 for an id out of scope).

Bounded and seeded so that `make test` stays fast and gives the same requests every run:
MAX_EXAMPLES per operation and role, a fixed seed, derandomized hypothesis, no shrinking, no
example database, no deadline. To fuzz harder by hand, raise MAX_EXAMPLES (e.g.
`LINLI_FUZZ_EXAMPLES=300 pytest linli/tests/test_api_fuzz.py`).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from linli.accounts.models import ApiToken
from linli.testing.scenario import build_grid_scenario

MAX_EXAMPLES = int(os.environ.get("LINLI_FUZZ_EXAMPLES", "20"))
SEED = 20221204

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
]

config = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
        },
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=config
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the real WSGI handler, which closes the database connection after
    each request (with CONN_MAX_AGE=0) and so the test's transaction on PostgreSQL; Django's
    test Client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["kaiwu", "alice", "town"])
def bearer(request, scenario) -> dict[str, str]:
    """The Authorization header of 新凯五村's staff, building leader alice, or town staff."""
    grid = build_grid_scenario(scenario)
    return {"Authorization": f"Bearer {ApiToken.issue(grid.users[request.param])}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, bearer):
    case.call_and_validate(headers=bearer)
