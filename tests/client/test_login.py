"""podium login / whoami / logout: the token is stored for the user only and used after."""

import stat

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_stores_a_token_only_the_user_can_read(logged_in, client_env):
    path = client_env / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(client_env.stat().st_mode) == 0o700
    whoami = logged_in("whoami", "--json")
    assert whoami.code == 0
    assert whoami.json()["username"] == "pat"
    assert [t["name"] for t in whoami.json()["teams"]] == ["Alpha"]
    assert whoami.json()["token_from"] == "file"


def test_a_wrong_password_is_refused_and_stores_nothing(podium, live_server, cast, client_env):
    result = podium(
        "login", "--url", live_server.url, "-u", "pat", "--password-stdin", stdin="wrong\n"
    )
    assert result.code == 1
    assert "Unable to log in with this username and password" in result.err
    assert not (client_env / "credentials.json").exists()


def test_the_environment_overrides_the_stored_login(logged_in, live_server, monkeypatch):
    monkeypatch.setenv("PODIUM_TOKEN", "not-a-real-token")
    result = logged_in("whoami")
    assert result.code == 2
    assert "refused your token" in result.err and "podium login" in result.err


def test_logout_forgets_the_token(logged_in, client_env):
    assert logged_in("logout").code == 0
    assert not (client_env / "credentials.json").exists()
    result = logged_in("whoami")
    assert result.code == 2 and "not logged in" in result.err


def test_commands_say_how_to_log_in_when_nobody_is(podium, live_server, cast):
    result = podium("--url", live_server.url, "submissions", "tiny")
    assert result.code == 2
    assert "podium login" in result.err


def test_a_usage_error_exits_2(podium):
    assert podium("submit", "tiny").code == 2


def test_ci_jobs_need_no_login_file(podium, live_server, cast, client_env, monkeypatch):
    from rest_framework.authtoken.models import Token

    monkeypatch.setenv("PODIUM_URL", live_server.url)
    monkeypatch.setenv("PODIUM_TOKEN", Token.objects.create(user=cast.teammate).key)
    result = podium("whoami", "--json")
    assert result.code == 0, result.err
    assert result.json()["username"] == "tim" and result.json()["token_from"] == "environment"
    assert not client_env.exists()
