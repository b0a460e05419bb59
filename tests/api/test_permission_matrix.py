"""Who may read what: every route tried as anonymous, outsider (a rival approved team), stranger,
participant, teammate, organiser of another task, and organiser of the task.

Strangers to a submission get 404 (its existence is not revealed); private scores are shown to
organisers only until the phase is revealed.
"""

import pytest

from podium.sharedtasks.models import SharedTask

from .conftest import PRIVATE_VALUE, make_scored, prediction

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "stranger",
    "participant",
    "teammate",
    "other_organiser",
    "organiser",
]
ALPHA_READERS = {"participant", "teammate", "organiser"}


def user_of(cast, role):
    return None if role == "anonymous" else getattr(cast, role)


def expected(role, allowed: set[str]) -> int:
    if role == "anonymous":
        return 401
    return 200 if role in allowed else 404


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_submission_is_for_its_team_and_the_organisers(cast, client_for, role):
    submission = make_scored(cast, team=cast.alpha, phase=cast.dev)
    response = client_for(user_of(cast, role)).get(f"/api/v1/submissions/{submission.pk}/")
    assert response.status_code == expected(role, ALPHA_READERS)
    body = response.json()
    if response.status_code == 200:
        assert body["status"] == "scored" and body["team"] == "Alpha"
        assert body["scores"]["all"]["overall"] == {"accuracy": 0.5}
        assert body["scores"]["all"]["groups"] == {"language": {"en": {"accuracy": 0.5}}}
        assert "log" not in body and "organiser-only" not in response.content.decode()
    else:
        assert set(body) == {"detail", "code"}


