"""X-Forwarded-For names the client only when a configured proxy sent it: a forged header per
request must not give each password guess a fresh allowance."""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from podium.accounts.client_address import client_address

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_a_forged_header_per_request_does_not_reset_the_token_throttle(cast):
    client = APIClient()
    answers = [
        client.post(
            TOKEN_URL,
            {"username": "pat", "password": f"guess{n}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(11)
    ]
    assert answers == [400] * 10 + [429]


def test_by_default_the_header_is_ignored(settings):
    assert settings.PODIUM_TRUSTED_PROXIES == []
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_first_untrusted_hop(settings):
    settings.PODIUM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client claimed 1.1.1.1 itself; the proxy appended the address it saw.
    assert client_address(request_from("10.0.0.5", "1.1.1.1, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request_from("10.0.0.5", "198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    # Not from the proxy: the header is the client's own claim.
    assert client_address(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    # A garbled entry stops the walk at the last trusted hop.
    assert client_address(request_from("10.0.0.5", "not-an-ip")) == "10.0.0.5"


def test_through_a_trusted_proxy_each_client_has_its_own_allowance(cast, settings):
    settings.PODIUM_TRUSTED_PROXIES = ["10.0.0.1"]
    client = APIClient(REMOTE_ADDR="10.0.0.1")

    def guess(address: str, n: int) -> int:
        body = {"username": f"nobody{n}", "password": "x"}
        return client.post(TOKEN_URL, body, HTTP_X_FORWARDED_FOR=address).status_code

    assert [guess("198.51.100.1", n) for n in range(11)] == [400] * 10 + [429]
    assert guess("198.51.100.2", 99) == 400


def test_guesses_at_one_username_from_many_addresses_are_refused(cast, settings):
    settings.PODIUM_TRUSTED_PROXIES = ["10.0.0.1"]
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    answers = [
        client.post(
            TOKEN_URL,
            {"username": "pat", "password": f"guess{n}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        for n in range(11)
    ]
    assert [a.status_code for a in answers] == [400] * 10 + [429]
    assert answers[-1].json()["code"] == "too_many_failures"
    assert "for this username" in answers[-1].json()["detail"]
    right = client.post(
        TOKEN_URL, {"username": "pat", "password": "pw-pat"}, HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert right.status_code == 429  # the right password does not lift the block
