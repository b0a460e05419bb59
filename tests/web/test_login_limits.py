"""The login page refuses further attempts after too many failures per address or username."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"


def attempt(client: Client, username: str, password: str, **extra):
    return client.post(URL, {"username": username, "password": password}, **extra)


def test_failures_for_one_username_block_it_from_every_address(make_user, settings):
    make_user("ada")
    settings.PODIUM_TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(10):
        response = attempt(client, "ada", f"guess{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert response.status_code == 200 and "correct username and password" in (
            response.content.decode()
        )
    blocked = attempt(client, "ADA", "pw-ada", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "Too many failed logins for this username. Try again in 60 minute(s)" in page
    assert "_auth_user_id" not in client.session  # the right password did not log in
    # Another account is not affected.
    make_user("bo")
    ok = attempt(client, "bo", "pw-bo", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert ok.status_code == 302


def test_failures_from_one_address_block_it_for_every_username(make_user):
    make_user("ada")
    client = Client()
    for n in range(30):
        assert attempt(client, f"user{n}", "guess").status_code == 200
    blocked = attempt(client, "ada", "pw-ada")
    assert blocked.status_code == 429
    assert "Too many failed logins from your address" in blocked.content.decode()
    # A forged header does not make a new address.
    forged = attempt(client, "ada", "pw-ada", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.status_code == 429
    # Someone else, elsewhere, logs in.
    assert attempt(Client(REMOTE_ADDR="192.0.2.7"), "ada", "pw-ada").status_code == 302


def test_a_successful_login_costs_nothing(make_user):
    make_user("ada")
    for _ in range(12):
        client = Client()
        assert attempt(client, "ada", "pw-ada").status_code == 302


def test_the_admin_login_has_the_same_limits(make_user, settings):
    make_user("root", is_staff=True, is_superuser=True)
    settings.PODIUM_TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(10):
        attempt = {"username": "root", "password": f"guess{n}", "next": "/admin/"}
        failed = client.post("/admin/login/", attempt, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert failed.status_code == 200  # a wrong password re-shows the form, as before
    right = {"username": "root", "password": "pw-root", "next": "/admin/"}
    blocked = client.post("/admin/login/", right, HTTP_X_FORWARDED_FOR="192.0.2.1")
    # Refused as the site's login page refuses: 429, the form again, nobody logged in.
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "Too many failed logins for this username. Try again in 60 minute(s)" in page
    assert "Podium administration" in page  # the admin's own page, under its own title
    assert "_auth_user_id" not in client.session


def test_the_admin_refusal_does_not_tell_whether_the_username_exists(make_user, settings):
    make_user("root", is_staff=True, is_superuser=True)
    settings.PODIUM_TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client(REMOTE_ADDR="10.0.0.1")
    answers = {}
    for username in ("root", "nobody-such"):
        for n in range(10):
            attempt = {"username": username, "password": f"guess{n}"}
            client.post("/admin/login/", attempt, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        attempt = {"username": username, "password": "whatever"}
        answers[username] = client.post("/admin/login/", attempt, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert [answers[u].status_code for u in answers] == [429, 429]
    messages = [
        next(
            line.strip()
            for line in answers[u].content.decode().splitlines()
            if "Too many failed logins" in line
        )
        for u in answers
    ]
    assert messages[0] == messages[1]
