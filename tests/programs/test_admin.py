"""The organisers' admin: upload a version, declare columns, test the program on a file."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from podium.programs.models import ScoringProgram

from .conftest import PLACEHOLDER_TXT, REF_MARKER, write_program

pytestmark = pytest.mark.django_db


def zipped(folder) -> bytes:
    from podium.programs.services import pack_folder

    target = folder.parent / f"{folder.name}.zip"
    return pack_folder(folder, target).read_bytes()


def test_outsiders_cannot_open_the_test_page(cast, client, make_user):
    stranger = make_user("mallory", organiser=True)
    client.force_login(stranger)
    response = client.get(f"/admin/programs/scoringprogram/{cast.program.pk}/test/")
    assert response.status_code == 404


def test_uploading_a_new_version_in_the_admin_keeps_the_old_one(cast, client):
    client.force_login(cast.organiser)
    command = "python $program/score.py $input $output"
    folder = write_program(cast.base / "v2", PLACEHOLDER_TXT, command)
    response = client.post(
        f"/admin/programs/scoringprogram/{cast.program.pk}/change/",
        {
            "task": cast.task.pk, "name": "accuracy", "description": "",
            "new_version": SimpleUploadedFile("v2.zip", zipped(folder)),
            "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": cast.program.versions.get().pk,
            "versions-0-program": cast.program.pk,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    program = ScoringProgram.objects.get(pk=cast.program.pk)
    assert list(program.versions.values_list("number", flat=True)) == [2, 1]


def test_a_program_zip_without_metadata_is_refused_in_the_admin(cast, client):
    client.force_login(cast.organiser)
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("score.py", "print(1)")
    response = client.post(
        f"/admin/programs/scoringprogram/{cast.program.pk}/change/",
        {"task": cast.task.pk, "name": "accuracy",
         "new_version": SimpleUploadedFile("bad.zip", buffer.getvalue()),
         "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert "no metadata file" in response.content.decode()
    assert cast.program.versions.count() == 1
    assert REF_MARKER["all"] not in response.content.decode()


def test_a_program_scored_subtask_can_be_edited_in_the_admin(cast):
    from podium.sharedtasks.forms import SubtaskForm

    subtask = cast.subtask
    subtask.metrics, subtask.primary_metric = ["macro_recall_custom"], "macro_recall_custom"
    subtask.save()
    data = {
        field: getattr(subtask, field)
        for field in ("slug", "position", "title", "description", "file_format", "separator",
                      "id_field", "value_field", "value_type", "primary_metric", "direction")
    }  # fmt: skip
    import json

    data.update(task=cast.task.pk, labels=json.dumps(subtask.labels),
                metrics=json.dumps(subtask.metrics), group_fields="[]")  # fmt: skip
    form = SubtaskForm(data=data, instance=subtask)
    assert form.is_valid(), form.errors


def test_reference_upload_in_the_admin_replaces_the_partition(cast, client, tmp_path):
    from podium.programs.models import ReferenceData

    from .conftest import write_reference

    client.force_login(cast.organiser)
    folder = write_reference(tmp_path / "new-public", "public", ["x0", "x1"])
    public = ReferenceData.objects.get(split="test", partition="public")
    old_sha = public.sha256
    response = client.post(
        f"/admin/programs/referencedata/{public.pk}/change/",
        {"subtask": cast.subtask.pk, "split": "test", "partition": "public",
         "upload": SimpleUploadedFile("ref.zip", zipped(folder))},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert ReferenceData.objects.filter(split="test").count() == 2
    public.refresh_from_db()
    assert public.sha256 != old_sha
    refused = client.post(
        "/admin/programs/referencedata/add/",
        {"subtask": cast.subtask.pk, "split": "dev", "partition": "private",
         "upload": SimpleUploadedFile("ref.zip", zipped(folder))},
    )  # fmt: skip
    assert "only the test split has public and private parts" in refused.content.decode()


def test_two_primary_columns_are_refused_in_the_admin(cast, client):
    scoring = cast.subtask.program_scoring
    columns = list(scoring.columns.all())
    client.force_login(cast.organiser)
    data = {
        "subtask": cast.subtask.pk, "program": cast.program.pk, "results_filename": "",
        "columns-TOTAL_FORMS": "2", "columns-INITIAL_FORMS": "2",
        "columns-MIN_NUM_FORMS": "0", "columns-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, column in enumerate(columns):
        data.update({
            f"columns-{i}-id": column.pk, f"columns-{i}-scoring": scoring.pk,
            f"columns-{i}-position": i, f"columns-{i}-key": column.key,
            f"columns-{i}-direction": "higher", f"columns-{i}-precision": 4,
            f"columns-{i}-primary": "on",
        })  # fmt: skip
    response = client.post(f"/admin/programs/programscoring/{scoring.pk}/change/", data)
    assert "Exactly one column must be primary." in response.content.decode()
    data["columns-1-primary"] = ""
    data["columns-1-direction"] = "lower"
    data["columns-0-primary"] = ""
    data["columns-1-primary"] = "on"
    response = client.post(f"/admin/programs/programscoring/{scoring.pk}/change/", data)
    assert response.status_code == 302
    cast.subtask.refresh_from_db()
    assert (cast.subtask.primary_metric, cast.subtask.direction) == ("n", "lower")


def test_a_subtask_cannot_be_scored_by_another_tasks_program(cast):
    from django.core.exceptions import ValidationError

    from podium.programs.models import ProgramScoring
    from podium.sharedtasks.models import SharedTask

    other = SharedTask.objects.create(slug="other", title="Other")
    foreign = ScoringProgram.objects.create(task=other, name="foreign")
    scoring = ProgramScoring(subtask=cast.subtask, program=foreign)
    with pytest.raises(ValidationError, match="subtask's own task"):
        scoring.clean()


def test_a_stored_reference_keeps_its_split_and_partition_when_edited(cast, client):
    from podium.programs.models import ReferenceData

    client.force_login(cast.organiser)
    public = ReferenceData.objects.get(split="test", partition="public")
    response = client.post(
        f"/admin/programs/referencedata/{public.pk}/change/",
        {"subtask": cast.subtask.pk, "split": "test", "partition": "private"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    public.refresh_from_db()
    assert public.partition == "public"
    assert ReferenceData.objects.filter(split="test").count() == 2
