"""Nobody but the task's organisers learns anything about the private partition before reveal."""

from datetime import timedelta

import pytest

from podium.leaderboards.selectors import leaderboard
from podium.leaderboards.visibility import (
    LeaderboardNotVisible,
    private_visible,
    public_visible,
)

pytestmark = pytest.mark.django_db

STRANGERS = ["participant", "teammate", "outsider", "other_organiser", "anonymous"]


@pytest.fixture
def scored(make_team, submit, cast):
    submit(make_team("T"), public=0.6, private=0.3)


def read(phase, subtask, viewer, partition="private", now=None):
    return leaderboard(phase=phase, subtask=subtask, partition=partition, viewer=viewer, now=now)


@pytest.mark.parametrize("who", STRANGERS)
def test_the_private_board_is_refused_to_everyone_but_organisers_before_reveal(
    test_phase, subtask, cast, scored, who
):
    assert not private_visible(test_phase, viewer=cast[who])
    with pytest.raises(LeaderboardNotVisible, match="organisers will publish"):
        read(test_phase, subtask, cast[who])
    # The public board stays open to them meanwhile.
    assert [r.primary for r in read(test_phase, subtask, cast[who], "public").rows] == [0.6]


def test_organisers_and_superusers_always_see_the_private_board(
    test_phase, subtask, cast, scored, make_user
):
    root = make_user("root", is_superuser=True, is_staff=True)
    for viewer in (cast["organiser"], root):
        board = read(test_phase, subtask, viewer)
        assert [r.primary for r in board.rows] == [0.3]
        assert "organisers only" in board.note


@pytest.mark.parametrize("who", STRANGERS[:-2])
def test_an_organisers_reveal_opens_the_private_board(test_phase, subtask, cast, scored, who):
    test_phase.revealed_at = test_phase.start + timedelta(days=1)
    test_phase.save()
    assert [r.primary for r in read(test_phase, subtask, cast[who]).rows] == [0.3]


def test_private_at_end_reveals_itself_when_the_phase_ends(test_phase, subtask, cast, scored):
    test_phase.leaderboard_mode = "private_at_end"
    test_phase.save()
    participant = cast["participant"]
    before, after = test_phase.end - timedelta(seconds=1), test_phase.end
    with pytest.raises(LeaderboardNotVisible, match="revealed when the phase ends on"):
        read(test_phase, subtask, participant, now=before)
    assert not private_visible(test_phase, viewer=participant, now=before)
    assert private_visible(test_phase, viewer=participant, now=after)
    assert [r.primary for r in read(test_phase, subtask, participant, now=after).rows] == [0.3]
    assert test_phase.revealed_at is None  # no scheduler needed for the board to open


def test_public_live_does_not_reveal_the_private_board_at_the_end(
    test_phase, subtask, cast, scored
):
    later = test_phase.end + timedelta(days=30)
    with pytest.raises(LeaderboardNotVisible):
        read(test_phase, subtask, cast["participant"], now=later)


@pytest.mark.parametrize("who", STRANGERS)
def test_hidden_mode_hides_the_public_board_too_until_reveal(
    test_phase, subtask, cast, scored, who
):
    test_phase.leaderboard_mode = "hidden"
    test_phase.save()
    assert not public_visible(test_phase, viewer=cast[who])
    for partition in ("public", "private"):
        with pytest.raises(LeaderboardNotVisible, match="hidden until the organisers reveal"):
            read(test_phase, subtask, cast[who], partition, now=test_phase.end + timedelta(days=9))
    assert "Hidden from participants" in read(test_phase, subtask, cast["organiser"], "public").note
    test_phase.revealed_at = test_phase.end
    test_phase.save()
    assert public_visible(test_phase, viewer=cast[who])
    assert [r.primary for r in read(test_phase, subtask, cast[who], "private").rows] == [0.3]


def test_a_draft_tasks_boards_are_for_its_organisers_only(task, test_phase, subtask, cast, scored):
    task.visibility = "draft"
    task.save()
    test_phase.revealed_at = test_phase.end
    test_phase.save()
    with pytest.raises(LeaderboardNotVisible, match="not published"):
        read(test_phase, subtask, cast["participant"], "public")
    assert read(test_phase, subtask, cast["organiser"], "public").rows


def test_the_public_note_says_when_the_private_ranking_comes(test_phase, subtask, cast, scored):
    test_phase.leaderboard_mode = "private_at_end"
    test_phase.save()
    note = read(test_phase, subtask, cast["participant"], "public").note
    assert note.startswith("Public partition of the test set.")
    assert f"{test_phase.end:%Y-%m-%d}" in note
