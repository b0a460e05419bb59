"""Invariant 4: no page, export or API response carries gold, and none opens the gold file.

The gold files of the cast's task carry GOLD_MARKER in a gold-only column; this sweep requests
every route as every role, before and after the reveal, and searches every body for it.
"""

import pytest
from django.test import Client

from podium.submissions.models import Submission

from .conftest import GOLD_MARKER, make_scored, prediction

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "stranger", "participant", "other_organiser", "organiser"]


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def api_routes(cast, submission_ids: list[int]) -> list[str]:
    routes = ["/api/v1/tasks/", "/api/v1/tasks/tiny/", "/api/v1/submissions/"]
    for phase in (cast.dev, cast.test):
        routes.append(f"/api/v1/submissions/?phase={phase.pk}")
        for partition in ("public", "private"):
            board = f"/api/v1/phases/{phase.pk}/leaderboard/?subtask=a&partition={partition}"
            routes += [board, board + "&format=csv"]
    for pk in submission_ids:
        routes += [f"/api/v1/submissions/{pk}/", f"/api/v1/submissions/{pk}/file/"]
    return routes


PAGES = [
    "/tasks/tiny/submit/",
    "/tasks/tiny/submissions/",
    "/tasks/tiny/data/a/train/",
    "/tasks/tiny/data/a/dev/",
    "/tasks/tiny/data/a/test/",
]


@pytest.fixture
def gold_is_never_opened(monkeypatch):
    def refuse(self, name, mode="rb"):
        raise AssertionError(f"a request opened the gold file {name}")

    monkeypatch.setattr("podium.storage.GoldStorage._open", refuse)


@pytest.mark.usefixtures("gold_is_never_opened")
def test_no_route_shows_gold_to_anyone_before_or_after_the_reveal(cast, client_for):
    uploaded = client_for(cast.participant).post(
        "/api/v1/submissions/",
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction()},
        format="multipart",
    )
    ids = [uploaded.json()["id"]]
    ids.append(make_scored(cast, team=cast.alpha, phase=cast.test).pk)
    ids.append(make_scored(cast, team=cast.beta, phase=cast.test).pk)
    failed = make_scored(cast, team=cast.alpha, phase=cast.dev)
    Submission.objects.filter(pk=failed.pk).update(status="failed", error="line 2: bad label")
    ids.append(failed.pk)

    seen = 0
    for revealed in (False, True):
        if revealed:
            client_for(cast.organiser).post(f"/api/v1/phases/{cast.test.pk}/reveal/")
        for role in ROLES:
            user = None if role == "anonymous" else getattr(cast, role)
            api = client_for(user)
            pages = Client()
            if user is not None:
                pages.force_login(user)
            responses = [api.get(url) for url in api_routes(cast, ids)]
            responses += [pages.get(url) for url in PAGES]
            refused_upload = api.post(
                "/api/v1/submissions/",
                {"phase": cast.test.pk, "subtask": "a", "file": prediction()},
                format="multipart",
            )
            for response in [*responses, refused_upload]:
                assert GOLD_MARKER not in body_of(response), (role, response.request)
                seen += 1
    assert seen > 200
