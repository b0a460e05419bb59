"""Which submission represents a team: best, last or chosen, and never by a private score."""

import pytest

from podium.leaderboards.selectors import leaderboard
from podium.leaderboards.visibility import PartitionNotAvailable

pytestmark = pytest.mark.django_db


def rows(phase, subtask, viewer, partition="public"):
    return leaderboard(phase=phase, subtask=subtask, partition=partition, viewer=viewer).rows


@pytest.fixture
def history(make_team, submit):
    """One team: an early strong submission, a final-marked middle one, a weak last one."""
    team = make_team("T")
    return {
        "best": submit(team, public=0.9, private=0.2),
        "chosen": submit(team, public=0.5, private=0.5, final=True),
        "last": submit(team, public=0.1, private=0.8),
    }


@pytest.mark.parametrize("rule", ["best", "last", "chosen"])
def test_the_phase_rule_picks_the_teams_submission(test_phase, subtask, cast, history, rule):
    test_phase.selection = rule
    test_phase.save()
    [row] = rows(test_phase, subtask, cast["organiser"])
    assert row.submission_id == history[rule].pk
    assert row.primary == {"best": 0.9, "chosen": 0.5, "last": 0.1}[rule]


def test_chosen_falls_back_to_the_last_scored_submission_without_a_final_mark(
    test_phase, subtask, cast, make_team, submit
):
    test_phase.selection = "chosen"
    test_phase.save()
    team = make_team("T")
    submit(team, public=0.9)
    last = submit(team, public=0.3)
    submit(make_team("U"), public=0.95, status="failed", final=True)
    assert [(r.team, r.submission_id) for r in rows(test_phase, subtask, cast["organiser"])] == [
        ("T", last.pk)
    ]


def test_the_last_rule_counts_submission_time_not_scoring_order(
    test_phase, subtask, cast, make_team, submit
):
    test_phase.selection = "last"
    test_phase.save()
    team = make_team("T")
    first = submit(team, public=0.9)
    last = submit(team, scores={"public": {"accuracy": None}})
    [row] = rows(test_phase, subtask, cast["organiser"])
    # The last submission counts even though its score is undefined: the rule does not peek.
    assert (row.submission_id, row.rank) == (last.pk, None)
    assert first.pk != last.pk


def test_the_private_board_picks_by_public_score_never_by_private(
    test_phase, subtask, cast, history
):
    """A submission with a better private but worse public score is NOT chosen."""
    [row] = rows(test_phase, subtask, cast["organiser"], partition="private")
    assert row.submission_id == history["best"].pk
    assert row.primary == 0.2  # its private score, though another has 0.8 privately


def test_private_ranks_follow_private_scores_of_the_publicly_chosen_submissions(
    test_phase, subtask, cast, make_team, submit
):
    a, b = make_team("A"), make_team("B")
    submit(a, public=0.9, private=0.4)
    submit(b, public=0.8, private=0.7)
    public = rows(test_phase, subtask, cast["organiser"])
    private = rows(test_phase, subtask, cast["organiser"], partition="private")
    assert [r.team for r in public] == ["A", "B"]
    assert [(r.rank, r.team, r.primary) for r in private] == [(1, "B", 0.7), (2, "A", 0.4)]


def test_a_phase_without_partitions_shows_all_for_public_and_private_requests(
    dev_phase, subtask, cast, make_team, submit
):
    submit(make_team("T"), phase=dev_phase, all_=0.6)
    for requested in ("public", "private", "all"):
        board = leaderboard(
            phase=dev_phase, subtask=subtask, partition=requested, viewer=cast["participant"]
        )
        assert board.partition == "all" and board.requested_partition == requested
        assert [r.primary for r in board.rows] == [0.6]
        assert "no private part" in board.note


def test_a_partitioned_phase_refuses_the_all_partition_and_unknown_names(test_phase, subtask, cast):
    for partition in ("all", "everything"):
        with pytest.raises(PartitionNotAvailable):
            leaderboard(
                phase=test_phase, subtask=subtask, partition=partition, viewer=cast["organiser"]
            )


def test_a_subtask_of_another_task_is_refused(test_phase, cast):
    from podium.sharedtasks.models import SharedTask, Subtask

    other = SharedTask.objects.create(slug="x", title="X")
    foreign = Subtask.objects.create(
        task=other, slug="a", title="A", file_format="jsonl", primary_metric="accuracy"
    )
    with pytest.raises(ValueError):
        leaderboard(phase=test_phase, subtask=foreign, partition="public", viewer=cast["organiser"])
