"""A leaderboard read costs a fixed number of queries, however many teams and submissions."""

import pytest

from podium.leaderboards.selectors import leaderboard

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rule", ["best", "last", "chosen"])
@pytest.mark.parametrize("partition", ["public", "private"])
def test_query_count_does_not_grow_with_teams_or_submissions(
    test_phase, subtask, cast, make_team, submit, django_assert_max_num_queries, rule, partition
):
    test_phase.selection = rule
    test_phase.save()
    for t in range(12):
        team = make_team()
        for s in range(4):
            submit(
                team,
                public=(t * 7 + s) % 10 / 10,
                private=s / 10,
                scores={
                    "public": {"macro_f1": 0.1, "accuracy[language=en]": 0.2},
                    "private": {"macro_f1": 0.3, "accuracy[language=en]": 0.4},
                },
                final=(s == 2),
            )
    submit(None, baseline=True, method="majority", public=0.5, private=0.5)
    # The phase's task (1), the board's snapshot (1: none yet, so it is read live), the
    # representatives (1), their scores (1); and for a board closed to the public, whether the
    # viewer organises the task (1).
    for viewer, revealed, queries in (
        (cast["participant"], True, 4),
        (cast["organiser"], False, 5),
    ):
        type(test_phase).objects.filter(pk=test_phase.pk).update(
            revealed_at=test_phase.end if revealed else None
        )
        phase = type(test_phase).objects.get(pk=test_phase.pk)  # fresh, as a view loads it
        with django_assert_max_num_queries(queries):
            board = leaderboard(phase=phase, subtask=subtask, partition=partition, viewer=viewer)
        assert len(board.rows) == 13
        teams = [row for row in board.rows if not row.is_baseline]
        assert all(set(row.groups["language"]["en"]) == {"accuracy"} for row in teams)
