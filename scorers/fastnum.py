"""Numbers for scorers.fastpath: columns of number literals and the "number" dataset.

The literals are parsed by the C scanner (scorers/csrc/numbers.c, during the JSONL walk or
through bytecols.numbers): checked against the grammar of their format and converted exactly,
as float() and json do (a correctly rounded fast path for short decimals, Python's own
conversion for the rest). Like the rest of the fast path this only says "these are the
numbers" or "not sure": a literal outside the grammar, a non-finite value, a fraction where
integers are wanted or a value out of range gives None, and the thorough path reports the
problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scorers.bytecols import Column, distinct, join, numbers_of
from scorers.view import Dataset, Factor

if TYPE_CHECKING:
    from scorers.spec import Spec


def checked(
    values: np.ndarray | None, integer: bool, rng: tuple[float, float] | None
) -> np.ndarray | None:
    """The values, or None when there are none, a fraction where integers are wanted, or one
    out of range."""
    if values is None or len(values) == 0:
        return None
    if integer and not (values == np.floor(values)).all():
        return None
    if rng is not None and not ((values >= rng[0]) & (values <= rng[1])).all():
        return None
    return values


def number_dataset(
    spec: Spec,
    gold: tuple[dict[str, Column], set[str]],
    gold_is_json: bool,
    pred: tuple[dict[str, Column], set[str]],
    factors: dict[str, Factor],
) -> Dataset | None:
    """The "number" dataset of gold and predicted columns (fastpath.Columns), or None."""
    g_field, p_field = spec.gold_value_fields[0], spec.value_fields[0]
    pred_is_json = spec.format == "jsonl"
    # JSON formats must hold JSON numbers (a quoted "0.5" is an error), text formats hold text.
    if (g_field in gold[1]) != gold_is_json or (p_field in pred[1]) != pred_is_json:
        return None
    integer = spec.value_type == "integer"
    y_true = checked(numbers_of(gold[0][g_field], gold_is_json), integer, spec.range)
    values = checked(numbers_of(pred[0][p_field], pred_is_json), integer, spec.range)
    if y_true is None or values is None:
        return None
    gold_ids = gold[0][spec.id_field]
    if spec.format == "txt":
        # Positional: the n-th line answers the n-th gold row; gold ids need only be unique.
        if len(values) != len(y_true) or not distinct(gold_ids):
            return None
        return Dataset("number", y_true, values, [], factors)
    # Ids compare as bytes: fastpath checked that numeric ids are canonical integers.
    gold_row = join(gold_ids, pred[0][spec.id_field])
    if gold_row is None:
        return None
    y_pred = np.empty(len(y_true), dtype=np.float64)
    y_pred[gold_row] = values
    return Dataset("number", y_true, y_pred, [], factors)
