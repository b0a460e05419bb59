"""A new password, by change or by reset, ends the API token issued under the old one."""

import re

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .conftest import browser

pytestmark = pytest.mark.django_db

NEW = "another-pass-77x"


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/submissions/").status_code


def test_changing_the_password_revokes_the_token_and_says_so(make_user):
    ada = make_user("ada")
    key = Token.objects.create(user=ada).key
    assert api_status(key) == 200
    client = browser(ada)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "pw-ada", "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    page = response.content.decode()
    assert "Your API token was revoked with the old password" in page
    assert "You have no token." in page  # still logged in, on the profile page
    assert not Token.objects.filter(user=ada).exists()
    assert api_status(key) == 401


def test_a_wrong_old_password_changes_nothing(make_user):
    ada = make_user("ada")
    key = Token.objects.create(user=ada).key
    response = browser(ada).post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200  # the form again, with its error
    assert api_status(key) == 200


def test_resetting_the_password_revokes_the_token(make_user):
    ada = make_user("ada", email="ada@example.org")
    key = Token.objects.create(user=ada).key
    client = browser()
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Any API token you had" in done.content.decode()
    assert api_status(key) == 401


def test_the_profile_page_says_a_new_password_revokes_the_token(make_user):
    page = " ".join(browser(make_user("ada")).get("/accounts/profile/").content.decode().split())
    assert "Changing or resetting your password revokes the token" in page
