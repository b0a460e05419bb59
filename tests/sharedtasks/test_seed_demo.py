"""seed_demo builds the demo once, however often it runs."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from podium.baselineruns.models import BaselineRun
from podium.permissions import is_organiser
from podium.sharedtasks.models import Dataset, Phase, SharedTask, Subtask
from podium.teams.models import Membership, Registration, Team

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_seed_demo_twice_leaves_one_copy(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("PODIUM_DEMO_PASSWORD", "demo-pass-123")
    out = StringIO()
    call_command("seed_demo", "--no-baselines", stdout=out)
    counts = [
        m.objects.count()
        for m in (SharedTask, Subtask, Dataset, Phase, Team, Membership, Registration)
    ]
    call_command("seed_demo", "--no-baselines", stdout=out)
    assert [
        m.objects.count()
        for m in (SharedTask, Subtask, Dataset, Phase, Team, Membership, Registration)
    ] == counts

    assert set(SharedTask.objects.values_list("slug", flat=True)) == {
        "demo-mgt",
        "demo-dialects",
        "demo-sts",
    }
    users = get_user_model().objects
    organiser = users.get(username="organiser")
    assert is_organiser(organiser) and organiser.check_password("demo-pass-123")
    assert SharedTask.objects.filter(organisers=organiser).count() == 3
    for name in ("alice", "bob"):
        user = users.get(username=name)
        team = Team.objects.get(memberships__user=user)
        assert team.registrations.filter(status="approved").count() == 3
        assert not is_organiser(user)
    assert "alice" in out.getvalue() and "demo-pass-123" in out.getvalue()
    for task in SharedTask.objects.all():
        assert {p.kind for p in task.phases.all()} >= {"development", "test"}
        for subtask in task.subtasks.all():
            assert {d.split for d in subtask.datasets.all()} == {"train", "dev", "test"}
            assert subtask.datasets.get(split="train").row_count >= 1000


def test_generated_passwords_are_printed_and_kept(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("PODIUM_DEMO_PASSWORD", raising=False)
    first, second = StringIO(), StringIO()
    call_command("seed_demo", "--no-baselines", stdout=first)
    call_command("seed_demo", "--no-baselines", stdout=second)
    line = next(line for line in first.getvalue().splitlines() if line.strip().startswith("alice"))
    password = line.split()[1]
    assert get_user_model().objects.get(username="alice").check_password(password)
    assert line in second.getvalue()
    assert Registration.objects.filter(status="approved").count() == 6


def test_the_demo_queues_its_baselines_for_the_workers_once(
    monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    """seed_demo trains nothing itself: one baseline run per demo subtask goes to the workers."""
    from podium.baselineruns import enqueue

    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("PODIUM_DEMO_PASSWORD", "demo-pass-123")
    sent: list[int] = []
    monkeypatch.setattr(enqueue, "baseline_enqueue", lambda *, run_id: sent.append(run_id) or True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    runs = BaselineRun.objects.all()
    assert runs.count() == Subtask.objects.count() and set(sent) == {r.pk for r in runs}
    assert {r.status for r in runs} == {"queued"}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert BaselineRun.objects.count() == len(sent) == Subtask.objects.count()


def test_the_demo_data_is_generated_again_only_when_missing_or_changed(monkeypatch):
    """A second demo start skips the generator; missing data or a changed generator does not."""
    from podium import demo

    demo.demo_generate_data()
    assert demo.demo_generate_data() is False
    monkeypatch.setattr(demo, "_generator_version", lambda: "another generator")
    assert demo.demo_generate_data() is True
    monkeypatch.undo()
    assert demo.demo_generate_data() is True  # the stamp named the other version
    assert demo.demo_generate_data() is False
