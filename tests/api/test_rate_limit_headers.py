"""Every API answer says what is left of the caller's rate limit; past it, 429 with Retry-After."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from podium.api.throttling import ApiRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(monkeypatch):
    rates = {**ApiRateThrottle.THROTTLE_RATES, "api": "3/minute"}
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", rates)


def test_the_headers_count_down_to_a_429(cast, three_a_minute):
    client = APIClient()
    client.force_authenticate(cast.participant)
    remaining = []
    for _ in range(3):
        response = client.get("/api/v1/tasks/")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "3"
        remaining.append(response["X-RateLimit-Remaining"])
        assert 0 < int(response["X-RateLimit-Reset"]) <= 60
    assert remaining == ["2", "1", "0"]
    refused = client.get("/api/v1/tasks/tiny/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert refused["X-RateLimit-Remaining"] == "0" and 0 < int(refused["Retry-After"]) <= 60


def test_users_are_counted_apart_and_anonymous_callers_by_address(cast, three_a_minute):
    first, second, anonymous = APIClient(), APIClient(), APIClient()
    first.force_authenticate(cast.participant)
    second.force_authenticate(cast.outsider)
    for _ in range(3):
        first.get("/api/v1/tasks/")
    assert first.get("/api/v1/tasks/").status_code == 429
    assert second.get("/api/v1/tasks/")["X-RateLimit-Remaining"] == "2"
    assert anonymous.get("/api/v1/tasks/")["X-RateLimit-Remaining"] == "2"


def test_the_token_view_reports_its_own_stricter_limit(cast):
    response = APIClient().post("/api/v1/auth/token/", {"username": "pat", "password": "pw-pat"})
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "10"
    assert response["X-RateLimit-Remaining"] == "9"


def test_a_forged_forwarded_for_header_does_not_give_an_anonymous_caller_a_fresh_budget(
    cast, three_a_minute
):
    anonymous = APIClient()
    for n in range(3):
        answer = anonymous.get("/api/v1/tasks/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert answer.status_code == 200
    refused = anonymous.get("/api/v1/tasks/", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused.status_code == 429
