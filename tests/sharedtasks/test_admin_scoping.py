"""Organisers see and change only their own tasks in the admin; gold files have no URL."""

import json

import pytest
from django.urls import reverse

from podium.sharedtasks.models import Dataset, SharedTask, Subtask
from podium.sharedtasks.taskfile.importer import task_import
from podium.teams.models import Registration, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisers(make_user, small_task_files):
    task_import(path=small_task_files)
    mine = SharedTask.objects.get(slug="tiny")
    alice = make_user("org-a", organiser=True)
    bob = make_user("org-b", organiser=True)
    mine.organisers.add(alice)
    theirs = SharedTask.objects.create(slug="other", title="Bob's task")
    theirs.organisers.add(bob)
    return mine, theirs, alice, bob


def test_an_organiser_lists_only_their_own_tasks(client, two_organisers):
    mine, theirs, alice, _ = two_organisers
    client.force_login(alice)
    page = client.get(reverse("admin:sharedtasks_sharedtask_changelist")).content.decode()
    assert mine.title in page and theirs.title not in page


def test_an_organiser_cannot_open_or_change_another_organisers_task(client, two_organisers):
    _, theirs, alice, _ = two_organisers
    client.force_login(alice)
    change_url = reverse("admin:sharedtasks_sharedtask_change", args=[theirs.pk])
    assert client.get(change_url).status_code in (302, 404)
    response = client.post(
        change_url, {"title": "Hijacked", "slug": "other", "visibility": "published"}
    )
    assert response.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    assert theirs.title == "Bob's task"
    delete_url = reverse("admin:sharedtasks_sharedtask_delete", args=[theirs.pk])
    client.post(delete_url, {"post": "yes"})
    assert SharedTask.objects.filter(pk=theirs.pk).exists()


def test_an_organiser_cannot_attach_a_subtask_to_another_organisers_task(client, two_organisers):
    _, theirs, alice, _ = two_organisers
    client.force_login(alice)
    form = client.get(reverse("admin:sharedtasks_subtask_add")).content.decode()
    assert f'value="{theirs.pk}"' not in form
    client.post(
        reverse("admin:sharedtasks_subtask_add"),
        {
            "task": theirs.pk,
            "slug": "x",
            "position": 0,
            "title": "X",
            "file_format": "jsonl",
            "separator": ",",
            "id_field": "id",
            "value_field": "label",
            "value_type": "label",
            "labels": '["a", "b"]',
            "metrics": '["accuracy"]',
            "primary_metric": "accuracy",
            "direction": "higher",
            "group_fields": "[]",
            "datasets-TOTAL_FORMS": 0,
            "datasets-INITIAL_FORMS": 0,
            "data_files-TOTAL_FORMS": 0,
            "data_files-INITIAL_FORMS": 0,
        },
    )
    assert not Subtask.objects.filter(task=theirs).exists()


def test_an_organiser_sees_registrations_of_their_tasks_only_and_decides_in_bulk(
    client, two_organisers
):
    mine, theirs, alice, _ = two_organisers
    teams = [Team.objects.create(name=f"T{i}", slug=f"t{i}") for i in range(3)]
    for team in teams:
        Registration.objects.create(team=team, task=mine)
    foreign = Registration.objects.create(team=teams[0], task=theirs)
    client.force_login(alice)
    url = reverse("admin:teams_registration_changelist")
    ids = [str(r.pk) for r in Registration.objects.filter(task=mine)]
    client.post(url, {"action": "approve", "_selected_action": [*ids, str(foreign.pk)]})
    assert set(Registration.objects.filter(task=mine).values_list("status", flat=True)) == {
        "approved"
    }
    foreign.refresh_from_db()
    assert foreign.status == "pending"
    client.post(url, {"action": "reject", "_selected_action": ids[:1]})
    assert Registration.objects.get(pk=ids[0]).status == "rejected"


