"""export_task writes text as the admin shows it, with Unix line ends and readable blocks, even
when the admin's textareas stored it with the browser's \r\n."""

import pytest
import yaml

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.taskfile.exporter import task_export
from podium.sharedtasks.taskfile.importer import task_import

pytestmark = pytest.mark.django_db


def test_text_saved_with_crlf_exports_with_unix_line_ends(small_task_files, tmp_path):
    task_import(path=small_task_files)
    task = SharedTask.objects.get(slug="tiny")
    task.description = "First line.\r\n\r\n- a point\r\n- another\r\n"
    task.terms = "Be fair.\r\nCite us."
    task.save()
    task.subtasks.update(description="Label each text.\r\nTwo labels.")

    exported = task_export(task=task, out_dir=tmp_path / "export")
    raw = exported.read_bytes()
    assert b"\r" not in raw and b"\\r" not in raw
    assert b"description: |" in raw  # a literal block, not one quoted line of escapes
    document = yaml.safe_load(raw)
    assert document["description"] == "First line.\n\n- a point\n- another\n"
    assert document["terms"] == "Be fair.\nCite us."
    assert document["subtasks"][0]["description"] == "Label each text.\nTwo labels."

    task_import(path=exported)
    task.refresh_from_db()
    assert task.description == "First line.\n\n- a point\n- another\n"
