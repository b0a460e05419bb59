"""What a program wrote: its command (``metadata``), its scores (``scores.json`` / ``scores.txt``)
and their mapping onto the columns the organiser declared. No Django here.

Codabench drops a declared key that a program forgot and ranks the submission as n/a; here a
missing key, a non-number, NaN or infinity is an error that names the key.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

METADATA_NAMES = ("metadata", "metadata.yaml", "metadata.yml")
SCORES_JSON = "scores.json"
SCORES_TXT = "scores.txt"
DETAILED_NAMES = ("detailed_results.html", "scores.html")
MAX_SCORES_BYTES = 1024 * 1024
MAX_DETAILED_BYTES = 2 * 1024 * 1024
MAX_EXTRA_KEYS = 200


class ProgramError(ValueError):
    """The program (or its output) is not usable; the message is for the organisers."""


@dataclass(frozen=True)
class Column:
    key: str
    title: str = ""
    direction: str = "higher"
    precision: int = 4
    primary: bool = False
    hidden: bool = False


def read_command(program_dir: Path) -> str:
    """The ``command:`` of the program's ``metadata`` (or ``metadata.yaml``) at its root."""
    for name in METADATA_NAMES:
        path = program_dir / name
        if path.is_file() and not path.is_symlink():
            break
    else:
        raise ProgramError(
            "the program has no metadata file at its root (metadata or metadata.yaml with a "
            "'command:' line)"
        )
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProgramError(f"{name}: not valid YAML ({exc})") from exc
    command = document.get("command") if isinstance(document, dict) else None
    if not isinstance(command, str) or not command.strip():
        raise ProgramError(
            f"{name}: needs a 'command:' line, e.g. command: python $program/score.py"
        )
    return command.strip()


def parse_scores_json(data: bytes) -> dict:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProgramError(f"{SCORES_JSON} is not valid JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise ProgramError(f"{SCORES_JSON} must hold an object of key: value pairs")
    return document


_TXT_LINE = re.compile(r"^\s*([^:]+?)\s*:\s*(.*?)\s*$")


def parse_scores_txt(data: bytes) -> dict:
    """CodaLab's ``key: value`` lines; blank lines and ``#`` comments are skipped."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProgramError(f"{SCORES_TXT} is not UTF-8 text") from exc
    scores: dict = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _TXT_LINE.match(line)
        if not match:
            raise ProgramError(f"{SCORES_TXT} line {number}: expected 'key: value'")
        key, raw = match.groups()
        try:
            scores[key] = float(raw)
        except ValueError:
            scores[key] = raw
    return scores


def _number(key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProgramError(f"score {key!r} is not a number: {str(value)[:80]!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ProgramError(f"score {key!r} is {value} (NaN and infinity are not scores)")
    return value


def map_columns(scores: dict, columns: list[Column]) -> tuple[dict[str, float], dict]:
    """(declared key -> value, extra keys as written). Raises ProgramError naming the key."""
    if not columns:
        raise ProgramError("the subtask declares no leaderboard columns for its program")
    values: dict[str, float] = {}
    for column in columns:
        if column.key not in scores:
            found = ", ".join(sorted(map(str, scores))[:20]) or "none"
            raise ProgramError(
                f"the program's scores lack the declared key {column.key!r} (keys found: {found})"
            )
        values[column.key] = _number(column.key, scores[column.key])
    extras = {
        str(key)[:100]: _storable(value)
        for key, value in list(scores.items())[:MAX_EXTRA_KEYS]
        if key not in values
    }
    return values, extras


def _storable(value):
    """Extra keys are kept for organisers as written, as far as JSON can hold them."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float, bool, type(None))):
        return value
    return str(value)[:200]
