"""Adversarial submissions of 1 MB per line and per file are refused or scored, never stall.

Each file goes through the real CLI in a fresh process with a generous timeout: a parser that
backtracks (the old number pattern took minutes on one line of digits ending in a letter) runs
into the timeout and fails the test. The assertions are on the outcome: a score, or a refusal
with a message that names a line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MB = 1_000_000
# Far beyond what a linear read of 1 MB needs, far below what backtracking needs.
TIMEOUT_S = 60

GOLD = [{"id": "0", "label": "a", "score": 2.5}, {"id": "1", "label": "b", "score": 1.0}]
LABEL = {"labels": ["a", "b"], "metrics": ["accuracy"]}
NUMBER = {"value_field": "score", "value_type": "number", "metrics": ["mae"]}
DIGITS = "1" * (MB - 1)


def per_line(text: str) -> str:
    """One line of about 1 MB (just under the 1 MiB line limit)."""
    return text[:MB]


def per_file(line: str) -> str:
    """About 1 MB made of many copies of a short adversarial line."""
    return line * (MB // len(line))


CASES = {
    # format, spec extras, file content
    "txt digits then a letter": ("txt", NUMBER, per_line(DIGITS + "a") + "\n1\n"),
    "txt digits, a dot, digits, then e": (
        "txt",
        NUMBER,
        "1" * 500_000 + "." + "1" * 499_990 + "e\n1\n",
    ),
    "txt exponent digits then a letter": ("txt", NUMBER, "1e" + "1" * (MB - 4) + "x\n1\n"),
    "txt lone dots": ("txt", NUMBER, "." * MB + "\n1\n"),
    "txt signs": ("txt", NUMBER, "+-" * (MB // 2) + "\n1\n"),
    "txt spaces then a letter": ("txt", NUMBER, " " * (MB - 1) + "x\n1\n"),
    "txt many short bad numbers": ("txt", NUMBER, per_file("1111111111111.1111a\n")),
    "csv digits then a letter": ("csv", NUMBER, "id,score\n0," + DIGITS[:-10] + "a\n1,1\n"),
    "csv many short bad numbers": ("csv", NUMBER, "id,score\n" + per_file("0,11111111.1e1x\n")),
    "csv unclosed quote": ("csv", LABEL, 'id,label\n0,"' + "a" * (MB - 20) + "\n1,b\n"),
    "csv many separators": ("csv", LABEL, "id,label\n0," + "," * (MB - 20) + "\n1,b\n"),
    "jsonl huge number": ("jsonl", NUMBER, '{"id": "0", "score": ' + DIGITS[:-30] + ".5}\n"),
    "jsonl huge integer": ("jsonl", NUMBER, '{"id": "0", "score": ' + DIGITS[:-30] + "}\n"),
    "jsonl number as a long string": (
        "jsonl",
        NUMBER,
        '{"id": "0", "score": "' + DIGITS[:-30] + 'a"}\n',
    ),
    "jsonl deep nesting": ("jsonl", LABEL, "[" * (MB - 1) + "\n"),
    "jsonl long label": ("jsonl", LABEL, json.dumps({"id": "0", "label": "a" * (MB - 30)}) + "\n"),
    "jsonl long id": ("jsonl", LABEL, json.dumps({"id": "7" * (MB - 30), "label": "a"}) + "\n"),
    "jsonl many escapes": (
        "jsonl",
        LABEL,
        '{"id": "0", "label": "' + "\\u0061" * (MB // 6 - 10) + '"}\n',
    ),
    "jsonl many short bad lines": ("jsonl", NUMBER, per_file('{"id": "0", "score": 1111.1e}\n')),
    "json deep nesting": ("json", LABEL, "[" * MB),
    "json many records": ("json", LABEL, "[" + '{"id": "0", "label": "a"},' * (MB // 26) + "1]"),
}


def run_cli(tmp_path: Path, fmt: str, extra: dict, content: str) -> tuple[int, dict]:
    spec = {"format": fmt, **extra}
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in GOLD))
    pred = tmp_path / f"pred.{fmt}"
    pred.write_text(content)
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    args = ["--spec", str(tmp_path / "spec.json"), "--gold", str(gold), "--pred", str(pred)]
    proc = subprocess.run(
        [sys.executable, "-m", "scorers", "score", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_an_adversarial_file_is_refused_with_a_message_not_a_stall(tmp_path: Path, case: str):
    fmt, extra, content = CASES[case]
    assert len(content.encode()) >= 0.9 * MB
    code, out = run_cli(tmp_path, fmt, extra, content)
    assert code == 1, out  # the submission is invalid: never an internal error, never a score
    assert out["ok"] is False
    assert out["errors"] and all(e["message"] for e in out["errors"])
    assert any(e["line"] for e in out["errors"]) or "line" in json.dumps(out["errors"]), out


def test_a_long_valid_number_still_scores(tmp_path: Path):
    """Linear matching keeps the grammar: a literal with 400 digits is a number."""
    content = "2." + "5" * 400 + "\n1\n"
    code, out = run_cli(tmp_path, "txt", NUMBER, content)
    assert code == 0, out
    assert out["scores"]["all"]["overall"]["mae"] == pytest.approx(1 / 36)
