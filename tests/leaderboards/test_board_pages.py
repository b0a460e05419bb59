"""What participants read: the results page with intervals and cluster bands, the chart, the
LaTeX table, and the copy fixes (row counts, round chart ticks, the notes)."""

from __future__ import annotations

from datetime import datetime

import pytest

from podium.leaderboards.boards import Leaderboard, LeaderboardRow
from podium.leaderboards.latex import latex_escape, leaderboard_latex
from podium.leaderboards.notes import board_note
from podium.web.charts import leaderboard_chart, nice_ticks

pytestmark = pytest.mark.django_db
AT = datetime(2026, 1, 1)


def _row(rank, team, primary, cluster=None, interval=None, baseline=False) -> LeaderboardRow:
    return LeaderboardRow(
        rank=rank, team_id=rank, team=team, is_baseline=baseline, submission_id=rank,
        method_name="", submitted_at=AT, primary=primary, metrics={},
        intervals={"mae": {"low": interval[0], "high": interval[1]}} if interval else {},
        cluster=cluster, rank_range=[rank, rank] if cluster else None,
    )  # fmt: skip


def _board(rows, metric="mae", direction="lower", stats=None) -> Leaderboard:
    return Leaderboard(
        task_slug="t", phase_slug="test", subtask_slug="c", partition="public",
        requested_partition="public", selection="best", primary_metric=metric,
        direction=direction, columns=[metric], group_values={}, rows=rows, note="",
        generated_at=AT, stats=stats,
    )  # fmt: skip


def test_the_results_page_shows_intervals_clusters_and_the_best_of_n_note(board, client):
    page = client.get("/tasks/mgt/results/?phase=test").content.decode()
    assert "Rank range" in page and "Cluster" in page and "vs. baseline" in page
    assert 'class="ci">[0.' in page and "cluster-start" in page
    assert "the more optimistic that best score is" in page
    assert "Whiskers show each row&#x27;s 95% bootstrap confidence interval" in page
    assert "results.css" in page and 'class="table-wrap"' in page
    assert "LaTeX table (booktabs)" in page


def test_a_board_without_snapshot_says_its_intervals_are_coming(
    test_phase, submit, make_team, client
):
    submit(make_team("Solo"), public=0.7)
    page = client.get("/tasks/mgt/results/?phase=test").content.decode()
    assert "Confidence intervals and significance clusters are being computed" in page


def test_the_chart_counts_rows_in_good_english():
    one = leaderboard_chart(_board([_row(1, "A", 0.5)]))
    assert one.desc.startswith("1 ranked row;")
    two = leaderboard_chart(_board([_row(1, "A", 0.5), _row(2, "B", 0.7)]))
    assert two.desc.startswith("2 ranked rows;")


def test_mae_chart_ticks_are_round_numbers():
    chart = leaderboard_chart(_board([_row(1, "A", 3.1, 1, (2.9, 3.3)), _row(2, "B", 5.9)]))
    assert [label for _, label in chart.ticks] == ["0", "2", "4", "6"]
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert chart.bars[0].interval is not None and chart.bars[1].interval is None


def test_the_note_mentions_baselines_only_where_there_are_some(test_phase):
    without = board_note(test_phase, "private", now=AT, has_baselines=False)
    assert "baseline" not in without
    assert "baselines are marked rows" in board_note(test_phase, "public", now=AT)
    assert "never chose" not in without
    assert "decided on the public partition only" in without


def test_the_latex_table_is_booktabs_with_a_rule_between_clusters():
    rows = [
        _row(1, "Top_team & co", 0.2, 1, (0.18, 0.22)),
        _row(2, "Second", 0.21, 1, (0.19, 0.23)),
        _row(3, "Third", 0.5, 2, (0.45, 0.55), baseline=True),
    ]
    stats = {"rows_with_intervals": 3, "samples": 1000, "alpha": 0.05}
    tex = leaderboard_latex(_board(rows, stats=stats))
    assert r"\toprule" in tex and r"\bottomrule" in tex
    body = tex.split(r"\midrule", 1)[1]
    assert body.count(r"\midrule") == 1  # between cluster 1 and cluster 2
    assert r"Top\_team \& co" in tex and "[0.1800, 0.2200]" in tex and "3--3" in tex
    assert r"\textit{(baseline)}" in tex
    assert latex_escape("50% of $x^2") == r"50\% of \$x\textasciicircum{}2"


def test_the_latex_download_needs_the_same_visibility_as_the_board(board, client, cast):
    public = client.get("/tasks/mgt/results/test/a.tex")
    assert public.status_code == 200 and rb"\begin{tabular}" in public.content
    assert client.get("/tasks/mgt/results/test/a.tex?partition=private").status_code == 403


def test_the_prerendered_board_marks_each_viewer_own_team_only(board, client, make_user):
    from podium.teams.models import Membership

    first, second = make_user("first"), make_user("second")
    Membership.objects.create(team=board[0], user=first, role="captain")
    Membership.objects.create(team=board[3], user=second, role="captain")
    client.force_login(first)
    mine = client.get("/tasks/mgt/results/?phase=test").content.decode()
    client.force_login(second)
    theirs = client.get("/tasks/mgt/results/?phase=test").content.decode()
    assert mine.count("your team</span>") == theirs.count("your team</span>") == 1
    row = 'scope="row">{} <span class="badge mine">your team</span>'
    assert row.format("T0") in mine and row.format("T3") in theirs
    assert row.format("T0") not in theirs
