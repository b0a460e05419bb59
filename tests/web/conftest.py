"""The web pages use the same cast as the API tests (see tests/api/conftest.py)."""

import pytest
from django.test import Client

from tests.api.conftest import (  # noqa: F401 - fixtures are found by name
    GOLD_MARKER,
    PRIVATE_VALUE,
    cast,
    client_for,
    fast_passwords,
    make_scored,
    prediction,
    quiet_broker,
)


def browser(user=None, *, csrf: bool = False) -> Client:
    """A test client logged in as `user` (None: anonymous)."""
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def html(user, url: str, status: int = 200) -> str:
    response = browser(user).get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def test_phase_open(cast):  # noqa: F811 - the imported fixture
    """The tiny task's evaluation phase, open now (it starts in 30 days in the task file)."""
    from datetime import timedelta

    from django.utils import timezone

    cast.test.start = timezone.now() - timedelta(hours=1)
    cast.test.save()
    return cast.test
