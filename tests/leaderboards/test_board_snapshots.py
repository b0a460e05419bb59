"""Materialised boards: the rebuild job stores rows with intervals, clusters and rank ranges;
reads use the snapshot (a fixed, small number of queries), serve the previous one while a
change waits, and decide visibility at read time: nothing computed from the private partition
shows before the reveal, not even a cluster id or a rank range."""

from __future__ import annotations

import numpy as np
import pytest

from podium.leaderboards import snapshots
from podium.leaderboards.exports import leaderboard_csv, leaderboard_json
from podium.leaderboards.models import BoardSettings, BoardSnapshot
from podium.leaderboards.selectors import leaderboard
from podium.leaderboards.services import phase_hide, phase_reveal
from podium.leaderboards.snapshots import board_rebuild, board_request_rebuild, boards_sweep
from podium.leaderboards.visibility import LeaderboardNotVisible
from podium.submissions.records import submission_records_store
from scorers.stats.records import Record, dump_record

pytestmark = pytest.mark.django_db
# Different, prime sizes: a private value (a multiple of 1/389) cannot pass for a public one.
SIZES = {"public": 397, "private": 389}


@pytest.fixture
def enqueued(monkeypatch):
    """The rebuild jobs that would have been sent, as (phase_id, subtask_id)."""
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(snapshots, "_enqueue", lambda p, s: sent.append((p, s)))
    return sent


def _record(correct: np.ndarray) -> bytes:
    truth = np.zeros(len(correct), dtype=np.uint16)
    return dump_record(
        Record(
            "label",
            len(correct),
            "gold-v1",
            [{"name": "accuracy", "key": "accuracy", "params": {}}],
            {
                "y_true": truth,
                "y_pred": np.where(correct, 0, 1).astype(np.uint16),
                "labels": np.array(["human", "machine"]),
            },
        )
    )


@pytest.fixture
def scored(submit, make_team):
    """`scored(team, public_rate, private_rate)`: a submission with scores and records."""
    rng = np.random.default_rng(0)
    base = {p: rng.random(n) for p, n in SIZES.items()}

    def correct(partition: str, rate: float, twin: bool) -> np.ndarray:
        # Item i is right when base[i] < rate: higher rates are right on a superset of items.
        # A twin has the same accuracy on partly other items (a statistical tie).
        out = base[partition] < rate
        if twin:
            n = SIZES[partition]
            some = rng.choice(n, size=n // 5, replace=False)
            out[some] = rng.permutation(out[some])
        return out

    def make(team, public: float, private: float, twin: bool = False, **kwargs):
        pub, pri = correct("public", public, twin), correct("private", private, twin)
        sub = submit(team, public=float(pub.mean()), private=float(pri.mean()), **kwargs)
        submission_records_store(
            submission_id=sub.pk, records={"public": _record(pub), "private": _record(pri)}
        )
        return sub

    return make


@pytest.fixture
def board(test_phase, subtask, scored, make_team, enqueued):
    """Four teams and a baseline: two near-tied leaders, a middle team, a weak one."""
    teams = [make_team(f"T{i}") for i in range(4)]
    scored(teams[0], 0.90, 0.50)
    scored(teams[1], 0.90, 0.52, twin=True)
    scored(teams[1], 0.60, 0.50)  # a second submission: counted, not shown
    scored(teams[2], 0.75, 0.60)
    scored(teams[3], 0.55, 0.70)
    scored(None, 0.65, 0.40, baseline=True, method="majority")
    board_request_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    assert board_rebuild(phase_id=test_phase.pk, subtask_id=subtask.pk)
    return teams


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
