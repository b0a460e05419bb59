"""A program-scored subtask's results zip is checked under the zip rules when it is uploaded:
refused with a 400 naming the rule, nothing stored, nothing counted against the team."""

import random
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from podium.programs.unpack import RESULTS_LIMITS, check_zip
from podium.submissions.models import Submission

from .conftest import results_zip
from .test_results_zips import fifo_member, make_zip, symlink_member

pytestmark = pytest.mark.django_db


def post(user, phase, content: bytes, name="results.zip"):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        "/api/v1/submissions/",
        {"phase": phase.pk, "subtask": "a", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def lying_zip() -> bytes:
    data = bytearray(make_zip([("predictions.txt", b"y" * 5000)]))
    # The central directory says 10 bytes; the member inflates to 5,000.
    offset = data.rfind(b"PK\x01\x02")
    data[offset + 24 : offset + 28] = (10).to_bytes(4, "little")
    return bytes(data)


HOSTILE = {
    "traversal": (make_zip([("../../evil.txt", b"x")]), "'..' is not allowed"),
    "absolute": (make_zip([("/etc/evil.txt", b"x")]), "absolute paths"),
    "symlink": (make_zip([symlink_member("predictions.txt", "/etc/passwd")]), "symbolic links"),
    "fifo": (make_zip([fifo_member("pipe")]), "device files, FIFOs"),
    "bomb": (make_zip([("predictions.txt", b"\0" * (50 << 20))]), "zip bomb"),
    "too many files": (
        make_zip([(f"f{i}.txt", b"x") for i in range(RESULTS_LIMITS.max_files + 1)]),
        f"at most {RESULTS_LIMITS.max_files} allowed",
    ),
    "lying size": (lying_zip(), "the zip cannot be read (Bad CRC-32"),
    "twice": (make_zip([("a.txt", b"1"), ("A.txt", b"2")]), "this name twice"),
    "empty": (make_zip([]), "holds no files"),
    "file and folder": (
        make_zip([("out", b"1"), ("out/predictions.txt", b"2")]),
        "a file of the same name as the folder",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_results_zip_is_refused_at_upload(cast, case):
    content, rule = HOSTILE[case]
    stored_before = set(Submission.objects.values_list("file", flat=True))
    response = post(cast.participant, cast.dev, content)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "bad_zip"
    assert rule in body["detail"]
    assert not Submission.objects.exists()
    assert set(Submission.objects.values_list("file", flat=True)) == stored_before


def test_refusals_cost_the_team_nothing(cast):
    cast.dev.max_per_day, cast.dev.count_failed = 1, True
    cast.dev.save()
    for case in ("traversal", "bomb", "symlink"):
        assert post(cast.participant, cast.dev, HOSTILE[case][0]).status_code == 400
    # The one submission of the day is still there.
    assert post(cast.participant, cast.dev, results_zip()).status_code == 201
    assert post(cast.participant, cast.dev, results_zip(), name="again.zip").status_code == 429


def test_the_browser_form_shows_the_rule(cast, client):
    client.force_login(cast.participant)
    response = client.post(
        f"/tasks/{cast.task.slug}/submit/",
        {
            "phase": cast.dev.pk,
            "subtask": "a",
            "file": SimpleUploadedFile("r.zip", HOSTILE["symlink"][0]),
        },
    )
    assert response.status_code == 400
    assert "symbolic links are not allowed" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_single_results_file_and_a_good_zip_are_accepted(cast):
    assert post(cast.participant, cast.dev, results_zip()).status_code == 201
    text = b"".join(f"d{i} x\n".encode() for i in range(3))
    assert post(cast.participant, cast.dev, text, name="predictions.txt").status_code == 201


def test_a_built_in_subtask_is_not_checked_as_a_results_zip(cast):
    # Only program-scored subtasks unpack zips; a built-in scorer reads its own formats.
    cast.subtask.program_scoring.delete()
    assert post(cast.participant, cast.dev, HOSTILE["traversal"][0]).status_code == 201


def test_the_check_streams(tmp_path):
    """A zip within the limits that inflates to 40 MB is checked in a few blocks' memory."""
    noise = random.Random(7).randbytes(40 << 20)
    source = tmp_path / "big.zip"
    source.write_bytes(make_zip([("predictions.bin", noise)]))
    with open(source, "rb") as handle:
        tracemalloc.start()
        try:
            assert check_zip(handle, limits=RESULTS_LIMITS) == 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 2 << 20, f"peak {peak} bytes"
