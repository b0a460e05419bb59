"""A task with a dev phase (scores under `all`) and a test phase (public + private), a cast of
viewers, and `submit()`, which writes a Submission and its Score rows straight to the database."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from podium.sharedtasks.models import Phase, SharedTask, Subtask
from podium.submissions.models import Score, Submission
from podium.teams.models import Team
from tests.cast import Cast, cast_build

NOW = timezone.now().replace(microsecond=0)
_CELL = re.compile(r"^(?P<metric>[^\[]+)(?:\[(?P<field>[^=]+)=(?P<value>[^\]]+)\])?$")


@pytest.fixture
def task(db):
    return SharedTask.objects.create(slug="mgt", title="MGT", visibility="published")


@pytest.fixture
def subtask(task):
    return Subtask.objects.create(
        task=task,
        slug="a",
        title="A",
        file_format="jsonl",
        metrics=["accuracy", "macro_f1"],
        primary_metric="accuracy",
        direction="higher",
        group_fields=["language"],
    )


@pytest.fixture
def dev_phase(task):
    return Phase.objects.create(
        task=task,
        slug="dev",
        name="Dev",
        split="dev",
        start=NOW - timedelta(days=10),
        end=NOW + timedelta(days=10),
    )


@pytest.fixture
def test_phase(task):
    """Partitioned, public live; the private board waits for the organisers' reveal."""
    return Phase.objects.create(
        task=task,
        slug="test",
        name="Test",
        kind="test",
        split="test",
        start=NOW - timedelta(days=5),
        end=NOW + timedelta(days=5),
    )


@pytest.fixture
def cast(task) -> Cast:
    """The one cast (tests/cast.py) on this folder's task; `cast["participant"]` works too."""
    return cast_build(task=task)


@pytest.fixture
def make_team():
    counter = itertools.count()

    def make(name: str | None = None) -> Team:
        name = name or f"team-{next(counter)}"
        return Team.objects.create(name=name, slug=name.lower().replace(" ", "-"))

    return make


@pytest.fixture
def submit(make_user, test_phase, subtask):
    """`submit(team, public=0.8, private=0.3)`: a scored submission with those primary values.

    `scores={"public": {"macro_f1": 0.5, "accuracy[language=en]": 0.9}}` adds cells; partition
    keywords take the primary metric's overall value (`all_` for an unpartitioned phase). Each
    An undefined (null) primary value: `scores={"public": {"accuracy": None}}`. Each
    call is one minute later than the previous one, so "earlier" and "last" are unambiguous.
    """
    user = make_user("submitter")
    clock = itertools.count(1)

    def make(
        team=None,
        *,
        phase=None,
        public=None,
        private=None,
        all_=None,
        scores=None,
        status="scored",
        method="",
        baseline=False,
        final=False,
    ) -> Submission:
        sub = Submission.objects.create(
            team=team,
            user=user,
            phase=phase or test_phase,
            subtask=subtask,
            file="x",
            sha256="0" * 64,
            status=status,
            method_name=method,
            is_baseline=baseline,
            is_final=final,
        )
        at = NOW - timedelta(days=1) + timedelta(minutes=next(clock))
        Submission.objects.filter(pk=sub.pk).update(created_at=at)
        sub.created_at = at
        cells = {p: dict(c) for p, c in (scores or {}).items()}
        for partition, value in (("public", public), ("private", private), ("all", all_)):
            if value is not None:
                cells.setdefault(partition, {})[subtask.primary_metric] = value
        Score.objects.bulk_create(
            Score(
                submission=sub,
                partition=partition,
                metric=m["metric"],
                group_field=m["field"] or "",
                group_value=m["value"] or "",
                value=value,
            )
            for partition, values in cells.items()
            for key, value in values.items()
            for m in [_CELL.match(key).groupdict()]
        )
        return sub

    return make
