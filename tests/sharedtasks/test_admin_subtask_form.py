"""The subtask admin: added from its task's page with its data files in one save, stored through
the task-file import's dataset service (rows counted), with friendly list fields and the whole
scorer configuration checked by the scorers' own spec loader, errors on the field concerned."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from podium.sharedtasks.models import Dataset, SharedTask, Subtask
from podium.sharedtasks.taskfile.importer import task_import

pytestmark = pytest.mark.django_db

ADD = "admin:sharedtasks_subtask_add"
LABELS = ["human", "machine"]


@pytest.fixture
def task(small_task_files):
    task_import(path=small_task_files)
    return SharedTask.objects.get(slug="tiny")


@pytest.fixture
def organiser(make_user, task):
    user = make_user("org-a", organiser=True)
    task.organisers.add(user)
    return user


def jsonl(rows) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def split_files(split: str, *, bad_label_on: int | None = None) -> dict:
    ids = [f"n{i}" for i in range(12)]
    inputs = jsonl({"id": i, "text": f"text {i}"} for i in ids)
    gold_rows = []
    for n, i in enumerate(ids):
        row = {"id": i, "label": "robot" if n == bad_label_on else LABELS[n % 2]}
        if split == "test":
            row["partition"] = "public" if n < 6 else "private"
        gold_rows.append(row)
    return {
        "inputs": SimpleUploadedFile(f"{split}.jsonl", inputs),
        "gold": SimpleUploadedFile(f"{split}.gold.jsonl", jsonl(gold_rows)),
    }


def subtask_post(task, **overrides) -> dict:
    data = {
        "task": task.pk,
        "slug": "b",
        "position": 1,
        "title": "B: which generator",
        "description": "",
        "file_format": "jsonl",
        "separator": ",",
        "id_field": "id",
        "value_field": "label",
        "value_type": "label",
        "labels": "human\nmachine",
        "value_min": "",
        "value_max": "",
        "metrics": "accuracy\nmacro_f1",
        "primary_metric": "accuracy",
        "direction": "higher",
        "group_fields": "",
        "datasets-TOTAL_FORMS": 0,
        "datasets-INITIAL_FORMS": 0,
        # The download files' inline (a page the admin renders sends its management form too).
        "data_files-TOTAL_FORMS": 0,
        "data_files-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def with_datasets(data: dict, splits: dict[str, dict]) -> dict:
    data = {**data, "datasets-TOTAL_FORMS": len(splits)}
    for n, (split, files) in enumerate(splits.items()):
        data[f"datasets-{n}-split"] = split
        for name, upload in files.items():
            data[f"datasets-{n}-{name}"] = upload
    return data


def test_a_subtask_and_its_datasets_are_added_in_one_save_with_rows_counted(
    client, task, organiser
):
    client.force_login(organiser)
    # JSON lists, as a task file writes them, are accepted as well as one item per line.
    data = with_datasets(
        subtask_post(task, labels='["human", "machine"]', metrics='["accuracy", "macro_f1"]'),
        {"dev": split_files("dev"), "test": split_files("test")},
    )
    response = client.post(reverse(ADD), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    subtask = Subtask.objects.get(task=task, slug="b")
    assert subtask.labels == LABELS and subtask.metrics == ["accuracy", "macro_f1"]
    datasets = {d.split: d for d in subtask.datasets.all()}
    assert set(datasets) == {"dev", "test"}
    assert {d.row_count for d in datasets.values()} == {12}
    assert b'"partition": "private"' in datasets["test"].gold.read()
    # Participants see the count on the task page.
    task.visibility = "published"
    task.save()
    page = client.get(reverse("web:task-detail", args=[task.slug])).content.decode()
    assert "(12 rows)" in page


def test_a_bad_gold_file_refuses_the_whole_save_with_its_line(client, task, organiser):
    client.force_login(organiser)
    data = with_datasets(subtask_post(task), {"dev": split_files("dev", bad_label_on=4)})
    response = client.post(reverse(ADD), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "line 5" in page and "robot" in page
    assert (
        not Subtask.objects.filter(slug="b").exists()
        and not Dataset.objects.filter(subtask__slug="b").exists()
    )


def test_files_uploaded_to_an_existing_split_are_counted(client, task, organiser):
    subtask = task.subtasks.get()
    dev = subtask.datasets.get(split="dev")
    Dataset.objects.filter(pk=dev.pk).update(row_count=0)  # as the admin used to leave it
    client.force_login(organiser)
    url = reverse("admin:sharedtasks_subtask_change", args=[subtask.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ""
        if form[name].value() is None or isinstance(form[name].value(), list)
        else form[name].value()
        for name in form.fields
    }
    data.update(
        task=task.pk,
        labels="human\nmachine",
        metrics="accuracy\nmacro_f1",
        group_fields="language",
        value_min="",
        value_max="",
    )
    datasets = list(subtask.datasets.order_by("split"))
    data.update({"datasets-TOTAL_FORMS": len(datasets), "datasets-INITIAL_FORMS": len(datasets)})
    data.update({"data_files-TOTAL_FORMS": 0, "data_files-INITIAL_FORMS": 0})
    files = split_files("dev")
    for n, dataset in enumerate(datasets):
        data.update({f"datasets-{n}-id": dataset.pk, f"datasets-{n}-split": dataset.split})
        data[f"datasets-{n}-subtask"] = subtask.pk
        if dataset.pk == dev.pk:
            gold = [{"id": f"n{i}", "label": LABELS[i % 2], "language": "en"} for i in range(12)]
            data[f"datasets-{n}-inputs"] = files["inputs"]
            data[f"datasets-{n}-gold"] = SimpleUploadedFile("g.jsonl", jsonl(gold))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    dev.refresh_from_db()
    assert dev.row_count == 12 and b"n11" in dev.inputs.read()


def test_the_form_offers_the_registered_metrics_and_plain_list_inputs(client, task, organiser):
    client.force_login(organiser)
    subtask = task.subtasks.get()
    page = client.get(reverse("admin:sharedtasks_subtask_change", args=[subtask.pk]))
    html = page.content.decode()
    for metric in ("accuracy", "macro_f1", "tpr_at_fpr", "mae", "pearson", "span_f1"):
        assert f"<code>{metric}</code>" in html
    assert "fpr=0.05" in html and "domain_field=null" in html
    assert ">\nhuman\nmachine</textarea>" in html  # one label per line, no JSON
    assert 'value="language"' in html  # group fields as a plain text input
    assert ">\naccuracy\nmacro_f1</textarea>" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"metrics": "acuracy"}, "metrics", "unknown metric 'acuracy'; known metrics: accuracy"),
        ({"metrics": "macro_f1: avrage=micro"}, "metrics", "has no parameter 'avrage'"),
        ({"metrics": "accuracy\nmae"}, "metrics", "metrics mix value kinds"),
        ({"metrics": "tpr_at_fpr: fpr=2"}, "metrics", "metric 'tpr_at_fpr'"),
        ({"metrics": "accuracy, macro_f1"}, "metrics", "line 1: start with a metric name"),
        ({"metrics": "tpr_at_fpr: fpr"}, "metrics", "write each parameter as name=value"),
        ({"primary_metric": "f1_score"}, "primary_metric", "primary 'f1_score' is not one of"),
        ({"labels": "human\nhuman"}, "labels", "'human' is listed twice"),
        ({"labels": ""}, "labels", "A label set is needed"),
        ({"separator": '"', "file_format": "csv"}, "separator", "separator must be one"),
    ],
)
def test_scorer_configuration_errors_land_on_their_field(
    client, task, organiser, overrides, field, message
):
    client.force_login(organiser)
    response = client.post(reverse(ADD), subtask_post(task, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert message in " ".join(errors[field]), errors[field]
    assert not Subtask.objects.filter(slug="b").exists()


def test_metrics_with_parameters_and_keys_round_trip(client, task, organiser):
    client.force_login(organiser)
    lines = (
        "tpr_at_fpr: fpr=0.05, positive=machine, domain_field=domain, key=tpr5\n"
        "tpr_at_fpr: fpr=0.01, positive=machine, key=tpr1\n"
        "auroc: positive=machine"
    )
    data = subtask_post(task, metrics=lines, primary_metric="tpr5", labels="", value_type="number")
    data["group_fields"] = "domain, language"
    response = client.post(reverse(ADD), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    subtask = Subtask.objects.get(slug="b")
    assert subtask.metrics == [
        {
            "name": "tpr_at_fpr",
            "fpr": 0.05,
            "positive": "machine",
            "domain_field": "domain",
            "key": "tpr5",
        },
        {"name": "tpr_at_fpr", "fpr": 0.01, "positive": "machine", "key": "tpr1"},
        {"name": "auroc", "positive": "machine"},
    ]
    assert subtask.group_fields == ["domain", "language"]
    page = client.get(reverse("admin:sharedtasks_subtask_change", args=[subtask.pk]))
    assert lines in page.content.decode()


def test_the_tasks_page_links_to_a_new_subtask_of_that_task(client, task, organiser, make_user):
    client.force_login(organiser)
    page = client.get(reverse("admin:sharedtasks_sharedtask_change", args=[task.pk]))
    link = f"{reverse(ADD)}?task={task.pk}"
    html = page.content.decode()
    assert f'href="{link}"' in html and "Add a subtask to this task" in html
    assert "(10 rows)" in html  # each subtask's data, listed on the task's page
    form = client.get(link).context["adminform"].form
    assert form["task"].value() == str(task.pk)

    theirs = SharedTask.objects.create(slug="theirs", title="Theirs")
    theirs.organisers.add(make_user("org-b", organiser=True))
    response = client.post(reverse(ADD), subtask_post(theirs))
    assert response.status_code == 200 and "task" in response.context["adminform"].form.errors
    assert not Subtask.objects.filter(task=theirs).exists()


def test_the_migration_counts_the_rows_the_old_admin_left_at_zero(task):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("podium.sharedtasks.migrations.0002_recount_dataset_rows")
    Dataset.objects.update(row_count=0)
    migration.recount(apps, None)
    assert set(Dataset.objects.values_list("row_count", flat=True)) == {10}
