"""The database itself refuses states the domain forbids."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from podium.sharedtasks.models import Dataset, Phase, SharedTask, Subtask
from podium.submissions.models import Score, Submission
from podium.teams.models import Membership, Registration, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def task():
    return SharedTask.objects.create(slug="t", title="T")


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_phase_must_start_before_it_ends(task):
    now = timezone.now()
    refused(lambda: Phase.objects.create(task=task, slug="p", name="P", start=now, end=now))
    refused(
        lambda: Phase.objects.create(
            task=task, slug="q", name="Q", start=now, end=now - timedelta(hours=1)
        )
    )
    Phase.objects.create(task=task, slug="ok", name="OK", start=now, end=now + timedelta(days=1))


def test_subtask_slugs_are_unique_within_a_task_only(task):
    Subtask.objects.create(
        task=task, slug="a", title="A", file_format="jsonl", primary_metric="accuracy"
    )
    refused(
        lambda: Subtask.objects.create(
            task=task, slug="a", title="A2", file_format="jsonl", primary_metric="accuracy"
        )
    )
    other = SharedTask.objects.create(slug="u", title="U")
    Subtask.objects.create(
        task=other, slug="a", title="A", file_format="jsonl", primary_metric="accuracy"
    )


def test_a_value_range_must_be_ordered(task):
    refused(
        lambda: Subtask.objects.create(
            task=task,
            slug="s",
            title="S",
            file_format="txt",
            value_type="number",
            value_min=5,
            value_max=0,
            primary_metric="pearson",
        )
    )


def test_one_dataset_per_subtask_and_split(task):
    subtask = Subtask.objects.create(
        task=task, slug="a", title="A", file_format="jsonl", primary_metric="accuracy"
    )
    Dataset.objects.create(subtask=subtask, split="dev", inputs="x.jsonl")
    refused(lambda: Dataset.objects.create(subtask=subtask, split="dev", inputs="y.jsonl"))


def test_one_membership_per_user_per_team_and_one_captain(make_user):
    team = Team.objects.create(name="T", slug="t")
    alice, bob = make_user("alice"), make_user("bob")
    Membership.objects.create(team=team, user=alice, role="captain")
    refused(lambda: Membership.objects.create(team=team, user=alice))
    refused(lambda: Membership.objects.create(team=team, user=bob, role="captain"))
    Membership.objects.create(team=team, user=bob, role="member")


def test_one_registration_per_team_per_task(task):
    team = Team.objects.create(name="T", slug="t")
    Registration.objects.create(team=team, task=task)
    refused(lambda: Registration.objects.create(team=team, task=task, status="approved"))


def test_only_baselines_may_have_no_team_and_one_final_per_team(task, make_user):
    user = make_user("u")
    subtask = Subtask.objects.create(
        task=task, slug="a", title="A", file_format="jsonl", primary_metric="accuracy"
    )
    now = timezone.now()
    phase = Phase.objects.create(
        task=task, slug="p", name="P", start=now, end=now + timedelta(days=1)
    )
    base = {"user": user, "phase": phase, "subtask": subtask, "file": "f", "sha256": "0" * 64}
    refused(lambda: Submission.objects.create(**base))
    Submission.objects.create(**base, is_baseline=True)
    team = Team.objects.create(name="T", slug="t")
    Submission.objects.create(**base, team=team, is_final=True)
    refused(lambda: Submission.objects.create(**base, team=team, is_final=True))


def test_a_score_cell_is_unique_and_groups_come_with_values(task, make_user):
    user = make_user("u")
    subtask = Subtask.objects.create(
        task=task, slug="a", title="A", file_format="jsonl", primary_metric="accuracy"
    )
    now = timezone.now()
    phase = Phase.objects.create(
        task=task, slug="p", name="P", start=now, end=now + timedelta(days=1)
    )
    submission = Submission.objects.create(
        user=user, phase=phase, subtask=subtask, file="f", sha256="0" * 64, is_baseline=True
    )
    Score.objects.create(submission=submission, partition="public", metric="accuracy", value=0.5)
    refused(
        lambda: Score.objects.create(
            submission=submission, partition="public", metric="accuracy", value=0.6
        )
    )
    refused(
        lambda: Score.objects.create(
            submission=submission,
            partition="public",
            metric="f1",
            group_field="language",
            value=0.6,
        )
    )
    Score.objects.create(
        submission=submission,
        partition="public",
        metric="accuracy",
        group_field="language",
        group_value="en",
        value=0.7,
    )