def test_a_superuser_sees_every_task(client, two_organisers, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    page = client.get(reverse("admin:sharedtasks_sharedtask_changelist")).content.decode()
    assert "Tiny task" in page and "Bob&#x27;s task" in page


def test_a_participant_cannot_enter_the_admin(client, make_user, two_organisers):
    client.force_login(make_user("alice"))
    response = client.get(reverse("admin:sharedtasks_sharedtask_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_organiser_creates_a_task_and_keeps_organising_it(client, two_organisers):
    _, _, alice, _ = two_organisers
    client.force_login(alice)
    response = client.post(
        reverse("admin:sharedtasks_sharedtask_add"),
        {
            "title": "Fourth task",
            "slug": "fourth",
            "visibility": "draft",
            "registration_policy": "open",
            "description": "",
            "terms": "",
            "canary": "C",
            "subtasks-TOTAL_FORMS": 0,
            "subtasks-INITIAL_FORMS": 0,
            "phases-TOTAL_FORMS": 0,
            "phases-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SharedTask.objects.get(slug="fourth").organisers.filter(pk=alice.pk).exists()


def test_gold_files_are_reachable_by_no_url(client, two_organisers, django_user_model):
    mine, _, _, _ = two_organisers
    dataset = Dataset.objects.get(subtask__task=mine, split="test")
    with pytest.raises(PermissionError):
        dataset.gold.url  # noqa: B018
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    page = client.get(reverse("admin:sharedtasks_subtask_change", args=[dataset.subtask.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert dataset.gold.name in html  # the admin names the stored file ...
    hrefs = [part.split('"', 2)[1] for part in html.split("href=")[1:] if part.startswith('"')]
    assert not [href for href in hrefs if dataset.gold.name in href]
    for url in [
        f"/{dataset.gold.name}",
        f"/media/{dataset.gold.name}",
        f"/gold/{dataset.gold.name}",
    ]:
        assert client.get(url).status_code == 404


def test_a_gold_upload_with_a_bad_label_is_refused_with_its_line(client, two_organisers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mine, _, alice, _ = two_organisers
    subtask = mine.subtasks.get()
    dataset = subtask.datasets.get(split="dev")
    client.force_login(alice)
    gold = b"".join(
        f'{{"id": "x{i}", "label": "{"robot" if i == 2 else "human"}"}}\n'.encode()
        for i in range(10)
    )
    url = reverse("admin:sharedtasks_subtask_change", args=[subtask.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        k: json.dumps(v) if isinstance(v, (list, dict)) else v
        for k, v in form.initial.items()
        if v is not None
    }
    data["task"] = mine.pk
    formset = next(iter(page.context["inline_admin_formsets"])).formset
    prefix = formset.prefix
    data.update({f"{prefix}-TOTAL_FORMS": 3, f"{prefix}-INITIAL_FORMS": 3})
    for n, ds in enumerate(subtask.datasets.order_by("split")):
        data[f"{prefix}-{n}-id"] = ds.pk
        data[f"{prefix}-{n}-subtask"] = subtask.pk
        data[f"{prefix}-{n}-split"] = ds.split
        if ds.pk == dataset.pk:
            data[f"{prefix}-{n}-gold"] = SimpleUploadedFile("dev.gold.jsonl", gold)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "line 3" in response.content.decode() and "robot" in response.content.decode()
    dataset.refresh_from_db()
    assert b"robot" not in dataset.gold.read()


def test_an_organiser_rescores_and_reveals_a_whole_phase_from_the_admin(client, two_organisers):
    from podium.sharedtasks.models import Phase
    from podium.submissions.models import Submission
    from podium.teams.models import Team

    mine, theirs, alice, _ = two_organisers
    phase = mine.phases.get(slug="test")
    team = Team.objects.create(name="T", slug="t")
    for status in ("scored", "failed", "running"):
        Submission.objects.create(
            team=team, user=alice, phase=phase, subtask=mine.subtasks.get(), file="f",
            sha256="0" * 64, status=status,
        )  # fmt: skip
    foreign = Phase.objects.create(
        task=theirs, slug="p", name="P", start=phase.start, end=phase.end
    )
    client.force_login(alice)
    url = reverse("admin:sharedtasks_phase_changelist")
    client.post(url, {"action": "rescore", "_selected_action": [phase.pk]})
    assert sorted(Submission.objects.values_list("status", flat=True)) == [
        "queued",
        "queued",
        "running",
    ]
    client.post(url, {"action": "reveal", "_selected_action": [phase.pk, foreign.pk]})
    phase.refresh_from_db()
    foreign.refresh_from_db()
    assert phase.revealed_at is not None and foreign.revealed_at is None


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:submissions_submission_changelist",
        "admin:sharedtasks_subtask_changelist",
        "admin:sharedtasks_phase_changelist",
        "admin:teams_registration_changelist",
        "admin:baselineruns_baselinerun_changelist",
    ],
)
def test_list_filters_name_no_other_organisers_tasks(client, two_organisers, changelist):
    from podium.sharedtasks.models import Phase

    mine, theirs, alice, _ = two_organisers
    theirs.title = "Bob's confidential draft"
    theirs.save()
    Phase.objects.create(
        task=theirs,
        slug="secret-phase",
        name="Secret phase",
        start=mine.phases.first().start,
        end=mine.phases.first().end,
    )
    client.force_login(alice)
    page = client.get(reverse(changelist)).content.decode()
    assert "confidential draft" not in page and "secret-phase" not in page


def test_the_organisers_picker_lists_organisers_only(client, two_organisers, make_user):
    mine, _, alice, _ = two_organisers
    make_user("a-participant")
    client.force_login(alice)
    form = client.get(
        reverse("admin:sharedtasks_sharedtask_change", args=[mine.pk])
    ).content.decode()
    assert "org-b" in form and "a-participant" not in form


def test_a_registration_changes_only_through_the_decision_actions(client, two_organisers):
    mine, _, alice, _ = two_organisers
    asked = Team.objects.create(name="Asked", slug="asked")
    other = Team.objects.create(name="Never asked", slug="never")
    registration = Registration.objects.create(team=asked, task=mine)
    client.force_login(alice)
    url = reverse("admin:teams_registration_change", args=[registration.pk])
    client.post(url, {"team": other.pk, "task": mine.pk, "status": "approved"})
    registration.refresh_from_db()
    assert (registration.team, registration.status) == (asked, "pending")
    assert not Registration.objects.filter(team=other).exists()
