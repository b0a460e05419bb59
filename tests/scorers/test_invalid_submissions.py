"""Every class of invalid submission is refused with a message that names the line.

Messages must never contain a gold label, nor anything that depends on the partition.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from scorers.errors import PER_KIND_LIMIT
from tests.scorers.conftest import score, write_jsonl

GOLD_ROWS = [
    {"id": "a", "label": "human", "partition": "public"},
    {"id": "b", "label": "machine", "partition": "private"},
    {"id": "c", "label": "machine", "partition": "public"},
    {"id": "d", "label": "human", "partition": "private"},
]
SPEC = {
    "format": "jsonl",
    "labels": ["human", "machine"],
    "metrics": ["accuracy"],
    "partition_field": "partition",
}
NUM_SPEC = {"format": "jsonl", "value_type": "integer", "range": [0, 100], "metrics": ["mae"]}


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "gold.jsonl", GOLD_ROWS)


def _errors(
    spec: dict, gold: Path, tmp_path: Path, content: str | bytes, name: str = "pred.jsonl"
) -> list[dict]:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = score(spec, gold, path)
    assert result["ok"] is False, result
    # No error may quote a gold label of a row (the label set itself is public).
    for err in result["errors"]:
        assert set(err) == {"line", "column", "message"}
    return result["errors"]


def _valid_lines(**override: str) -> list[str]:
    rows = {"a": "human", "b": "machine", "c": "machine", "d": "human"}
    rows.update(override)
    return [json.dumps({"id": k, "label": v}) for k, v in rows.items()]


def test_unknown_id_is_named_with_its_line(gold: Path, tmp_path: Path):
    lines = [*_valid_lines(), '{"id": "zzz", "label": "human"}']
    (err,) = _errors(SPEC, gold, tmp_path, "\n".join(lines))
    assert err["line"] == 5 and "unknown id 'zzz'" in err["message"]


def test_duplicate_id_names_both_lines(gold: Path, tmp_path: Path):
    lines = [*_valid_lines(), '{"id": "b", "label": "human"}']
    (err,) = _errors(SPEC, gold, tmp_path, "\n".join(lines))
    assert err["line"] == 5 and "duplicate id 'b'" in err["message"] and "line 2" in err["message"]


def test_missing_ids_are_counted_with_examples_and_no_partition_hint(gold: Path, tmp_path: Path):
    (err,) = _errors(SPEC, gold, tmp_path, "\n".join(_valid_lines()[:1]))
    assert "3 ids" in err["message"] and "'b'" in err["message"]
    assert "private" not in err["message"] and "public" not in err["message"]


def test_label_outside_the_label_set(gold: Path, tmp_path: Path):
    (err,) = _errors(SPEC, gold, tmp_path, "\n".join(_valid_lines(c="robot")))
    assert err["line"] == 3 and "'robot'" in err["message"] and "human, machine" in err["message"]


def test_error_messages_never_reveal_gold_labels(tmp_path: Path):
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [{"id": "x", "label": "secret-label-7"}, {"id": "y", "label": "other"}],
    )
    spec = {"format": "jsonl", "metrics": ["accuracy"]}
    bad = ['{"id": "x"}', '{"id": "y", "label": 1.5}', '{"id": "q", "label": "z"}', "{", "[1]"]
    errors = _errors(spec, gold, tmp_path, "\n".join(bad))
    text = json.dumps(errors)
    assert "secret-label-7" not in text and "other" not in text
    assert {e["line"] for e in errors if e["line"]} == {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ('"12"', "expected a number"),
        ("12.5", "expected an integer"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("1e999", "finite"),
        ("101", "between 0 and 100"),
        ("true", "expected a number"),
        ("null", "expected a number"),
    ],
)
def test_bad_numbers_are_refused(tmp_path: Path, value: str, needle: str):
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "a", "label": 1}, {"id": "b", "label": 2}])
    errors = _errors(
        NUM_SPEC, gold, tmp_path, '{"id": "a", "label": 3}\n' + f'{{"id": "b", "label": {value}}}\n'
    )
    assert len(errors) == 1 and errors[0]["line"] == 2 and needle in errors[0]["message"], errors


def test_text_formats_check_numbers_too(tmp_path: Path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": i, "score": 1.0} for i in range(4)])
    spec = {"format": "txt", "value_field": "score", "value_type": "number", "metrics": ["pearson"]}
    errors = _errors(spec, gold, tmp_path, "1.0\nabc\nnan\n1_000\n", name="p.txt")
    assert [e["line"] for e in errors] == [2, 3, 4]


def test_positional_file_with_wrong_line_count(gold: Path, tmp_path: Path):
    spec = {**SPEC, "format": "txt"}
    errors = _errors(spec, gold, tmp_path, "human\nmachine\nhuman\n", name="p.txt")
    assert "expected 4 lines" in errors[0]["message"] and "found 3" in errors[0]["message"]


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_files_are_refused(gold: Path, tmp_path: Path, content: bytes):
    (err,) = _errors(SPEC, gold, tmp_path, content)
    assert "empty" in err["message"]


def test_csv_with_wrong_or_missing_columns(gold: Path, tmp_path: Path):
    spec = {**SPEC, "format": "csv"}
    (err,) = _errors(spec, gold, tmp_path, "id,prediction\na,human\n", name="p.csv")
    assert (
        err["line"] == 1 and err["column"] == "label" and "missing column 'label'" in err["message"]
    )
    errors = _errors(
        spec,
        gold,
        tmp_path,
        "id,label\na,human\nb,machine,extra\nc,machine\nd,human\n",
        name="p.csv",
    )
    assert errors[0]["line"] == 3 and "expected 2 fields" in errors[0]["message"]


def test_invalid_utf8_names_the_line(gold: Path, tmp_path: Path):
    content = "\n".join(_valid_lines()).encode().replace(b"machine", b"mach\xffine", 1)
    (err,) = _errors(SPEC, gold, tmp_path, content)
    assert err["line"] == 2 and "UTF-8" in err["message"]


def test_zip_must_hold_exactly_one_file(gold: Path, tmp_path: Path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.jsonl", "\n".join(_valid_lines()))
        zf.writestr("b.jsonl", "\n".join(_valid_lines()))
    (err,) = _errors(SPEC, gold, tmp_path, buf.getvalue(), name="p.zip")
    assert "exactly one file" in err["message"]


def test_many_errors_are_all_reported_once_capped(tmp_path: Path):
    gold = write_jsonl(
        tmp_path / "gold.jsonl", [{"id": str(i), "label": "human"} for i in range(500)]
    )
    lines = [json.dumps({"id": str(i), "label": "robot"}) for i in range(500)] + [
        '{"id": "x1", "label": "human"}'
    ]
    spec = {"format": "jsonl", "labels": ["human", "machine"], "metrics": ["accuracy"]}
    errors = _errors(spec, gold, tmp_path, "\n".join(lines))
    kinds = [e for e in errors if "robot" in e["message"]]
    assert len(kinds) == PER_KIND_LIMIT
    assert any("495 more" in e["message"] for e in errors)
    assert any("unknown id 'x1'" in e["message"] for e in errors)  # other classes still shown
    assert len(errors) <= 50


def test_json_list_errors_name_the_line_of_the_record(tmp_path: Path):
    gold = write_jsonl(
        tmp_path / "gold.jsonl", [{"id": "a", "label": "human"}, {"id": "b", "label": "machine"}]
    )
    spec = {
        "format": "json",
        "value_field": "score",
        "value_type": "number",
        "gold_value_field": "label",
        "metrics": [{"name": "auroc", "positive": "machine"}],
    }
    content = '[\n  {"id": "a", "score": 0.1},\n  {"id": "b", "score": "high"}\n]'
    (err,) = _errors(spec, gold, tmp_path, content, name="p.json")
    assert err["line"] == 3 and "expected a number" in err["message"]
    (err,) = _errors(
        spec,
        gold,
        tmp_path,
        '[{"id": "a", "score": 0.1},\n {"id": "b", "score": 0.2}',
        name="p.json",
    )
    assert err["line"] == 2 and "invalid JSON" in err["message"]
