"""Defects a review of the C fast path found (each test failed before its fix): files the fast
path read differently from the thorough path, or accepted although the thorough path refuses
them, exceptions instead of "not sure", and scanner calls with hostile arguments that corrupted
memory or read past the data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

import scorers
from scorers import _spans, fastpath
from scorers.api import load_dataset
from scorers.spec import load_spec


def _fast_and_thorough(spec_raw: dict, gold: Path, pred: Path):
    spec = load_spec(spec_raw)
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        fast = fastpath.try_dataset(spec, gold, pred)
    with mock.patch.object(fastpath, "try_dataset", lambda *a: None):
        try:
            slow = load_dataset(spec, gold, pred)
        except (scorers.SubmissionError, scorers.GoldError) as exc:
            slow = exc
    return fast, slow


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u2028", "\u0085", "\u2009"])
def test_csv_values_with_unicode_spaces_at_their_edges_are_left_to_the_thorough_path(
    tmp_path: Path, space: str
):
    """The thorough path strips every value (str.strip(), NBSP and U+3000 included)."""
    spec = {"format": "csv", "metrics": ["accuracy"]}
    gold = _csv(tmp_path / "gold.csv", "id,label", [f"{i},{'ab'[i % 2]}" for i in range(6)])
    for pred_rows in (
        [f"{i},{'ab'[i % 2]}{space}" for i in range(6)],  # labels
        [f"{space}{i},{'ab'[i % 2]}" for i in range(6)],  # ids
    ):
        pred = _csv(tmp_path / "pred.csv", "id,label", pred_rows)
        fast, slow = _fast_and_thorough(spec, gold, pred)
        assert fast is None, "the fast path must not read these values as they are"
        assert not isinstance(slow, Exception) and slow.labels == ["a", "b"]
    header = _csv(tmp_path / "pred.csv", f"id,label,label{space}", ["0,a,b"])
    assert _fast_and_thorough(spec, gold, header)[0] is None


def test_non_ascii_values_inside_csv_fields_still_take_the_fast_path(tmp_path: Path):
    spec = {"format": "csv", "metrics": ["accuracy"]}
    gold = _csv(tmp_path / "gold.csv", "id,label", [f"é{i},{'ªé'[i % 2]}" for i in range(6)])
    pred = _csv(tmp_path / "pred.csv", "id,label", [f"é{i},{'ªé'[i % 2]}" for i in range(6)])
    fast, slow = _fast_and_thorough(spec, gold, pred)
    assert fast is not None and fast.labels == slow.labels
    np.testing.assert_array_equal(fast.y_pred, slow.y_pred)


@pytest.mark.parametrize("sep", ["é", "©", "\u3000"])
def test_a_separator_that_is_not_one_ascii_byte_is_left_to_the_thorough_path(
    tmp_path: Path, sep: str
):
    spec = {"format": "csv", "separator": sep, "metrics": ["accuracy"]}
    rows = [f"{'ab'[i % 2]}部{sep}{i}" for i in range(6)]
    gold = _csv(tmp_path / "gold.csv", f"label{sep}id", rows)
    pred = _csv(tmp_path / "pred.csv", f"label{sep}id", rows)
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        assert fastpath.try_dataset(load_spec(spec), gold, pred) is None


@pytest.mark.parametrize(
    "line", ['[{{"id": "{i}", "label": "{v}"}}]', '[{{"id": "{i}"}}, {{"label": "{v}"}}]']
)
def test_jsonl_lines_that_are_arrays_of_objects_are_left_to_the_thorough_path(
    tmp_path: Path, line: str
):
    spec = {"format": "jsonl", "metrics": ["accuracy"]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(json.dumps({"id": str(i), "label": "ab"[i % 2]}) + "\n" for i in range(6))
    )
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(line.format(i=i, v="ab"[i % 2]) + "\n" for i in range(6)))
    fast, slow = _fast_and_thorough(spec, gold, pred)
    assert fast is None and isinstance(slow, scorers.SubmissionError)


def test_integers_longer_than_json_reads_are_left_to_the_thorough_path(tmp_path: Path):
    digits = sys.get_int_max_str_digits() + 1
    spec = {"format": "jsonl", "metrics": ["accuracy"]}
    ids = ["7", *("9" * (digits - 1) + str(i) for i in range(5))]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(f'{{"id": {k}, "label": "a"}}\n' for k in ids))
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(f'{{"id": "{k}", "label": "a"}}\n' for k in ids))
    fast, slow = _fast_and_thorough(spec, gold, pred)
    assert fast is None and isinstance(slow, scorers.GoldError)


def test_a_deeply_nested_first_line_and_an_unreadable_file_give_not_sure(tmp_path: Path):
    spec = load_spec({"format": "jsonl", "metrics": ["accuracy"]})
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": str(i), "label": "a"}) + "\n" for i in range(6)))
    nested = tmp_path / "pred.jsonl"
    nested.write_bytes(b"[" * 100_000 + b"\n" + b'{"id": "1", "label": "a"}\n')
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        assert fastpath.try_dataset(spec, gold, nested) is None
        assert fastpath._load(folder, spec.limits, b"\\") is None


def _buffer(text: bytes) -> np.ndarray:
    return np.frombuffer(bytearray(text + bytes(8)), dtype=np.uint8)


def test_scanner_calls_with_hostile_sizes_and_counts_are_refused():
    data = _buffer(b'{"a": "x"}\n')
    pieces = (b'{"a": "', b'"}')
    with pytest.raises(ValueError):  # size beyond the data (it overflowed: a segfault)
        _spans.jsonl_columns(data, 2**63 - 1, 1, pieces, "s", "s", 10, 100, 8)
    # Line counts that overflowed the array sizes (writes into a shared empty bytearray).
    assert _spans.jsonl_columns(data, 11, 2**61, pieces, "s", "s", 2**62, 100, 8) is None
    assert _spans.jsonl_columns(data, 11, 1, pieces, "s", "s", sys.maxsize, 100, 8) is not None
    csv = _buffer(b"a,b\n")
    assert _spans.delimited_spans(csv, 4, 1, ord(","), 2**61 - 1, 10, 100, b"") is None
    assert _spans.delimited_spans(csv, 4, 2**61, ord(","), 2, 2**62, 100, b"") is None
    assert _spans.delimited_spans(csv, 4, 1, ord(","), 2, sys.maxsize, 100, b"") is not None
    for sep in (ord("\n"), 0xE9, 0x1F, 300, -2):  # a newline separator never ended a line
        with pytest.raises(ValueError):
            _spans.delimited_spans(csv, 4, 1, sep, 2, 10, 100, b"")
