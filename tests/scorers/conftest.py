"""Helpers for the scorer tests: writing gold/prediction files and running the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import scorers
from scorers import fastpath

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, header: list[str], rows: list[list[Any]], sep: str = ",") -> Path:
    lines = [sep.join(header)] + [sep.join(str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(*args: str) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "scorers", *args], capture_output=True, text=True, timeout=120
    )
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, (proc.stdout, proc.stderr)
    return proc.returncode, json.loads(lines[0])


def score(spec: dict[str, Any], gold: Path, pred: Path) -> dict[str, Any]:
    return scorers.score_files(spec, gold, pred)


def overall(result: dict[str, Any], partition: str = "all") -> dict[str, Any]:
    assert result["ok"], result
    return result["scores"][partition]["overall"]


@pytest.fixture
def fast_path_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the vectorised reader handle even tiny files."""
    monkeypatch.setattr(fastpath, "MIN_BYTES", 0)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA
