"""The API's rows and the page's table and chart are rendered when a board's snapshot is built
(snapshot parts), so a read is: visibility check, one query, no per-row work. They must answer
exactly what rendering the whole board answers, decide visibility at read time, mark only the
viewer's own team, and never serve a snapshot or a part of another version."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from podium.leaderboards.exports import leaderboard_json
from podium.leaderboards.models import BoardSnapshot, BoardSnapshotPart
from podium.leaderboards.selectors import leaderboard
from podium.leaderboards.services import phase_hide, phase_reveal
from podium.leaderboards.snapshot_format import FORMAT, snapshot_part
from podium.leaderboards.snapshots import board_rebuild, board_request_rebuild, boards_sweep
from podium.teams.models import Membership
from podium.web.board_parts import PART, board_html, render_board
from tests.leaderboards.test_board_snapshots import _private_traces

pytestmark = pytest.mark.django_db

API = "/api/v1/phases/{}/leaderboard/?subtask=a&partition={}"
PAGE = "/tasks/mgt/results/?phase=test&partition={}"


def _whole_board_json(phase, subtask, partition: str, viewer=None) -> bytes:
    """What the view answered before the parts: the whole board, rendered by DRF."""
    board = leaderboard(phase=phase, subtask=subtask, partition=partition, viewer=viewer)
    return JSONRenderer().render(leaderboard_json(board))


def test_the_api_answers_what_rendering_the_whole_board_answers(board, test_phase, subtask, client):
    answer = client.get(API.format(test_phase.pk, "public"))
    whole = _whole_board_json(test_phase, subtask, "public")
    assert answer["Content-Type"] == "application/json"
    # The head byte for byte; the rows as JSON (PostgreSQL's jsonb reorders the keys of the
    # stored board's objects, the parts keep the order the board was built in).
    head = whole[: whole.index(b',"rows":')]
    assert answer.content.startswith(head) and json.loads(answer.content) == json.loads(whole)
    assert answer.json()["rows"][0]["cluster"] == 1  # with its statistics


def test_the_api_read_loads_neither_the_rows_nor_any_score(
    board, test_phase, client, django_assert_max_num_queries
):
    url = API.format(test_phase.pk, "public")
    client.get(url)
    # The phase (1), its subtasks (1), the snapshot's head with the rows' JSON (1).
    with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "submissions_score" not in sql and "submissions_submission" not in sql
    assert '"leaderboards_boardsnapshot"."board"' not in sql  # not the whole board either
    assert "leaderboards_boardsnapshotpart" in sql


def test_the_page_reads_its_table_from_the_snapshot_without_scores(board, client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(PAGE.format("public")).content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "submissions_score" not in sql and '"leaderboards_boardsnapshot"."board"' not in sql
    assert "cluster-start" in page and 'class="ci">[0.' in page and "<figure" in page


def test_hiding_takes_effect_at_once_though_the_snapshot_holds_the_private_part(
    board, test_phase, subtask, cast, client
):
    phase_reveal(phase=test_phase, by=cast["organiser"])
    client.force_login(cast["participant"])
    private = client.get(API.format(test_phase.pk, "private")).json()
    top = private["rows"][0]
    assert top["team"] == "T3" and top["cluster"] == 1
    shown = client.get(PAGE.format("private")).content.decode()
    assert "Rank range" in shown
    phase_hide(phase=test_phase, by=cast["organiser"])
    # No rebuild ran: the private snapshot, stale now, and its rendered parts are all stored.
    stored = BoardSnapshotPart.objects.filter(snapshot__partition="private")
    assert stored.count() == 2
    private_snapshot = BoardSnapshot.objects.get(phase=test_phase, partition="private")
    assert private_snapshot.changed_at > private_snapshot.built_at
    refused = client.get(API.format(test_phase.pk, "private"))
    assert refused.status_code == 403 and b"cluster" not in refused.content
    page = client.get(PAGE.format("private")).content.decode()
    assert "not revealed yet" in page and "Rank range" not in page
    traces = _private_traces(test_phase, subtask)
    assert traces and not [t for t in traces if t in page or t in refused.content.decode()]


def test_the_viewers_team_is_marked_in_the_table_and_the_chart_and_no_other(
    board, client, make_user
):
    user = make_user("member")
    Membership.objects.create(team=board[2], user=user, role="captain")
    client.force_login(user)
    page = client.get(PAGE.format("public")).content.decode()
    assert page.count('<span class="badge mine">your team</span>') == 1
    assert 'scope="row">T2 <span class="badge mine">your team</span>' in page
    assert page.count('<g class="bar mine">') == 1 and "<mine:" not in page
    client.logout()
    anonymous = client.get(PAGE.format("public")).content.decode()
    assert "your team" not in anonymous and " mine" not in anonymous


def test_a_team_name_cannot_forge_or_hide_a_mark(test_phase, subtask, scored, make_team, client):
    forger = make_team("x")
    victim = make_team("Victim")
    forger.name = f"<mine:badge:{victim.pk}><board:chart>"
    forger.save()
    scored(forger, 0.9, 0.5)
    scored(victim, 0.7, 0.5)
    board_request_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    rendered = board_html(
        BoardSnapshotPart.objects.get(snapshot__partition="public", key__startswith=PART).text,
        mine=victim.pk,
    )
    assert "&lt;mine:badge:" in rendered["table"] and "&lt;board:chart&gt;" in rendered["table"]
    assert rendered["table"].count("your team") == 1 and "<figure" in rendered["chart"]


def test_a_snapshot_of_an_older_format_is_not_misread_and_the_sweep_rebuilds_it(
    board, test_phase, subtask, client, enqueued, django_capture_on_commit_callbacks
):
    old = BoardSnapshot.objects.filter(phase=test_phase, subtask=subtask)
    # As a snapshot from before the format change: no head, an older board.
    for snapshot in old:
        snapshot.board = {**snapshot.board, "format": FORMAT - 1, "stats": {"fake": True}}
        snapshot.head = None
        snapshot.save()
    BoardSnapshotPart.objects.all().delete()
    read = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    assert read.stats is None and read.rows[0].cluster is None  # computed live, not misread
    data = client.get(API.format(test_phase.pk, "public")).json()
    assert data["statistics"] is None and len(data["rows"]) == 5
    page = client.get(PAGE.format("public")).content.decode()
    assert "are being computed for this board" in page and "T0" in page
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert boards_sweep() == 1
    assert enqueued == [(test_phase.pk, subtask.pk)]
    assert board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    assert boards_sweep() == 0
    rebuilt = client.get(API.format(test_phase.pk, "public")).json()
    assert rebuilt["statistics"]["samples"] == 1000


def test_a_part_of_another_version_is_rendered_at_read_time_and_rebuilt(
    board, test_phase, subtask, client, enqueued, django_capture_on_commit_callbacks
):
    key = snapshot_part(PART).key
    before = client.get(PAGE.format("public")).content
    # As after a template change: the stored part has another version.
    BoardSnapshotPart.objects.filter(key=key).update(key=f"{PART}:older", text="stale text")
    again = client.get(PAGE.format("public")).content
    assert b"stale text" not in again
    assert again.split(b"csrfmiddlewaretoken")[0] == before.split(b"csrfmiddlewaretoken")[0]
    assert again.count(b"<tr") == before.count(b"<tr") > 5
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert boards_sweep() == 1
    board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    assert BoardSnapshotPart.objects.filter(key=key).count() == 2  # public and private


def test_the_rendered_part_is_the_same_whoever_looks(board, test_phase, subtask, cast):
    """The board job renders it once for every viewer: nothing of the viewer is in it."""
    stored = BoardSnapshotPart.objects.get(snapshot__partition="public", key__startswith=PART)
    for viewer in (None, cast["participant"], cast["organiser"]):
        read = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=viewer)
        assert render_board(read) == stored.text


def test_the_group_fields_keep_the_subtasks_order_through_the_snapshot(
    test_phase, subtask, scored, make_team, client
):
    """PostgreSQL's jsonb sorts object keys (shorter first): stored as a dict, "language" and
    "domain" would come back swapped, and with them the CSV's columns and the API's order."""
    subtask.group_fields = ["language", "domain"]
    subtask.save()
    scored(
        make_team("Grouped"),
        0.8,
        0.6,
        scores={"public": {"accuracy[language=en]": 0.7, "accuracy[domain=news]": 0.9}},
    )
    board_request_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    read = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    assert read.stats is not None and list(read.group_values) == ["language", "domain"]
    header = client.get("/tasks/mgt/results/test/a.csv").content.decode().splitlines()[0]
    assert header.index("accuracy[language=en]") < header.index("accuracy[domain=news]")
    data = client.get(API.format(test_phase.pk, "public")).json()
    assert list(data["group_values"]) == ["language", "domain"]
