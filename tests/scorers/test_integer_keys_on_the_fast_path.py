"""Integer ids, labels and group values (SemEval-2024 Task 8 style) on the fast path: the same
dataset as the thorough path, and a fall-back wherever a JSON number is not a canonical
integer (1.0, -0, 1e0 are not the label "1" or "0" to the thorough path either)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import numpy as np
import pytest

from scorers import fastpath
from scorers.spec import load_spec
from tests.scorers.test_reader_fuzzing import _fast_and_thorough

SPEC = {
    "format": "jsonl",
    "labels": [0, 1],
    "metrics": ["accuracy", "macro_f1"],
    "group_fields": ["source"],
}


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def files(tmp_path: Path, label=lambda i: str(i % 2), source=lambda i: str(i % 3)):
    gold = write(
        tmp_path / "gold.jsonl",
        [f'{{"id": {i}, "label": {i % 2}, "source": {source(i)}}}' for i in range(40)],
    )
    pred = write(
        tmp_path / "pred.jsonl",
        [f'{{"id": {i}, "label": {label(i)}}}' for i in reversed(range(40))],
    )
    return gold, pred


def test_canonical_integers_take_the_fast_path_and_agree(tmp_path):
    gold, pred = files(tmp_path, label=lambda i: str(i % 3 % 2))
    fast, slow = _fast_and_thorough(load_spec(SPEC), gold, pred)
    assert fast is not None and slow is not None
    np.testing.assert_array_equal(fast.y_true, slow.y_true)
    np.testing.assert_array_equal(fast.y_pred, slow.y_pred)
    assert fast.labels == slow.labels == ["0", "1"]
    np.testing.assert_array_equal(fast.columns["source"].codes, slow.columns["source"].codes)
    assert fast.columns["source"].values == slow.columns["source"].values == ["0", "1", "2"]


@pytest.mark.parametrize("odd", ["1.0", "-0", "1e0", "10"])
def test_a_label_that_is_not_a_canonical_integer_falls_back(tmp_path, odd):
    gold, pred = files(tmp_path, label=lambda i: odd if i == 7 else str(i % 2))
    fast, _ = _fast_and_thorough(load_spec(SPEC), gold, pred)
    assert fast is None


@pytest.mark.parametrize("odd", ["2.0", "-0", "2e0"])
def test_a_group_value_that_is_not_a_canonical_integer_falls_back(tmp_path, odd):
    """Gold "2.0" is refused by the thorough path, gold "-0" is the group "0" there: either
    way the fast path must not read the text as a group of its own."""
    gold, pred = files(tmp_path, source=lambda i: odd if i == 5 else str(i % 3))
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        assert fastpath.try_dataset(load_spec(SPEC), gold, pred) is None


@pytest.mark.parametrize(
    "ids",
    [
        [*range(39), 38],  # a duplicate, one id missing
        [*range(39), 40],  # an unknown id
        [*range(39), 10**6],  # far outside the gold's range: the sorting join decides
    ],
)
def test_integer_ids_that_do_not_match_one_to_one_fall_back(tmp_path, ids):
    gold, _ = files(tmp_path)
    pred = write(tmp_path / "pred.jsonl", [f'{{"id": {i}, "label": {i % 2}}}' for i in ids])
    fast, slow = _fast_and_thorough(load_spec(SPEC), gold, pred)
    assert fast is None and slow is None


def test_sparse_integer_ids_join_by_sorting_and_agree(tmp_path):
    ids = [i * 10**9 for i in range(40)]
    gold = write(
        tmp_path / "gold.jsonl",
        [f'{{"id": {x}, "label": {k % 2}, "source": 0}}' for k, x in enumerate(ids)],
    )
    pred = write(
        tmp_path / "pred.jsonl",
        [f'{{"id": {x}, "label": {k % 3 % 2}}}' for k, x in reversed(list(enumerate(ids)))],
    )
    fast, slow = _fast_and_thorough(load_spec(SPEC), gold, pred)
    assert fast is not None
    np.testing.assert_array_equal(fast.y_pred, slow.y_pred)
