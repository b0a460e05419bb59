"""How rows are ordered and ranked: ties, direction, undefined and missing scores, baselines."""

import pytest

from podium.leaderboards.ranking import competition_ranks
from podium.leaderboards.selectors import leaderboard

pytestmark = pytest.mark.django_db


def board(test_phase, subtask, cast, partition="public"):
    return leaderboard(
        phase=test_phase, subtask=subtask, partition=partition, viewer=cast["organiser"]
    )


def test_competition_ranking_shares_a_rank_and_skips_the_places_shared():
    assert competition_ranks([0.9, 0.8, 0.8, 0.7]) == [1, 2, 2, 4]
    assert competition_ranks([0.5, 0.5, 0.5]) == [1, 1, 1]
    assert competition_ranks([0.9, None, None]) == [1, None, None]
    assert competition_ranks([]) == []


def test_ties_share_a_rank_1_2_2_4_and_list_the_earlier_submission_first(
    test_phase, subtask, cast, make_team, submit
):
    a, b, c, d = (make_team(n) for n in "ABCD")
    submit(d, public=0.7)
    submit(c, public=0.8)
    submit(b, public=0.8)
    submit(a, public=0.9)
    rows = board(test_phase, subtask, cast).rows
    assert [(r.rank, r.team) for r in rows] == [(1, "A"), (2, "C"), (2, "B"), (4, "D")]


def test_lower_is_better_ranks_the_smallest_error_first(
    test_phase, subtask, cast, make_team, submit
):
    subtask.primary_metric, subtask.direction, subtask.metrics = "mae", "lower", ["mae"]
    subtask.save()
    low, high = make_team("low"), make_team("high")
    submit(high, public=3.5)
    submit(low, public=0.25)
    submit(low, public=1.0)  # worse: the best rule keeps 0.25
    rows = board(test_phase, subtask, cast).rows
    assert [(r.rank, r.team, r.primary) for r in rows] == [(1, "low", 0.25), (2, "high", 3.5)]
    assert rows[0].metrics == {}


def test_a_team_with_only_failed_or_queued_submissions_is_not_ranked(
    test_phase, subtask, cast, make_team, submit
):
    ok, broken = make_team("ok"), make_team("broken")
    submit(ok, public=0.1)
    # Stray score rows on a failed submission (left from a run before a rescore) never count.
    submit(broken, public=0.99, status="failed")
    for status in ("queued", "running"):
        # Not scored yet: no score rows (a rescore keeps its old rows, see test_scoring_pipeline).
        submit(broken, status=status)
    assert [r.team for r in board(test_phase, subtask, cast).rows] == ["ok"]


def test_an_undefined_primary_value_ranks_after_every_real_value(
    test_phase, subtask, cast, make_team, submit
):
    undefined, missing, weak = make_team("undefined"), make_team("missing"), make_team("weak")
    submit(undefined, scores={"public": {"accuracy": None, "macro_f1": 0.9}})
    submit(missing, scores={"public": {"macro_f1": 0.9}})  # scored, but no primary cell at all
    submit(weak, public=0.0)
    rows = board(test_phase, subtask, cast).rows
    assert [(r.rank, r.team, r.primary) for r in rows] == [
        (1, "weak", 0.0),
        (None, "undefined", None),
        (None, "missing", None),
    ]


def test_the_best_rule_prefers_any_real_value_over_an_undefined_one(
    test_phase, subtask, cast, make_team, submit
):
    team = make_team("t")
    submit(team, scores={"public": {"accuracy": None}})
    real = submit(team, public=0.01)
    submit(team, scores={"public": {"accuracy": None}})
    [row] = board(test_phase, subtask, cast).rows
    assert (row.rank, row.submission_id) == (1, real.pk)


def test_baselines_are_marked_rows_one_per_method_ranked_among_teams(
    test_phase, subtask, cast, make_team, submit
):
    team = cast["alpha"]
    submit(team, public=0.6)
    submit(None, baseline=True, method="tf-idf + LR", public=0.7)
    best_tfidf = submit(None, baseline=True, method="tf-idf + LR", public=0.75)
    submit(None, baseline=True, method="majority", public=0.5)
    rows = board(test_phase, subtask, cast).rows
    assert [(r.rank, r.team, r.is_baseline) for r in rows] == [
        (1, "Baseline: tf-idf + LR", True),
        (2, "Alpha", False),
        (3, "Baseline: majority", True),
    ]
    assert rows[0].submission_id == best_tfidf.pk
    assert rows[0].team_id is None and rows[1].team_id == team.pk


def test_secondary_metrics_and_group_breakdowns_come_with_each_row(
    test_phase, subtask, cast, make_team, submit
):
    submit(
        make_team("g"),
        public=0.8,
        scores={
            "public": {
                "macro_f1": 0.7,
                "accuracy[language=en]": 0.9,
                "accuracy[language=de]": 0.6,
                "macro_f1[language=en]": None,
            }
        },
    )
    result = board(test_phase, subtask, cast)
    [row] = result.rows
    assert result.columns == ["accuracy", "macro_f1"]
    assert result.group_values == {"language": ["de", "en"]}
    assert row.metrics == {"macro_f1": 0.7}
    assert row.groups == {
        "language": {"en": {"accuracy": 0.9, "macro_f1": None}, "de": {"accuracy": 0.6}}
    }
