"""The admin's "New task from a template": an organiser picks a template, gives a slug and a
title, and gets a draft task with the template's subtasks, phases and sample data."""

import pytest
from django.urls import reverse

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.tasktemplates.services import (
    TemplateRefused,
    task_create_from_template,
    template_list,
)

pytestmark = pytest.mark.django_db

ALL_TEMPLATES = {
    "semeval2024-task8", "genai-detection-task1", "raid-task3", "autextification2023",
    "ruatd2022", "ainl-eval2025", "nadi2021", "sts2017", "str2024", "fincausal2020",
    "fignews2024",
}  # fmt: skip
URL = "admin:sharedtasks_sharedtask_from_template"


def test_every_template_is_offered():
    assert {t.name for t in template_list()} == ALL_TEMPLATES


def test_an_organiser_creates_a_draft_task_from_a_template_in_the_admin(client, make_user):
    organiser = make_user("org", organiser=True)
    client.force_login(organiser)
    listing = client.get(reverse("admin:sharedtasks_sharedtask_changelist")).content.decode()
    assert reverse(URL) in listing and "New task from a template" in listing
    page = client.get(reverse(URL)).content.decode()
    assert "fincausal2020" in page and "FIGNEWS 2024" in page
    response = client.post(
        reverse(URL), {"template": "fincausal2020", "slug": "causes-2027", "title": "Causes 2027"}
    )
    task = SharedTask.objects.get(slug="causes-2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sharedtasks_sharedtask_change", args=[task.pk])
    assert task.title == "Causes 2027" and task.visibility == "draft"
    assert list(task.organisers.all()) == [organiser]
    assert task.canary.startswith("PODIUM-CANARY-")
    spans = task.subtasks.get(slug="task2")
    assert spans.value_type == "spans" and spans.span_text_field == "Text"
    assert {d.split for d in spans.datasets.all()} == {"train", "dev", "test"}
    assert set(task.phases.values_list("slug", flat=True)) == {"dev", "test"}
    # The organiser can open the new task and its span subtask in the admin.
    assert client.get(response["Location"]).status_code == 200
    edit = client.get(reverse("admin:sharedtasks_subtask_change", args=[spans.pk]))
    assert edit.status_code == 200 and "span_cause_field" in edit.content.decode()


@pytest.mark.parametrize("name", sorted(ALL_TEMPLATES))
def test_each_template_becomes_a_task_from_the_admin(client, make_user, name):
    client.force_login(make_user("org", organiser=True))
    response = client.post(reverse(URL), {"template": name, "slug": "mine", "title": "Mine"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    task = SharedTask.objects.get(slug="mine")
    assert task.subtasks.exists() and task.phases.count() == 2
    for subtask in task.subtasks.all():
        assert {d.split for d in subtask.datasets.all()} == {"train", "dev", "test"}


def test_a_template_never_overwrites_an_existing_task(client, make_user):
    owner, intruder = make_user("owner", organiser=True), make_user("intruder", organiser=True)
    theirs = SharedTask.objects.create(slug="taken", title="Someone's task")
    theirs.organisers.add(owner)
    client.force_login(intruder)
    response = client.post(
        reverse(URL), {"template": "sts2017", "slug": "taken", "title": "Hijack"}
    )
    assert response.status_code == 200 and "exists already" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.title == "Someone's task" and not theirs.subtasks.exists()
    assert list(theirs.organisers.all()) == [owner]


def test_a_creation_racing_another_with_the_same_slug_does_not_touch_it(make_user, monkeypatch):
    """Two organisers pick the same slug at once: the second passes the early check before the
    first commits, and must still fail instead of importing into the first one's task."""
    owner, racer = make_user("owner", organiser=True), make_user("racer", organiser=True)
    first = task_create_from_template(template="sts2017", slug="same", title="First", by=owner)
    monkeypatch.setattr("podium.sharedtasks.tasktemplates.services._slug_free", lambda slug: True)
    with pytest.raises(TemplateRefused, match="exists already"):
        task_create_from_template(template="nadi2021", slug="same", title="Second", by=racer)
    first.refresh_from_db()
    assert first.title == "First" and list(first.organisers.all()) == [owner]
    assert set(first.subtasks.values_list("slug", flat=True)) == {
        "track5-en-en", "track4a-es-en", "track1-ar-ar",
    }  # fmt: skip


def test_bad_input_is_refused_and_changes_nothing(make_user):
    organiser = make_user("org", organiser=True)
    for kwargs, message in (
        ({"template": "no-such", "slug": "x", "title": "X"}, "no template"),
        ({"template": "sts2017", "slug": "Bad Slug", "title": "X"}, "slug must be"),
        ({"template": "sts2017", "slug": "ok", "title": "  "}, "needs a title"),
    ):
        with pytest.raises(TemplateRefused, match=message):
            task_create_from_template(by=organiser, **kwargs)
    assert not SharedTask.objects.exists()


def test_participants_cannot_use_the_page(client, make_user):
    client.force_login(make_user("pat"))
    response = client.post(reverse(URL), {"template": "sts2017", "slug": "x", "title": "X"})
    assert response.status_code in (302, 403)
    assert not SharedTask.objects.exists()
