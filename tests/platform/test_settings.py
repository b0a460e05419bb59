"""Settings read through typed helpers: bad values stop start-up with the variable's name."""

import os
import subprocess
import sys

import pytest

from podium.env import ImproperlyConfiguredEnv, envbool, envint, envlist, envsecret


def start(env: dict) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this environment added."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "PODIUM_ENV"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import podium.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start({"PODIUM_ENV": "production", "ALLOWED_HOSTS": "podium.example.org"})
    assert result.returncode != 0 and "needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start({"PODIUM_ENV": "production", "SECRET_KEY": "k" * 60})
    assert result.returncode != 0 and "needs ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both(tmp_path):
    result = start(
        {"PODIUM_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "a.org",
         "PODIUM_VAR_DIR": str(tmp_path)}
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_database_url_switches_to_postgresql(tmp_path):
    result = start(
        {"DATABASE_URL": "postgres://u@127.0.0.1:5432/podium", "PODIUM_VAR_DIR": str(tmp_path)}
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"
    default = start({"DATABASE_URL": "", "PODIUM_VAR_DIR": str(tmp_path)})
    assert default.stdout.strip() == "django.db.backends.sqlite3"


def test_a_bad_value_names_its_variable(monkeypatch):
    monkeypatch.setenv("PODIUM_SCORING_TIMEOUT", "ten")
    with pytest.raises(
        ImproperlyConfiguredEnv, match="PODIUM_SCORING_TIMEOUT='ten': expected an integer"
    ):
        envint("PODIUM_SCORING_TIMEOUT", 300)
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfiguredEnv, match="DEBUG='maybe'"):
        envbool("DEBUG", False)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfiguredEnv, match="at least 1"):
        envint("N", 5, minimum=1)


def test_a_bad_value_stops_start_up(tmp_path):
    result = start({"PODIUM_SCORING_TIMEOUT": "soon", "PODIUM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0 and "PODIUM_SCORING_TIMEOUT='soon'" in result.stderr


def test_helpers_parse_lists_booleans_and_secret_files(monkeypatch, tmp_path):
    monkeypatch.setenv("HOSTS", " a.org, ,b.org ")
    assert envlist("HOSTS") == ["a.org", "b.org"]
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", False) is True
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    assert envsecret("TOKEN") == "s3cret"
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfiguredEnv, match="TOKEN_FILE"):
        envsecret("TOKEN")


def test_a_trusted_proxy_that_is_not_an_address_stops_start_up():
    result = start({"PODIUM_TRUSTED_PROXIES": "10.0.0.1,proxy.local"})
    assert result.returncode != 0
    assert "PODIUM_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network" in result.stderr


def test_the_cache_must_be_redis_when_named():
    result = start({"CACHE_URL": "memcached://x"})
    assert result.returncode != 0 and "CACHE_URL must be a redis://" in result.stderr
