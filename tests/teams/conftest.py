"""Team tests use the one cast (tests/cast.py) on the small task, as the API tests do."""

from tests.api.conftest import cast, fast_passwords, quiet_broker  # noqa: F401
