"""The OpenAPI schema is true: schemathesis generates requests for every operation from
/api/schema/ and sends them to the live test server, as a participant with a token.

Every answer must be no 500, have a status the schema lists for the operation, and a content
type, headers and body the schema describes. The same runs again, shorter, without a token.
Scoring jobs are recorded, not run (what a worker does with an upload is not part of the HTTP
contract).
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import make_scored

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

EXAMPLES = 25
ANONYMOUS_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def participant_token(cast) -> str:
    return Token.objects.create(user=cast.participant).key


def test_every_answer_matches_the_schema(live_server, cast, no_broker, participant_token):
    # One test that walks the operations: schemathesis' pytest plugin (from_fixture) does not
    # run under this pytest; the generation and checks are the same.
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.8)
    make_scored(cast, team=cast.beta, phase=cast.dev, value=0.6)
    loaded = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 11
    callers = [
        ({"Authorization": f"Token {participant_token}"}, EXAMPLES),
        ({}, ANONYMOUS_EXAMPLES),  # the 401s and what anonymous readers get
    ]
    for operation, (headers, examples) in itertools.product(operations, callers):
        check_operation(operation, headers=headers, examples=examples, base_url=live_server.url)


def check_operation(operation, *, headers: dict, examples: int, base_url: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_match(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    answers_match()


def test_every_operation_is_described_with_its_errors(client):
    """What schemathesis cannot see: each operation names its errors, the shape is shared."""
    document = client.get("/api/schema/?format=json").json()
    assert {"tokenAuth", "cookieAuth"} <= set(document["components"]["securitySchemes"])
    assert sorted(document["components"]["schemas"]["Error"]["required"]) == ["code", "detail"]
    paths = {path: ops for path, ops in document["paths"].items() if path.startswith("/api/v1/")}
    assert len([op for ops in paths.values() for op in ops]) >= 11
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "429" in responses, f"{method} {path}"
            assert any(code.startswith("2") for code in responses), f"{method} {path}"
            for code, response in responses.items():
                assert "X-RateLimit-Remaining" in response["headers"], f"{method} {path} {code}"
                if code.startswith(("4", "5")):
                    schema_ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert schema_ref == "#/components/schemas/Error", f"{method} {path} {code}"
    upload = paths["/api/v1/submissions/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in upload["parameters"]]
    assert {"400", "401", "403", "413", "422", "429"} <= set(upload["responses"])
