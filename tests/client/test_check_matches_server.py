"""`podium check` says what the server says: the same files, the same line-numbered messages.

The client cannot import the server's scorer (it needs the platform's dependencies), so it
re-implements the published-format check. Here both read the same files: the client from the
subtask's format as the API publishes it, the scorer from the spec the platform gives it, and the
messages a team would read must be identical, line for line.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from podium.api.tasks import FormatSerializer
from podium.sharedtasks.models import Subtask
from podium.sharedtasks.specs import subtask_scorer_spec
from podium.submissions.scoring import participant_error
from scorers.gold import Gold
from scorers.spec import load_spec
from scorers.validate import align_predictions
from tests.client.conftest import require_client

require_client()
from podium_client.checking.validation import Format, as_lines, check_predictions  # noqa: E402

IDS = [f"x{i}" for i in range(6)]

LABELS = dict(file_format="jsonl", value_type="label", labels=["human", "machine"])
CSV_RANGE = dict(file_format="csv", value_field="score", value_type="number",
                 value_min=0.0, value_max=5.0)  # fmt: skip
CSV_SEMI = dict(CSV_RANGE, separator=";")
TSV_INT = dict(file_format="tsv", value_field="index", value_type="integer")
JSON_LABELS = dict(LABELS, file_format="json")
TXT_NUMBER = dict(file_format="txt", value_type="number")
OPEN_LABELS = dict(file_format="jsonl", value_type="label", labels=[])


def jsonl(*rows) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()


def good_labels() -> list[dict]:
    return [{"id": i, "label": "human"} for i in IDS]


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


CASES = {
    "valid": (LABELS, jsonl(*good_labels())),
    "valid with BOM and CRLF": (
        LABELS, b"\xef\xbb\xbf" + jsonl(*good_labels()).replace(b"\n", b"\r\n")
    ),
    "unknown, duplicate and missing ids": (
        LABELS,
        jsonl({"id": "x0", "label": "human"}, {"id": "zz", "label": "human"},
              {"id": "x0", "label": "machine"}),
    ),
    "labels outside the set": (
        LABELS, jsonl(*[{"id": i, "label": "robot"} for i in IDS])
    ),
    "a label of another type": (
        LABELS, jsonl(*good_labels()[:5], {"id": "x5", "label": 1.5})
    ),
    "ids that are no ids": (
        LABELS, jsonl({"id": 1.5, "label": "human"}, {"label": "human"}, *good_labels())
    ),
    "missing value field": (LABELS, jsonl(*good_labels()[:5], {"id": "x5"})),
    "broken JSON lines": (
        LABELS, jsonl('{"id": "x0", "label": "human"', "[1, 2]", *good_labels()[1:])
    ),
    "many errors of one kind are summarised": (
        LABELS, jsonl(*[{"id": f"u{i}", "label": "human"} for i in range(30)])
    ),
    "more than twenty errors in all": (
        LABELS,
        jsonl(*[{"id": f"u{i}", "label": "human"} for i in range(8)],
              *[{"id": i, "label": f"l{n}"} for n, i in enumerate(IDS)],
              *[f"{{bad {n}" for n in range(8)], *["3"] * 8, *[{"id": 2.5}] * 8),
    ),
    "empty file": (LABELS, b"\n\n"),
    "not UTF-8": (LABELS, jsonl(*good_labels()[:2]) + b'{"id": "\xff"}\n'),
    "zip with the file": (LABELS, zipped(("pred.jsonl", jsonl(*good_labels())))),
    "zip with Finder junk": (
        LABELS, zipped(("pred.jsonl", jsonl(*good_labels())), ("__MACOSX/._pred.jsonl", b"x"))
    ),
    "zip with two files": (LABELS, zipped(("a.jsonl", b"{}"), ("b.jsonl", b"{}"))),
    "not a zip after all": (LABELS, b"PK\x03\x04 broken"),
    "open label set": (
        OPEN_LABELS, jsonl(*[{"id": i, "label": f"any{n}"} for n, i in enumerate(IDS)])
    ),
    "csv valid": (CSV_RANGE, b"id,score\n" + b"".join(f"{i},1.5\n".encode() for i in IDS)),
    "csv numbers": (
        CSV_RANGE,
        b"id,score\nx0,abc\nx1,nan\nx2,7\nx3,-1e400\nx4, 2.5\nx5,\"3\"\n",
    ),
    "csv header without the column": (CSV_RANGE, b"id,value\nx0,1\n"),
    "csv header twice": (CSV_RANGE, b"id,id\nx0,1\n"),
    "csv field count": (CSV_RANGE, b"id,score\nx0,1,2\nx1\n" + b"x2,1\nx3,1\nx4,1\nx5,1\n"),
    "csv with quotes across lines": (CSV_RANGE, b'id,score\nx0,"1\nx1,2\n'),
    "csv other separator": (CSV_SEMI, b"id;score\n" + b"".join(f"{i};4\n".encode() for i in IDS)),
    "csv wrong separator": (CSV_SEMI, b"id,score\nx0,1\n"),
    "tsv integers": (
        TSV_INT, b"id\tindex\n" + b"x0\t1.5\nx1\t2\nx2\t3.0\nx3\tinf\nx4\t+4\nx5\t-0\n"
    ),
    "json list valid": (JSON_LABELS, json.dumps(good_labels(), indent=1).encode()),
    "json not a list": (JSON_LABELS, b'{"id": "x0"}'),
    "json empty list": (JSON_LABELS, b"[\n]\n"),
    "json element not an object": (JSON_LABELS, b'[\n{"id": "x0", "label": "human"},\n3\n]'),
    "json trailing garbage": (JSON_LABELS, b'[{"id": "x0", "label": "human"}] x'),
    "json broken element": (JSON_LABELS, b'[\n{"id": "x0", "label": "human"},\n{"id": }\n]'),
    "json missing comma": (JSON_LABELS, b'[{"id": "x0", "label": "human"}\n{"id": "x1"}]'),
    "json numbers as strings": (
        dict(JSON_LABELS, value_type="number", labels=[], value_field="score"),
        json.dumps([{"id": i, "score": "0.5"} for i in IDS]).encode(),
    ),
    "txt valid": (TXT_NUMBER, b"".join(b"0.5\n" for _ in IDS)),
    "txt too few lines": (TXT_NUMBER, b"0.5\n0.5\n"),
    "txt empty line and words": (TXT_NUMBER, b"0.5\n\n0.5\nabc\n0.5\n0.5\n"),
    "txt too many lines": (TXT_NUMBER, b"1\n" * 9),
}  # fmt: skip


VALID = {
    "valid", "valid with BOM and CRLF", "zip with the file", "zip with Finder junk",
    "open label set", "csv valid", "csv other separator", "json list valid", "txt valid",
}  # fmt: skip


def subtask_for(options: dict) -> Subtask:
    defaults = {"slug": "a", "id_field": "id", "value_field": "label", "metrics": ["accuracy"],
                "primary_metric": "accuracy"}  # fmt: skip
    if options.get("value_type") != "label":
        defaults["metrics"], defaults["primary_metric"] = ["mae"], "mae"
    return Subtask(**{**defaults, **options})


def server_says(subtask: Subtask, path) -> str:
    spec = load_spec(subtask_scorer_spec(subtask, split="dev"))
    gold = Gold(ids=list(IDS), lines=list(range(1, len(IDS) + 1)), values=[None] * len(IDS))
    _, errors = align_predictions(spec, gold, path)
    return participant_error(errors.as_list()) if errors else ""


def client_says(subtask: Subtask, path) -> str:
    published = json.loads(json.dumps(FormatSerializer(subtask).data))  # as the API sends it
    return "\n".join(as_lines(check_predictions(path, Format.from_api(published), list(IDS))))


@pytest.mark.parametrize("case", list(CASES))
def test_the_client_reports_what_the_server_reports(case, tmp_path):
    options, content = CASES[case]
    path = tmp_path / "pred.file"
    path.write_bytes(content)
    subtask = subtask_for(options)
    expected = server_says(subtask, path)
    assert client_says(subtask, path) == expected
    assert bool(expected) == (case not in VALID), expected