@pytest.mark.parametrize("role", ROLES)
def test_downloading_a_submitted_file_is_for_its_team_and_the_organisers(cast, client_for, role):
    content = prediction().read()
    created = client_for(cast.participant).post(
        "/api/v1/submissions/",
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction(content)},
        format="multipart",
    )
    url = f"/api/v1/submissions/{created.json()['id']}/file/"
    response = client_for(user_of(cast, role)).get(url)
    assert response.status_code == expected(role, ALPHA_READERS)
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == content
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("role", ROLES)
def test_the_listing_shows_only_the_callers_own_teams(cast, client_for, role):
    mine = make_scored(cast, team=cast.alpha, phase=cast.dev)
    theirs = make_scored(cast, team=cast.beta, phase=cast.dev)
    response = client_for(user_of(cast, role)).get("/api/v1/submissions/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    ids = {row["id"] for row in response.json()["results"]}
    own = {"participant": {mine.pk}, "teammate": {mine.pk}, "outsider": {theirs.pk}}
    assert ids == own.get(role, set())


@pytest.mark.parametrize("role", ROLES)
def test_private_scores_of_a_submission_wait_for_the_reveal(cast, client_for, role):
    submission = make_scored(cast, team=cast.alpha, phase=cast.test)
    client = client_for(user_of(cast, role))
    url = f"/api/v1/submissions/{submission.pk}/"
    before = client.get(url)
    assert before.status_code == expected(role, ALPHA_READERS)
    if before.status_code != 200:
        return
    scores = before.json()["scores"]
    assert scores["public"]["overall"] == {"accuracy": 0.5}
    if role == "organiser":
        assert scores["private"]["overall"] == {"accuracy": PRIVATE_VALUE}
    else:
        assert "private" not in scores and str(PRIVATE_VALUE) not in before.content.decode()
        assert "revealed" in before.json()["scores_note"]
    reveal = client_for(cast.organiser).post(f"/api/v1/phases/{cast.test.pk}/reveal/")
    assert reveal.status_code == 200
    after = client.get(url).json()["scores"]
    assert after["private"]["overall"] == {"accuracy": PRIVATE_VALUE}


@pytest.mark.parametrize("role", ROLES)
def test_the_public_leaderboard_is_open_to_everyone(cast, client_for, role):
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.9)
    make_scored(cast, team=cast.beta, phase=cast.dev, value=0.4)
    response = client_for(user_of(cast, role)).get(
        f"/api/v1/phases/{cast.dev.pk}/leaderboard/", {"subtask": "a"}
    )
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [(r["rank"], r["team"], r["primary"]) for r in rows] == [
        (1, "Alpha", 0.9),
        (2, "Beta", 0.4),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_private_leaderboard_is_for_organisers_until_the_reveal(cast, client_for, role):
    make_scored(cast, team=cast.alpha, phase=cast.test)
    client = client_for(user_of(cast, role))
    url = f"/api/v1/phases/{cast.test.pk}/leaderboard/"
    before = client.get(url, {"subtask": "a", "partition": "private"})
    if role == "organiser":
        assert before.status_code == 200
        assert before.json()["rows"][0]["primary"] == PRIVATE_VALUE
    else:
        assert before.status_code == 403
        assert before.json()["code"] == "not_visible"
        assert "revealed when the phase ends" in before.json()["detail"]
        assert str(PRIVATE_VALUE) not in before.content.decode()
    public = client.get(url, {"subtask": "a"})
    assert public.status_code == 200 and str(PRIVATE_VALUE) not in public.content.decode()

    assert (
        client_for(cast.organiser).post(f"/api/v1/phases/{cast.test.pk}/reveal/").status_code == 200
    )
    after = client.get(url, {"subtask": "a", "partition": "private"})
    assert after.status_code == 200
    assert after.json()["rows"][0]["primary"] == PRIVATE_VALUE


@pytest.mark.parametrize("role", ROLES)
def test_only_the_tasks_organisers_may_reveal(cast, client_for, role):
    response = client_for(user_of(cast, role)).post(f"/api/v1/phases/{cast.test.pk}/reveal/")
    assert response.status_code == expected(role, {"organiser"})
    cast.test.refresh_from_db()
    assert (cast.test.revealed_at is not None) == (role == "organiser")


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_task_is_shown_to_its_organisers_only(cast, client_for, role):
    SharedTask.objects.filter(pk=cast.task.pk).update(visibility="draft")
    make_scored(cast, team=cast.alpha, phase=cast.dev)
    client = client_for(user_of(cast, role))
    detail = client.get("/api/v1/tasks/tiny/")
    listed = {t["slug"] for t in client.get("/api/v1/tasks/").json()}
    board = client.get(f"/api/v1/phases/{cast.dev.pk}/leaderboard/")
    if role == "organiser":
        assert detail.status_code == 200 and "tiny" in listed and board.status_code == 200
    else:
        assert detail.status_code == 404 and "tiny" not in listed and board.status_code == 404
        assert detail.json() == {"detail": "No task 'tiny'.", "code": "not_found"}


def test_the_leaderboard_exports_csv_by_format_or_accept(cast, client_for):
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.9)
    client = client_for(None)
    url = f"/api/v1/phases/{cast.dev.pk}/leaderboard/"
    by_format = client.get(url, {"subtask": "a", "format": "csv"})
    by_accept = client.get(url, {"subtask": "a"}, HTTP_ACCEPT="text/csv")
    for response in (by_format, by_accept):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        header, row = response.content.decode().splitlines()
        assert header.startswith("rank,is_baseline,team,method,submission,submitted_at,accuracy")
        assert row.startswith("1,false,Alpha,")


def test_a_hidden_csv_board_answers_json_errors(cast, client_for):
    response = client_for(None).get(
        f"/api/v1/phases/{cast.test.pk}/leaderboard/", {"partition": "private", "format": "csv"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_visible"


def test_a_bad_subtask_or_partition_is_400(cast, client_for):
    client = client_for(None)
    url = f"/api/v1/phases/{cast.dev.pk}/leaderboard/"
    assert client.get(url, {"subtask": "zz"}).json()["code"] == "unknown_subtask"
    response = client.get(url, {"partition": "secret"})
    assert response.status_code == 400 and response.json()["code"] == "bad_partition"
    assert client.get("/api/v1/phases/9999/leaderboard/").status_code == 404
