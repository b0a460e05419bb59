"""A bundle's input data, public data and starting kit become participants' downloads, served
to exactly the people (and from exactly the time) the split's inputs are; reference data never."""

import io
import zipfile
from datetime import timedelta

import pytest
import yaml
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from podium.programs.bundles.importer import bundle_import
from podium.sharedtasks.models import DataFile, SharedTask
from podium.sharedtasks.taskfile.exporter import task_export
from podium.sharedtasks.taskfile.importer import task_import
from podium.teams.models import Registration
from podium.teams.services import team_create

from .conftest import IDS, MARKER, STARTING_KIT_README

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return make_user("org", organiser=True), make_user("pat"), make_user("out")


def register(task, user, name="Alpha"):
    team = team_create(name=name, captain=user)
    Registration.objects.create(team=team, task=task, status=Registration.Status.APPROVED)


def files_of(task) -> dict:
    return {
        (f.subtask.slug, f.split, f.kind): f.filename
        for f in DataFile.objects.filter(subtask__task=task).select_related("subtask")
    }


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_codabench_downloads_are_imported_and_served_to_registered_teams(v2_bundle, people):
    _, participant, outsider = people
    report = bundle_import(path=v2_bundle, owner="org", publish=True)
    task = SharedTask.objects.get(slug=report.task_slug)
    subtask = task.subtasks.get()
    # The same starting kit in both phases is stored once, on the earliest split.
    assert files_of(task) == {
        (subtask.slug, "dev", "input_data"): "dev_input.zip",
        (subtask.slug, "dev", "starting_kit"): "starting_kit.zip",
        (subtask.slug, "test", "input_data"): "test_input.zip",
    }
    assert not any(k in line for line in report.not_imported
                   for k in ("input_data", "public_data", "starting_kit"))  # fmt: skip
    assert f"subtask {subtask.slug}: dev starting_kit (starting_kit.zip)" in report.changes

    register(task, participant)
    client = APIClient()
    client.force_login(participant)
    page = client.get(f"/tasks/{task.slug}/").content.decode()
    kit_url = f"/tasks/{task.slug}/files/{subtask.slug}/dev/starting_kit/"
    assert kit_url in page and "Starting kit (development): starting_kit.zip" in page
    response = client.get(kit_url)
    assert response.status_code == 200
    assert 'filename="starting_kit.zip"' in response["Content-Disposition"]
    kit = members(body(response))
    assert kit["README.md"].decode() == STARTING_KIT_README and "sample/predictions.json" in kit
    test_input = members(
        body(client.get(f"/tasks/{task.slug}/files/{subtask.slug}/test/input_data/"))
    )
    assert test_input["test.jsonl"].decode().count('"id"') == len(IDS)

    # The API lists the files; a script fetches them with its token at the listed URL.
    listed = APIClient().get(f"/api/v1/tasks/{task.slug}/").json()["subtasks"][0]["files"]
    kit_entry = next(f for f in listed if f["kind"] == "starting_kit")
    assert kit_entry["split"] == "dev" and kit_entry["filename"] == "starting_kit.zip"
    assert kit_entry["url"].endswith(kit_url) and kit_entry["available_from"] is None
    token = Token.objects.create(user=participant)
    script = APIClient()
    response = script.get(kit_url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and members(body(response)) == kit

    # Refused exactly as the split's inputs are.
    stranger = APIClient()
    stranger.force_login(outsider)
    refused = stranger.get(kit_url)
    assert refused.status_code == 403
    assert (
        refused.content.decode()
        == stranger.get(f"/tasks/{task.slug}/data/{subtask.slug}/dev/").content.decode()
    )
    assert "approved registration" in refused.content.decode()
    assert "/login" in APIClient().get(kit_url)["Location"]
    assert APIClient().get(kit_url, HTTP_AUTHORIZATION="Token nope").status_code == 401
    outsider_token = Token.objects.create(user=outsider)
    as_json = APIClient().get(kit_url, HTTP_AUTHORIZATION=f"Token {outsider_token.key}")
    assert as_json.status_code == 403 and as_json.json()["code"] == "permission_denied"
    assert (
        "Starting kit (development): starting_kit.zip: "
        in stranger.get(f"/tasks/{task.slug}/").content.decode()
    ), "an outsider sees the file listed, without a link"


def test_a_test_download_is_released_with_the_test_phase(v2_bundle, people):
    _, participant, _ = people
    task = SharedTask.objects.get(slug=bundle_import(path=v2_bundle, publish=True).task_slug)
    subtask = task.subtasks.get()
    task.phases.filter(split="test").update(
        start=timezone.now() + timedelta(days=3), end=timezone.now() + timedelta(days=9)
    )
    register(task, participant)
    client = APIClient()
    client.force_login(participant)
    refused = client.get(f"/tasks/{task.slug}/files/{subtask.slug}/test/input_data/")
    assert refused.status_code == 403 and "released on" in refused.content.decode()
    assert (
        client.get(f"/tasks/{task.slug}/files/{subtask.slug}/dev/starting_kit/").status_code == 200
    )
    listed = client.get(f"/api/v1/tasks/{task.slug}/").json()["subtasks"][0]["files"]
    test_entry = next(f for f in listed if f["split"] == "test")
    assert test_entry["available_from"] is not None
    # No digest or size to confirm a guess of an unreleased file's content with.
    assert test_entry["sha256"] is None and test_entry["size"] is None
    dev_entry = next(f for f in listed if f["kind"] == "starting_kit")
    kit = DataFile.objects.get(kind="starting_kit")
    assert (dev_entry["sha256"], dev_entry["size"]) == (kit.sha256, kit.size)


def test_reimport_and_dry_run_of_downloads(v2_bundle, people):
    dry = bundle_import(path=v2_bundle, dry_run=True)
    assert any("dev starting_kit (starting_kit.zip)" in line for line in dry.changes)
    assert not DataFile.objects.exists()
    bundle_import(path=v2_bundle)
    stored = dict(DataFile.objects.values_list("kind", "sha256").filter(split="dev"))
    assert bundle_import(path=v2_bundle).changes == []
    assert DataFile.objects.count() == 3
    assert dict(DataFile.objects.values_list("kind", "sha256").filter(split="dev")) == stored

    # A changed starting kit replaces the stored one (no second row).
    (v2_bundle / "starting_kit/README.md").write_text("v2 of the kit\n")
    report = bundle_import(path=v2_bundle)
    assert any("dev starting_kit" in line for line in report.changes)
    kit = DataFile.objects.get(kind="starting_kit")
    assert kit.sha256 != stored["starting_kit"] and DataFile.objects.count() == 3


def test_a_download_holding_reference_data_is_not_imported(v2_bundle, people):
    _, participant, _ = people
    yaml_path = v2_bundle / "competition.yaml"
    text = yaml_path.read_text().replace("input_data: test_input.zip", "input_data: test_ref")
    yaml_path.write_text(text.replace("input_data: dev_input", "public_data: dev_ref"))
    report = bundle_import(path=v2_bundle, publish=True)
    assert set(DataFile.objects.values_list("split", "kind")) == {("dev", "starting_kit")}
    held = [line for line in report.not_imported if "reference data is gold" in line]
    assert len(held) == 2 and any("tasks[1].input_data" in line for line in held)
    task = SharedTask.objects.get(slug=report.task_slug)
    register(task, participant)
    client = APIClient()
    client.force_login(participant)
    for kind in ("input_data", "public_data"):
        for split in ("dev", "test"):
            response = client.get(
                f"/tasks/{task.slug}/files/{task.subtasks.get().slug}/{split}/{kind}/"
            )
            assert response.status_code == 404
            assert MARKER not in response.content.decode()


def test_a_reference_zipped_into_the_starting_kit_is_not_served(v2_bundle, people):
    # Organisers often ship last year's gold in the kit "for local evaluation": zipped, it is
    # the same gold, and the guard opens the zip to see it.
    import zipfile as zf

    with zf.ZipFile(v2_bundle / "starting_kit" / "eval.zip", "w") as archive:
        archive.write(v2_bundle / "test_ref" / "private" / "notes.txt", "private/notes.txt")
    report = bundle_import(path=v2_bundle, publish=True)
    assert not DataFile.objects.filter(kind="starting_kit").exists()
    held = [line for line in report.not_imported if "reference data is gold" in line]
    assert any("starting_kit" in line and "eval.zip!private/notes.txt" in line for line in held)


def test_a_bad_download_is_refused_by_key_and_nothing_changes(v2_bundle, people):
    from podium.programs.bundles.draft import BundleError

    (v2_bundle / "test_input.zip").write_bytes(b"PK\x03\x04 not really a zip")
    yaml_path = v2_bundle / "competition.yaml"
    yaml_path.write_text(
        yaml_path.read_text().replace("starting_kit: starting_kit\n", "starting_kit: ../x\n", 1)
    )
    with pytest.raises(BundleError) as caught:
        bundle_import(path=v2_bundle)
    assert any(
        line.startswith("tasks[0].starting_kit: '../x' points outside")
        for line in caught.value.errors
    )
    assert not SharedTask.objects.exists() and not DataFile.objects.exists()


def test_codalab_starting_kit_zip_and_single_file_public_data(v1_zip, people):
    _, participant, _ = people
    report = bundle_import(path=v1_zip, publish=True)
    task = SharedTask.objects.get(slug=report.task_slug)
    subtask = task.subtasks.get()
    assert files_of(task) == {
        (subtask.slug, "dev", "starting_kit"): "starting_kit.zip",
        (subtask.slug, "test", "public_data"): "ids.txt",
    }
    register(task, participant)
    client = APIClient()
    client.force_login(participant)
    kit = body(client.get(f"/tasks/{task.slug}/files/{subtask.slug}/dev/starting_kit/"))
    assert members(kit) == {"README.txt": STARTING_KIT_README.encode()}
    ids = body(client.get(f"/tasks/{task.slug}/files/{subtask.slug}/test/public_data/"))
    assert ids.decode().split() == IDS


def test_export_round_trips_the_downloads(v2_bundle, people, tmp_path):
    task = SharedTask.objects.get(slug=bundle_import(path=v2_bundle).task_slug)
    before = set(DataFile.objects.values_list("split", "kind", "filename", "sha256"))
    out = tmp_path / "export"
    task_export(task=task, out_dir=out)
    document = yaml.safe_load((out / "task.yaml").read_text())
    files = document["subtasks"][0]["files"]
    assert files["dev"]["starting_kit"].endswith("/starting_kit.zip")
    assert task_import(path=out / "task.yaml").changes == []
    report = task_import(path=out / "task.yaml", overrides={"slug": "copy"})
    assert any("dev starting_kit (starting_kit.zip)" in line for line in report.changes)
    copied = DataFile.objects.filter(subtask__task__slug="copy")
    assert set(copied.values_list("split", "kind", "filename", "sha256")) == before


def test_a_task_file_names_a_missing_download_by_key(tmp_path, people):
    from podium.sharedtasks.taskfile.importer import TaskFileError

    (tmp_path / "kit").mkdir()
    (tmp_path / "task.yaml").write_text(
        """
slug: files-task
title: Files
subtasks:
  - slug: a
    title: A
    format: {type: jsonl, value_type: label, labels: [x, y]}
    scorer: {metrics: [accuracy], primary: accuracy, direction: higher}
    files:
      dev: {starting_kit: kit}
      test: {input_data: nowhere.zip}
"""
    )
    with pytest.raises(TaskFileError) as caught:
        task_import(path=tmp_path / "task.yaml")
    assert caught.value.errors == [
        "subtasks[0].files.dev.starting_kit: file not found: kit (zip a folder first)",
        "subtasks[0].files.test.input_data: file not found: nowhere.zip",
    ]


def test_an_organiser_adds_a_download_file_in_the_admin(v2_bundle, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from podium.sharedtasks.datasets import file_sha256
    from podium.sharedtasks.forms import DataFileForm

    organiser, participant, _ = people
    task = SharedTask.objects.get(slug=bundle_import(path=v2_bundle, owner="org").task_slug)
    subtask = task.subtasks.get()
    admin = APIClient()
    admin.force_login(organiser)
    page = admin.get(f"/admin/sharedtasks/subtask/{subtask.pk}/change/").content.decode()
    assert "data_files-TOTAL_FORMS" in page and "starting_kit.zip" in page

    upload = SimpleUploadedFile("my guide.pdf", b"%PDF-1.4 guide")
    form = DataFileForm(
        {"split": "test", "kind": "public_data", "filename": ""},
        {"file": upload},
        instance=DataFile(subtask=subtask),
    )
    assert form.is_valid(), form.errors
    row = form.save()
    assert (row.filename, row.size) == ("my_guide.pdf", 14)
    assert row.sha256 == file_sha256(upload)
    task.visibility = "published"
    task.save()
    register(task, participant)
    client = APIClient()
    client.force_login(participant)
    response = client.get(f"/tasks/{task.slug}/files/{subtask.slug}/test/public_data/")
    assert body(response) == b"%PDF-1.4 guide"
    assert 'filename="my_guide.pdf"' in response["Content-Disposition"]


def test_input_data_the_bundle_keeps_private_is_not_served(v2_bundle, people):
    yaml_path = v2_bundle / "competition.yaml"
    yaml_path.write_text(yaml_path.read_text() + "make_input_data_available: false\n")
    report = bundle_import(path=v2_bundle)
    assert set(DataFile.objects.values_list("kind", flat=True)) == {"starting_kit"}
    assert sum("make_input_data_available: false" in line for line in report.not_imported) == 2


def test_an_interrupted_starting_kit_download_resumes_with_a_range(v2_bundle, people):
    _, participant, outsider = people
    task = SharedTask.objects.get(
        slug=bundle_import(path=v2_bundle, owner="org", publish=True).task_slug
    )
    subtask = task.subtasks.get()
    register(task, participant)
    client = APIClient()
    client.force_login(participant)
    kit_url = f"/tasks/{task.slug}/files/{subtask.slug}/dev/starting_kit/"
    whole = client.get(kit_url)
    content = body(whole)
    assert whole["Accept-Ranges"] == "bytes" and int(whole["Content-Length"]) == len(content)
    etag = whole["ETag"]

    rest = client.get(kit_url, HTTP_RANGE="bytes=10-", HTTP_IF_RANGE=etag)
    assert rest.status_code == 206
    assert rest["Content-Range"] == f"bytes 10-{len(content) - 1}/{len(content)}"
    assert content[:10] + body(rest) == content
    tail = client.get(kit_url, HTTP_RANGE="bytes=-7")
    assert tail.status_code == 206 and body(tail) == content[-7:]
    # A resume against another version of the file gets the whole (new) file, not a splice.
    stale = client.get(kit_url, HTTP_RANGE="bytes=10-", HTTP_IF_RANGE='"another-version"')
    assert stale.status_code == 200 and body(stale) == content
    past = client.get(kit_url, HTTP_RANGE=f"bytes={len(content)}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(content)}"
    # A range does not get round the access rules.
    stranger = APIClient()
    stranger.force_login(outsider)
    assert stranger.get(kit_url, HTTP_RANGE="bytes=0-3").status_code == 403


def test_a_download_name_typed_in_the_admin_cannot_leave_the_export_folder(
    v2_bundle, people, tmp_path
):
    from podium.sharedtasks.forms import DataFileForm

    task = SharedTask.objects.get(slug=bundle_import(path=v2_bundle, owner="org").task_slug)
    kit = DataFile.objects.get(kind="starting_kit")
    # Only the name is edited (no new file): it is cleaned all the same.
    form = DataFileForm(
        {"split": kit.split, "kind": kit.kind, "filename": '../../../../escape".txt'},
        instance=kit,
    )
    assert form.is_valid(), form.errors
    assert form.save().filename == "escape_.txt"
    # A row holding such a name anyway (written before this rule) is exported inside the folder
    # and served under a harmless name.
    DataFile.objects.filter(pk=kit.pk).update(filename='../../../escape".txt')
    out = tmp_path / "deep" / "er" / "export"
    task_export(task=task, out_dir=out)
    assert all(out in path.parents for path in tmp_path.rglob("escape*"))
    assert (
        out / "files" / task.subtasks.get().slug / kit.split / kit.kind / "escape_.txt"
    ).exists()
