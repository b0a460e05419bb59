"""A task with a dev phase (scores under `all`) and a test phase (public + private), a cast of
viewers, and `submit()`, which writes a Submission and its Score rows straight to the database."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from podium.leaderboards import snapshots
from podium.leaderboards.snapshots import board_rebuild, board_request_rebuild
from podium.sharedtasks.models import Phase, SharedTask, Subtask
from podium.submissions.models import Score, Submission
from podium.submissions.records import submission_records_store
from podium.teams.models import Team
from scorers.stats.records import Record, dump_record
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


# --- Boards with per-item records (the board statistics tests) --------------------------------

# Different, prime sizes: a private value (a multiple of 1/389) cannot pass for a public one.
SIZES = {"public": 397, "private": 389}


@pytest.fixture
def enqueued(monkeypatch):
    """The rebuild jobs that would have been sent, as (phase_id, subtask_id)."""
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(snapshots, "_enqueue", lambda p, s: sent.append((p, s)))
    return sent


def label_record(correct: np.ndarray) -> bytes:
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
            submission_id=sub.pk,
            records={"public": label_record(pub), "private": label_record(pri)},
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
