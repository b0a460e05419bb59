"""Hostile results zips: each is refused with the rule it broke, and nothing is written
outside the folder it is unpacked into."""

import io
import stat
import zipfile

import pytest

from podium.programs.unpack import RESULTS_LIMITS, UnpackError, UnpackLimits, safe_extract
from podium.submissions.models import Submission
from podium.submissions.scoring import submission_score

from .conftest import api_read, api_submit, results_zip


def make_zip(members: list[tuple[zipfile.ZipInfo | str, bytes]], **kwargs) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, **kwargs) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return buffer.getvalue()


def symlink_member(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def fifo_member(name: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    return info, b""


def extract(tmp_path, data: bytes, limits=RESULTS_LIMITS):
    source = tmp_path / "in.zip"
    source.write_bytes(data)
    return safe_extract(source, tmp_path / "out", limits=limits)


@pytest.mark.parametrize(
    ("members", "rule"),
    [
        ([("../evil.txt", b"x")], "'..' is not allowed"),
        ([("a/../../evil.txt", b"x")], "'..' is not allowed"),
        ([("/etc/evil.txt", b"x")], "absolute paths"),
        ([("C:/evil.txt", b"x")], "absolute paths"),
        ([("a\\..\\evil.txt", b"x")], "backslashes"),
        ([symlink_member("scores.json", "/app/input/ref/truth.txt")], "symbolic links"),
        ([fifo_member("pipe")], "device files, FIFOs"),
        ([("a.txt", b"1"), ("A.TXT", b"2")], "this name twice"),
        ([("res", b"1"), ("res/scores.txt", b"2")], "a file of the same name as the folder"),
        ([("Res/x/y.txt", b"2"), ("res/X", b"1")], "a file of the same name as the folder"),
    ],
)
def test_unsafe_members_are_refused(tmp_path, members, rule):
    with pytest.raises(UnpackError, match=rule):
        extract(tmp_path, make_zip(members))
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil.txt").exists()


def test_a_zip_bomb_is_refused_by_ratio(tmp_path):
    bomb = make_zip([("zeros.txt", b"\0" * (20 << 20))])
    assert len(bomb) < 100_000
    with pytest.raises(UnpackError, match="zip bomb"):
        extract(tmp_path, bomb)


def test_too_many_files_and_too_many_bytes_are_refused(tmp_path):
    many = make_zip([(f"f{i}.txt", b"x") for i in range(30)])
    with pytest.raises(UnpackError, match="at most 20 allowed"):
        extract(tmp_path, many, UnpackLimits(max_files=20))
    big = make_zip([(f"f{i}.bin", bytes(range(256)) * 4096) for i in range(3)])
    with pytest.raises(UnpackError, match="total size limit"):
        extract(tmp_path, big, UnpackLimits(max_total_bytes=2 << 20))


def test_a_member_lying_about_its_size_is_stopped(tmp_path):
    data = bytearray(make_zip([("a.txt", b"y" * 5000)], ))  # fmt: skip
    # Patch the central directory's uncompressed size of the only member down to 10 bytes.
    offset = data.rfind(b"PK\x01\x02")
    data[offset + 24 : offset + 28] = (10).to_bytes(4, "little")
    with pytest.raises(UnpackError):
        extract(tmp_path, bytes(data))


def test_nested_zips_stay_files(tmp_path):
    inner = make_zip([("deep.txt", b"x")])
    assert extract(tmp_path, make_zip([("inner.zip", inner), ("a/b.txt", b"b")])) == [
        "inner.zip",
        "a/b.txt",
    ]
    assert (tmp_path / "out/inner.zip").read_bytes() == inner


def stored_as(submission_id: int, content: bytes) -> None:
    """Replace a stored upload's bytes, as a file that reached storage without the upload
    check would be (an older release, a restored backup): scoring must still refuse it."""
    submission = Submission.objects.get(pk=submission_id)
    with submission.file.storage.open(submission.file.name, "wb") as handle:
        handle.write(content)


@pytest.mark.django_db
def test_a_traversal_zip_in_storage_fails_the_submission_with_the_rule(cast, sandbox):
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    stored_as(submission_id, make_zip([("../../x.txt", b"x")]))
    assert submission_score(submission_id=submission_id) == "failed"
    body, _ = api_read(cast.participant, submission_id)
    assert "'..' is not allowed" in body["error"]
    assert not Submission.objects.get(pk=submission_id).program_runs.exists()


@pytest.mark.django_db
def test_a_zip_bomb_in_storage_fails_and_the_worker_goes_on(cast, sandbox):
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    stored_as(submission_id, make_zip([("predictions.txt", b"\0" * (300 << 20))]))
    assert submission_score(submission_id=submission_id) == "failed"
    body, _ = api_read(cast.participant, submission_id)
    assert "zip bomb" in body["error"] or "total size limit" in body["error"]
