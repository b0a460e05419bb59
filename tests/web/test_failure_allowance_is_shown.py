"""The failure allowance is set in the task file and the admin, and shown on the task page, the
upload page and in the API."""

import pytest
import yaml

from podium.sharedtasks.models import Phase
from podium.sharedtasks.taskfile.exporter import task_export
from podium.sharedtasks.taskfile.importer import task_import
from podium.submissions.models import Submission

from .conftest import browser, html

pytestmark = pytest.mark.django_db


def test_the_task_file_sets_the_allowance_and_export_keeps_it(small_task_files, tmp_path):
    document = yaml.safe_load(small_task_files.read_text())
    document["phases"][0]["limits"]["failed_per_day"] = 4
    document["phases"][1]["limits"] = {"failed_per_day": None}
    small_task_files.write_text(yaml.safe_dump(document, sort_keys=False))
    task_import(path=small_task_files)
    phases = {p.slug: p for p in Phase.objects.all()}
    assert phases["dev"].max_failed_per_day == 4 and phases["test"].max_failed_per_day is None
    exported = task_export(task=phases["dev"].task, out_dir=tmp_path / "out")
    limits = yaml.safe_load(exported.read_text())["phases"][0]["limits"]
    assert limits["failed_per_day"] == 4


def test_the_task_page_and_the_upload_page_show_it(cast):
    page = " ".join(html(cast.participant, "/tasks/tiny/").split())
    assert "After 10 failed submissions in a day, a team may submit again the next day" in page
    Submission.objects.create(
        team=cast.alpha,
        user=cast.participant,
        phase=cast.dev,
        subtask=cast.task.subtasks.get(),
        sha256="0" * 64,
        status="failed",
    )
    submit_page = html(cast.participant, "/tasks/tiny/submit/")
    assert "failed submissions left today: 9" in submit_page


def test_the_api_shows_the_limit_and_what_is_left(cast, client_for):
    body = client_for(cast.participant).get(f"/api/v1/submissions/?phase={cast.dev.pk}").json()
    assert body["failed_left_today"] == 10


def test_the_admin_phase_form_has_the_field(cast):
    page = browser(cast.organiser).get(f"/admin/sharedtasks/sharedtask/{cast.task.pk}/change/")
    assert page.status_code == 200
    assert "max_failed_per_day" in page.content.decode()
