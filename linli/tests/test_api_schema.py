"""The OpenAPI document tells the truth about inputs and errors (issue 7, part 6)."""

from typing import Any

import pytest

from linli.core.api import ERROR_DESCRIPTIONS
from linli.core.http import MAX_ID


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(document: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        return _resolve(document, document["components"]["schemas"][node["$ref"].split("/")[-1]])
    return node


def _integers(document: dict[str, Any], node: Any, where: str) -> list[tuple[str, Any]]:
    """Every integer schema reachable from `node`, with where it was found."""
    node = _resolve(document, node)
    found = []
    if isinstance(node, dict):
        if node.get("type") == "integer":
            found.append((where, node))
        for key, value in node.items():
            found += _integers(document, value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _integers(document, value, f"{where}[{i}]")
    return found


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_integer_input_is_bounded_to_64_bits(document):
    """Ids from 1 to 2**63-1, every other integer bounded too: no input reaches the database
    driver as a number it cannot hold."""
    inputs = []
    for label, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            inputs += _integers(document, parameter["schema"], f"{label} {parameter['name']}")
        body = operation.get("requestBody", {}).get("content", {})
        for media in body.values():
            inputs += _integers(document, media["schema"], f"{label} body")
    assert len(inputs) > 30
    unbounded = [w for w, s in inputs if "minimum" not in s or s.get("maximum", 2**64) > MAX_ID]
    assert unbounded == []


def test_every_error_answer_is_documented_with_its_body(document):
    for label, operation in _operations(document):
        responses = operation["responses"]
        if operation.get("security"):
            assert "401" in responses, label
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in responses, label
        for code, response in responses.items():
            if int(code) >= 400:
                assert int(code) in ERROR_DESCRIPTIONS, (label, code)
                schema = response["content"]["application/json"]["schema"]
                assert "detail" in _resolve(document, schema)["required"], (label, code)


def test_a_body_naming_resident_or_household_requires_exactly_one(document):
    visit = document["components"]["schemas"]["VisitIn"]
    assert [branch["required"] for branch in visit["oneOf"]] == [["resident"], ["household"]]
