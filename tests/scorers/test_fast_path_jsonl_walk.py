"""The fast path's JSONL walk (scorers.fastjsonl over scorers._spans.jsonl_spans): values of any
length, short or longer than the scanner's eight-byte words, give the thorough path's dataset,
and a stray quote anywhere in a line sends the file to the thorough path."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

from scorers import fastpath
from scorers.api import load_dataset
from scorers.spec import load_spec

SPEC = {"format": "jsonl", "labels": ["a", "b"], "metrics": ["accuracy"], "group_fields": ["g"]}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _gold(tmp_path: Path, text_length: int) -> Path:
    rows = [
        {"id": f"doc-{i}", "text": "w" * text_length, "label": "ab"[i % 2], "g": "xyz"[i % 3]}
        for i in range(40)
    ]
    return _write(tmp_path / "gold.jsonl", rows)


def _pred(tmp_path: Path) -> Path:
    rows = [{"id": f"doc-{i}", "label": "ab"[i % 3 == 0]} for i in reversed(range(40))]
    return _write(tmp_path / "pred.jsonl", rows)


def _both(spec, gold: Path, pred: Path):
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        fast = fastpath.try_dataset(spec, gold, pred)
    with mock.patch.object(fastpath, "try_dataset", lambda *a: None):
        slow = load_dataset(spec, gold, pred)
    return fast, slow


@pytest.mark.parametrize("text_length", [0, 5, 63, 64, 65, 500])
def test_short_and_long_unread_values_give_the_thorough_dataset(tmp_path: Path, text_length: int):
    spec = load_spec(SPEC)
    fast, slow = _both(spec, _gold(tmp_path, text_length), _pred(tmp_path))
    assert fast is not None
    np.testing.assert_array_equal(fast.y_true, slow.y_true)
    np.testing.assert_array_equal(fast.y_pred, slow.y_pred)
    assert fast.columns["g"].values == slow.columns["g"].values
    np.testing.assert_array_equal(fast.columns["g"].codes, slow.columns["g"].codes)


@pytest.mark.parametrize("value", ['x"y', 'x"', '"'])
def test_a_stray_quote_in_the_last_value_is_left_to_the_thorough_path(tmp_path: Path, value: str):
    gold = _gold(tmp_path, 5)
    lines = gold.read_text().splitlines()
    # Raw text, not json.dumps: the quote is not escaped, the line is not JSON. As a group value
    # it would be taken as it is: only the count of the file's quotes stops it.
    lines[5] = lines[5].replace('"g": "z"', f'"g": "{value}"')
    assert value in lines[5]
    gold.write_text("\n".join(lines) + "\n")
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        assert fastpath.try_dataset(load_spec(SPEC), gold, _pred(tmp_path)) is None
