"""Materialised boards: the rebuild job stores rows with intervals, clusters and rank ranges;
reads use the snapshot (a fixed, small number of queries), serve the previous one while a
change waits, and decide visibility at read time: nothing computed from the private partition
shows before the reveal, not even a cluster id or a rank range."""

from __future__ import annotations

import pytest

from podium.leaderboards.exports import leaderboard_csv, leaderboard_json
from podium.leaderboards.models import BoardSettings, BoardSnapshot
from podium.leaderboards.selectors import leaderboard
from podium.leaderboards.services import phase_hide, phase_reveal
from podium.leaderboards.snapshots import board_rebuild, board_request_rebuild, boards_sweep
from podium.leaderboards.visibility import LeaderboardNotVisible

pytestmark = pytest.mark.django_db


def test_a_rebuilt_board_carries_intervals_clusters_rank_ranges_and_comparisons(
    board, test_phase, subtask, cast
):
    result = leaderboard(
        phase=test_phase, subtask=subtask, partition="public", viewer=cast["participant"]
    )
    rows = result.rows
    assert {rows[0].team, rows[1].team} == {"T0", "T1"}  # near-tied: either order
    assert [r.team for r in rows[2:]] == ["T2", "Baseline: majority", "T3"]
    assert result.stats["samples"] == 1000 and result.stats["rows_with_intervals"] == 5
    for row in rows:
        low, high = row.intervals["accuracy"]["low"], row.intervals["accuracy"]["high"]
        assert low <= row.primary <= high and high - low < 0.15
    assert rows[0].cluster == rows[1].cluster == 1 and rows[2].cluster == 2
    assert rows[0].rank_range[0] == 1 and rows[1].rank_range[0] == 1
    assert rows[4].rank_range == [5, 5]
    assert rows[0].vs_leader is None and rows[1].vs_leader["p_value"] > 0.05
    assert rows[0].vs_baseline["delta"] > 0 and rows[0].vs_baseline["p_value"] < 0.01
    assert rows[3].vs_baseline is None  # the baseline itself
    assert {r.team: r.submissions for r in rows}["T1"] == 2
    assert sum(r.submissions for r in rows) == 6
    assert result.stats["baseline"] == "Baseline: majority"


def test_exports_carry_intervals_clusters_and_rank_ranges(board, test_phase, subtask, cast):
    result = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    data = leaderboard_json(result)
    first = data["rows"][0]
    assert set(first["intervals"]["accuracy"]) == {"low", "high"}
    assert first["cluster"] == 1 and first["rank_range"][0] == 1
    assert data["statistics"]["confidence"] == 0.95
    header, top = leaderboard_csv(result).splitlines()[:2]
    columns = header.split(",")
    for name in ("accuracy_low", "accuracy_high", "cluster", "rank_best", "rank_worst"):
        assert name in columns
    cells = dict(zip(columns, top.split(","), strict=True))
    assert cells["cluster"] == "1" and float(cells["accuracy_low"]) <= float(cells["accuracy"])


def test_a_snapshot_read_costs_two_queries_whatever_the_size(
    board, test_phase, subtask, cast, django_assert_max_num_queries
):
    phase = type(test_phase).objects.get(pk=test_phase.pk)
    # The phase's task (1) and the snapshot (1).
    with django_assert_max_num_queries(2):
        result = leaderboard(phase=phase, subtask=subtask, partition="public", viewer=None)
    assert len(result.rows) == 5


def test_changes_are_debounced_into_one_job_and_the_old_snapshot_is_served_meanwhile(
    board, test_phase, subtask, scored, make_team, enqueued, django_capture_on_commit_callbacks
):
    enqueued.clear()
    newcomer = make_team("Late")
    for _ in range(5):
        scored(newcomer, 0.95, 0.5)
        with django_capture_on_commit_callbacks(execute=True):
            board_request_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    assert enqueued == [(test_phase.pk, subtask.pk)]
    waiting = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    assert waiting.stale and "Late" not in [r.team for r in waiting.rows]
    assert board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    assert not board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)  # nothing asked
    fresh = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    assert not fresh.stale and fresh.rows[0].team == "Late" and fresh.rows[0].submissions == 5


