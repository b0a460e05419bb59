"""read_output_file trusts nothing the sandboxed program left in its output directory."""

import os

import pytest

from podium.sandbox import OutputFileError, prepare_output_dir, read_output_file
from podium.sandbox.base import Identity


def test_reads_a_regular_file(tmp_path):
    (tmp_path / "scores.json").write_bytes(b'{"accuracy": 1}')
    assert read_output_file(tmp_path, "scores.json", 100) == b'{"accuracy": 1}'


def test_refuses_a_symlink_to_etc_passwd(tmp_path):
    (tmp_path / "scores.json").symlink_to("/etc/passwd")
    with pytest.raises(OutputFileError, match="symlink"):
        read_output_file(tmp_path, "scores.json", 1_000_000)


def test_refuses_an_oversized_file(tmp_path):
    (tmp_path / "scores.json").write_bytes(b"x" * 101)
    with pytest.raises(OutputFileError, match="larger than 100"):
        read_output_file(tmp_path, "scores.json", 100)


def test_refuses_a_sparse_huge_file_without_reading_it(tmp_path):
    with open(tmp_path / "scores.json", "wb") as f:
        f.truncate(10 * 1024**3)
    with pytest.raises(OutputFileError, match="larger than"):
        read_output_file(tmp_path, "scores.json", 1024)


def test_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "scores.json")
    with pytest.raises(OutputFileError, match="not a regular file"):
        read_output_file(tmp_path, "scores.json", 100)


def test_refuses_a_directory_a_missing_file_and_path_tricks(tmp_path):
    (tmp_path / "sub").mkdir()
    with pytest.raises(OutputFileError, match=r"not a regular file|cannot be opened"):
        read_output_file(tmp_path, "sub", 100)
    with pytest.raises(OutputFileError, match="missing"):
        read_output_file(tmp_path, "nope.json", 100)
    for name in ("../etc/passwd", "sub/../x", "", ".."):
        with pytest.raises(OutputFileError, match="invalid"):
            read_output_file(tmp_path, name, 100)


def test_output_dir_must_be_fresh(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(FileExistsError):
        prepare_output_dir(tmp_path / "out", None)


@pytest.mark.usefixtures("sandbox")
def test_symlink_planted_by_the_sandboxed_program_is_refused(run_py, tmp_path):
    out = prepare_output_dir(tmp_path / "out", Identity.default())
    result = run_py(
        "import os; os.symlink('/etc/passwd', '/output/scores.json'); print('planted')",
        output_dir=out,
    )
    assert result.stdout == b"planted\n", result.stderr
    with pytest.raises(OutputFileError, match="symlink"):
        read_output_file(out, "scores.json", 1_000_000)
