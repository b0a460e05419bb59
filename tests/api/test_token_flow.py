"""Token authentication: a username and password buy a token that authenticates API calls."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_username_and_password_return_a_token_that_authenticates(cast):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "pat", "password": "pw-pat"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/submissions/").status_code == 200


def test_the_same_token_comes_back_each_time(cast):
    body = {"username": "pat", "password": "pw-pat"}
    first = APIClient().post("/api/v1/auth/token/", body, format="json").json()["token"]
    second = APIClient().post("/api/v1/auth/token/", body, format="json").json()["token"]
    assert first == second


def test_wrong_credentials_answer_400_with_a_message(cast):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "pat", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Unable to log in with this username and password.",
        "code": "invalid_credentials",
    }


def test_missing_password_names_the_field(cast):
    response = APIClient().post("/api/v1/auth/token/", {"username": "pat"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("password:")


def test_a_bad_token_answers_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/submissions/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_password_guessing_is_slowed_down(cast):
    client = APIClient()
    answers = [
        client.post(
            "/api/v1/auth/token/", {"username": "alice", "password": f"guess{n}"}
        ).status_code
        for n in range(11)
    ]
    assert answers[:10] == [400] * 10 and answers[10] == 429
