"""Team tests use the API tests' cast where they need a task (see tests/api/conftest.py)."""

from tests.api.conftest import cast, fast_passwords, quiet_broker  # noqa: F401
