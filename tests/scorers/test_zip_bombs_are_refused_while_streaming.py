"""A zip that inflates to about a gigabyte of short lines (or one endless line) is refused while
it inflates, with a message naming the limit, even under a tight memory limit: never a memory
error reported as a scorer failure."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import scorers
from scorers import api
from scorers.errors import ErrorList
from scorers.source import read_bytes
from scorers.spec import Limits

GIB = 1 << 30
MIB = 1 << 20
SPEC = {"format": "txt", "value_field": "score", "value_type": "number", "metrics": ["mae"]}


def bomb(path: Path, piece: bytes, total: int = GIB) -> Path:
    block = piece * max(1, min(MIB, total) // len(piece))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("pred.txt", "w", force_zip64=True) as fh,
    ):
        for _ in range(total // len(block)):
            fh.write(block)
    return path


@pytest.fixture(scope="module")
def short_lines(tmp_path_factory) -> Path:
    return bomb(tmp_path_factory.mktemp("bomb") / "pred.zip", b"1\n")


def limit_memory() -> None:
    # Far below the inflated size: reading the whole member first could not succeed.
    resource.setrlimit(resource.RLIMIT_AS, (768 * MIB, 768 * MIB))


def run_cli(tmp_path: Path, pred: Path) -> tuple[int, dict]:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "0", "score": 1.0}\n')
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    args = ["--spec", str(spec), "--gold", str(gold), "--pred", str(pred)]
    proc = subprocess.run(
        [sys.executable, "-m", "scorers", "score", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
    )
    return proc.returncode, json.loads(proc.stdout)


def test_short_lines_are_refused_by_the_row_limit(tmp_path, short_lines):
    assert short_lines.stat().st_size < 8 * MIB
    code, out = run_cli(tmp_path, short_lines)
    assert code == 1, out
    assert out["errors"][0]["message"] == "the file in the zip has more than 10000000 lines"


def test_one_endless_line_is_refused_by_the_line_limit(tmp_path):
    code, out = run_cli(tmp_path, bomb(tmp_path / "pred.zip", b"7" * 4096))
    assert code == 1, out
    assert out["errors"][0] == {
        "line": 1,
        "column": None,
        "message": "line is longer than 1 MiB",
    }


def test_the_size_limit_holds_while_inflating(tmp_path):
    path = bomb(tmp_path / "pred.zip", b"12345678\n", total=8 * MIB)
    errors = ErrorList()
    assert read_bytes(path, Limits(max_bytes=4 * MIB), errors) is None
    assert errors.as_list()[0]["message"] == "the file in the zip is larger than 4 MiB"


@pytest.mark.parametrize(
    ("piece", "limits", "line"),
    [
        (b"ab\n", Limits(max_line_bytes=2), None),  # exactly at the limit: accepted
        (b"abc\n", Limits(max_line_bytes=2), 1),
    ],
)
def test_the_line_limit_is_exact(tmp_path, piece, limits, line):
    path = bomb(tmp_path / "pred.zip", piece, total=3 * len(piece))
    errors = ErrorList()
    data = read_bytes(path, limits, errors)
    if line is None:
        assert data == piece * 3 and not errors
    else:
        assert data is None and errors.as_list()[0]["line"] == line


def test_a_plain_file_of_too_many_lines_is_refused_before_splitting(tmp_path):
    pred = tmp_path / "pred.txt"
    pred.write_bytes(b"1\n" * 1002)
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "0", "score": 1.0}\n')
    result = scorers.score_files({**SPEC, "limits": {"max_rows": 1000}}, gold, pred)
    assert result["errors"][0]["message"] == "the file has more than 1000 lines"


def test_running_out_of_memory_reading_a_submission_is_the_files_problem(tmp_path, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(api, "align_predictions", exhausted)
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "0", "score": 1.0}\n')
    (tmp_path / "pred.txt").write_text("1\n")
    result = scorers.score_files(SPEC, gold, tmp_path / "pred.txt")
    assert result["ok"] is False
    assert "too large to read within the scorer's memory limit" in result["errors"][0]["message"]