def _traces(snapshot: BoardSnapshot) -> set[str]:
    """How a board's values could be written out: full precision and as the page rounds."""
    traces = set()
    for row in snapshot.board["rows"]:
        values = [row["primary"], *(v for iv in row["intervals"].values() for v in iv.values())]
        for c in (row["vs_baseline"], row["vs_leader"]):
            values += [c["low"], c["high"]] if c else []
        traces |= {repr(v) for v in values} | {f"{v:.4f}" for v in values}
    return traces


def _private_traces(test_phase, subtask) -> set[str]:
    """What only the private board holds (values the public board shares prove nothing)."""
    boards = BoardSnapshot.objects.filter(phase=test_phase, subtask=subtask)
    private = _traces(boards.get(partition="private"))
    return {t for t in private - _traces(boards.get(partition="public")) if len(t) >= 6}


@pytest.mark.parametrize("role", ["anonymous", "participant", "outsider", "other_organiser"])
def test_nothing_private_shows_before_the_reveal(board, test_phase, subtask, cast, role, client):
    viewer = cast[role]
    with pytest.raises(LeaderboardNotVisible):
        leaderboard(phase=test_phase, subtask=subtask, partition="private", viewer=viewer)
    if role != "anonymous":
        client.force_login(viewer)
    traces = _private_traces(test_phase, subtask)
    urls = [
        f"/api/v1/phases/{test_phase.pk}/leaderboard/?subtask=a&partition=private",
        f"/api/v1/phases/{test_phase.pk}/leaderboard/?subtask=a&partition=private&format=csv",
        f"/api/v1/phases/{test_phase.pk}/leaderboard/?subtask=a",
        "/tasks/mgt/results/?phase=test&partition=private",
        "/tasks/mgt/results/test/a.csv?partition=private",
        "/tasks/mgt/results/test/a.tex?partition=private",
        "/tasks/mgt/results/?phase=test",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert not [t for t in traces if t in body], url
        assert "rank_range" not in body or "partition=private" not in url, url
    private = client.get(urls[0])
    assert private.status_code == 403 and b"cluster" not in private.content


def test_hiding_a_revealed_board_takes_effect_at_once(board, test_phase, subtask, cast):
    phase_reveal(phase=test_phase, by=cast["organiser"])
    shown = leaderboard(
        phase=test_phase, subtask=subtask, partition="private", viewer=cast["participant"]
    )
    assert shown.rows[0].cluster == 1 and shown.rows[0].intervals
    phase_hide(phase=test_phase, by=cast["organiser"])
    # No rebuild has run: the snapshot still holds the private board, and it is refused.
    with pytest.raises(LeaderboardNotVisible):
        leaderboard(
            phase=test_phase, subtask=subtask, partition="private", viewer=cast["participant"]
        )


def test_the_public_board_is_computed_from_public_records_only(board, test_phase, subtask):
    public = BoardSnapshot.objects.get(phase=test_phase, subtask=subtask, partition="public")
    private = BoardSnapshot.objects.get(phase=test_phase, subtask=subtask, partition="private")
    top_public = public.board["rows"][0]
    assert top_public["team"] in ("T0", "T1")
    assert private.board["rows"][0]["team"] == "T3"  # T3 leads the private partition
    assert top_public["intervals"]["accuracy"]["low"] > 0.8 > private.board["rows"][0]["primary"]


def test_rows_without_records_get_no_interval(test_phase, subtask, submit, make_team, enqueued):
    submit(make_team("Plain"), public=0.7, private=0.6)
    board_request_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    result = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    row = result.rows[0]
    assert row.intervals == {} and row.cluster is None and row.rank_range is None
    assert result.stats["rows_with_intervals"] == 0


def test_the_phase_setting_changes_the_significance_level(board, test_phase, subtask):
    BoardSettings.objects.create(phase=test_phase, significance_level=0.001, resamples=500)
    board_request_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    result = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    assert result.stats["alpha"] == 0.001 and result.stats["samples"] == 500


def test_the_sweeper_builds_boards_that_never_had_a_snapshot(
    test_phase, subtask, scored, make_team, enqueued, django_capture_on_commit_callbacks
):
    scored(make_team("Old"), 0.7, 0.6)
    with django_capture_on_commit_callbacks(execute=True):
        assert boards_sweep() == 1
    assert enqueued == [(test_phase.pk, subtask.pk)]
    assert boards_sweep() == 0  # queued, not lost yet


def test_organisers_set_a_phase_board_settings_in_the_admin_and_others_cannot(
    test_phase, subtask, cast, client, enqueued, django_capture_on_commit_callbacks
):
    url = "/admin/leaderboards/boardsettings/add/"
    form = {"phase": test_phase.pk, "significance_level": "0.01", "resamples": "2000"}
    client.force_login(cast["other_organiser"])
    client.post(url, form)
    assert not BoardSettings.objects.exists()  # not their phase: not offered, not saved
    client.force_login(cast["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    assert BoardSettings.objects.get(phase=test_phase).significance_level == 0.01
    assert enqueued  # the boards are rebuilt with the new level
    bad = client.post(
        f"/admin/leaderboards/boardsettings/{BoardSettings.objects.get().pk}/change/",
        {**form, "significance_level": "0.7"},
    )
    assert bad.status_code == 200 and b"less than or equal to 0.2" in bad.content


def test_the_api_rows_carry_intervals_cluster_rank_range_and_comparisons(board, test_phase, client):
    data = client.get(f"/api/v1/phases/{test_phase.pk}/leaderboard/?subtask=a").json()
    assert data["statistics"]["samples"] == 1000 and data["stale"] is False
    top, weak = data["rows"][0], data["rows"][-1]
    assert set(top["intervals"]["accuracy"]) == {"low", "high"}
    assert top["cluster"] == 1 and top["rank_range"][0] == 1 and top["vs_leader"] is None
    assert weak["cluster"] > 1 and weak["vs_leader"]["p_value"] < 0.05
    assert set(weak["vs_baseline"]) == {"delta", "low", "high", "p_value"}
    assert all(isinstance(r["submissions"], int) for r in data["rows"])


def test_the_sweeper_asks_once_per_board_whatever_the_number_of_submissions(
    test_phase, subtask, scored, make_team, enqueued, django_capture_on_commit_callbacks
):
    team = make_team("Busy")
    for _ in range(3):
        scored(team, 0.7, 0.6)
    with django_capture_on_commit_callbacks(execute=True):
        assert boards_sweep() == 1
    assert enqueued == [(test_phase.pk, subtask.pk)]


def test_a_renamed_team_a_changed_rule_and_a_deleted_submission_make_the_board_rebuild(
    board, test_phase, subtask, enqueued, django_capture_on_commit_callbacks
):
    """Not only scores change a board: each of these edits must ask for a rebuild, or the page
    keeps showing the old snapshot until some unrelated score arrives."""
    from podium.submissions.models import Submission

    def rebuilt_after(edit) -> bool:
        board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)  # settle what is pending
        with django_capture_on_commit_callbacks(execute=True):
            edit()
        return board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)

    def rename():
        board[2].name = "Renamed"
        board[2].save()

    def rule():
        test_phase.selection = "last"
        test_phase.save()

    def metric():
        subtask.direction = "lower"
        subtask.save()

    def delete():
        Submission.objects.filter(team=board[3]).delete()

    for edit in (rename, rule, metric, delete):
        assert rebuilt_after(edit), edit.__name__
    shown = leaderboard(phase=test_phase, subtask=subtask, partition="public", viewer=None)
    assert "Renamed" in [r.team for r in shown.rows] and "T3" not in [r.team for r in shown.rows]
