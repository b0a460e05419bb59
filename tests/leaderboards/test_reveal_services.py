"""Revealing and hiding: by organisers only, idempotent, and recorded by the scheduler."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from podium.leaderboards.services import RevealError, phase_hide, phase_reveal, phases_reveal_due
from podium.leaderboards.visibility import private_visible
from podium.sharedtasks.models import Phase

pytestmark = pytest.mark.django_db


def test_an_organiser_reveals_once_and_a_second_reveal_keeps_the_first_time(test_phase, cast):
    first = test_phase.start + timedelta(hours=1)
    phase_reveal(phase=test_phase, by=cast["organiser"], now=first)
    phase_reveal(phase=test_phase, by=cast["organiser"], now=first + timedelta(hours=1))
    assert test_phase.revealed_at == first
    assert private_visible(test_phase, viewer=cast["participant"])


def test_hiding_undoes_a_mistaken_reveal(test_phase, cast):
    phase_reveal(phase=test_phase, by=cast["organiser"])
    phase_hide(phase=test_phase, by=cast["organiser"])
    phase_hide(phase=test_phase, by=cast["organiser"])
    assert Phase.objects.get(pk=test_phase.pk).revealed_at is None
    assert not private_visible(test_phase, viewer=cast["participant"])


@pytest.mark.parametrize("who", ["participant", "outsider", "other_organiser", "anonymous"])
def test_only_the_tasks_organisers_may_reveal_or_hide(test_phase, cast, who):
    with pytest.raises(PermissionDenied):
        phase_reveal(phase=test_phase, by=cast[who])
    phase_reveal(phase=test_phase, by=cast["organiser"])
    with pytest.raises(PermissionDenied):
        phase_hide(phase=test_phase, by=cast[who])
    assert Phase.objects.get(pk=test_phase.pk).revealed_at is not None


def test_a_private_at_end_phase_past_its_end_cannot_be_hidden(test_phase, cast):
    test_phase.leaderboard_mode = "private_at_end"
    test_phase.save()
    with pytest.raises(RevealError, match="change its leaderboard mode"):
        phase_hide(phase=test_phase, by=cast["organiser"], now=test_phase.end)


def test_the_scheduler_records_the_reveal_of_ended_private_at_end_phases(task, test_phase):
    test_phase.leaderboard_mode = "private_at_end"
    test_phase.save()
    live = Phase.objects.create(
        task=task,
        slug="live",
        name="L",
        split="test",
        leaderboard_mode="public_live",
        start=test_phase.start,
        end=test_phase.end,
    )
    assert phases_reveal_due(now=test_phase.end - timedelta(seconds=1)) == 0
    assert phases_reveal_due(now=test_phase.end + timedelta(minutes=3)) == 1
    assert phases_reveal_due(now=test_phase.end + timedelta(minutes=4)) == 0
    test_phase.refresh_from_db()
    live.refresh_from_db()
    assert test_phase.revealed_at == test_phase.end
    assert live.revealed_at is None


def test_the_beat_job_is_a_thin_adapter_over_the_service(test_phase):
    from podium.leaderboards.tasks import reveal_due_phases

    Phase.objects.filter(pk=test_phase.pk).update(
        leaderboard_mode="private_at_end", end=test_phase.start + timedelta(seconds=1)
    )
    assert reveal_due_phases() == 1
    assert reveal_due_phases() == 0
