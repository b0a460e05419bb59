"""The web pages use the same cast as the API tests (see tests/api/conftest.py)."""

from tests.api.conftest import (  # noqa: F401 - fixtures are found by name
    GOLD_MARKER,
    cast,
    client_for,
    fast_passwords,
    make_scored,
    no_broker,
    prediction,
)
