"""Sign up, log in and out, password reset by email, and the API token on the profile page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.authtoken.models import Token

from .conftest import browser, html

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "username": "newbie",
        "email": "newbie@example.org",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_signing_up_logs_the_newcomer_in_and_sends_them_to_the_team_page(db):
    client = browser()
    response = signup(client)
    assert response.status_code == 302 and response["Location"] == "/teams/"
    page = client.get("/teams/").content.decode()
    assert "Welcome, newbie!" in page and "Create a team" in page


def test_sign_up_errors_are_shown(db, make_user):
    make_user("taken", email="taken@example.org")
    response = signup(browser(), username="taken", email="TAKEN@example.org", password2="x")
    page = response.content.decode()
    assert response.status_code == 400
    assert "already exists" in page and "An account with this email exists" in page


def test_log_in_and_out(make_user):
    make_user("ada")
    client = browser(csrf=False)
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": "pw-ada", "next": "/teams/"}
    )
    assert response.status_code == 302 and response["Location"] == "/teams/"
    assert client.get("/accounts/logout/").status_code == 405  # logging out is a POST
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/teams/").status_code == 302


def test_password_reset_sends_a_working_link(make_user):
    make_user("ada", email="ada@example.org")
    client = browser()
    assert client.post("/accounts/password/reset/", {"email": "ada@example.org"}).status_code == 302
    assert len(mail.outbox) == 1 and "ada" in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "another-pass-77x", "new_password2": "another-pass-77x"}
    )
    assert done.status_code == 302
    assert get_user_model().objects.get(username="ada").check_password("another-pass-77x")


def test_the_profile_creates_and_revokes_the_api_token(make_user):
    ada = make_user("ada")
    client = browser(ada)
    assert "You have no token." in client.get("/accounts/profile/").content.decode()
    assert client.get("/accounts/profile/token/").status_code == 405
    client.post("/accounts/profile/token/")
    token = Token.objects.get(user=ada)
    assert token.key in client.get("/accounts/profile/").content.decode()
    client.post("/accounts/profile/token/revoke/")
    assert not Token.objects.filter(user=ada).exists()


def test_the_profile_is_for_its_owner_only(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    key = Token.objects.create(user=ada).key
    assert key not in html(bo, "/accounts/profile/")
    response = browser().get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
