"""The client's tests: the real `podium` client against pytest-django's live server.

Nothing on the HTTP side is mocked: the client talks HTTP to a server thread running the whole
platform. The scoring worker is the real scoring service (sandbox + scorer CLI) started in a
thread for each enqueued submission, as in the browser tests (tests/browser/conftest.py), since
the test database lives in this process.

The client package (client/) is installed by scripts/setup.sh; without it these tests skip,
and CI (PODIUM_REQUIRE_CLIENT=1) fails instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass

import pytest

from tests.api.conftest import cast, fast_passwords  # noqa: F401
from tests.browser.conftest import scoring_in_threads  # noqa: F401


def require_client() -> None:
    """Skip the calling test module when the client is not installed (fail in CI)."""
    if importlib.util.find_spec("podium_client") is None:
        reason = "the client is not installed: pip install -e ./client (scripts/setup.sh does)"
        if os.environ.get("PODIUM_REQUIRE_CLIENT") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def client_env(tmp_path, monkeypatch):
    """A fresh config directory per test, no login from the environment, quick retries."""
    config = tmp_path / "config"
    monkeypatch.setenv("PODIUM_CONFIG_DIR", str(config))
    monkeypatch.delenv("PODIUM_TOKEN", raising=False)
    monkeypatch.delenv("PODIUM_URL", raising=False)
    monkeypatch.setenv("PODIUM_RETRY_BACKOFF", "0")
    monkeypatch.setenv("COLUMNS", "250")  # tables on one line each, for the assertions
    return config


@pytest.fixture
def podium(client_env, capsys, monkeypatch, tmp_path):
    """Runs `podium ARGS...` in this process; stdin text for --password-stdin."""
    monkeypatch.chdir(tmp_path)

    require_client()
    from podium_client.cli import main

    def run(*args: str, stdin: str | None = None) -> Result:
        capsys.readouterr()
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return Result(code=code, out=captured.out, err=captured.err)

    return run


@pytest.fixture
def logged_in(podium, live_server, cast):  # noqa: F811
    """The participant (team Alpha, approved) logged in to the live server."""
    result = podium(
        "login", "--url", live_server.url, "-u", "pat", "--password-stdin", stdin="pw-pat\n"
    )
    assert result.code == 0, result.err
    return podium
