"""Numbers for scorers.fastpath: columns of number literals parsed without a Python object each.

A column of byte spans is gathered into a fixed-width byte matrix (8 bytes per gather), checked
against the number grammar of its format with a few whole-array comparisons, then converted by
numpy's bytes-to-float cast, which parses each literal the way ``float()`` does (correctly
rounded, as json does). Like the rest of the fast path this only says "these are the numbers"
or "not sure": a literal outside the grammar, a non-finite value, a fraction where integers are
wanted or a value out of range gives None, and the thorough path reports the problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scorers.bytecols import Spans, distinct, join, masked_word
from scorers.view import Dataset, Factor

if TYPE_CHECKING:
    from scorers.spec import Spec

MAX_WIDTH = 40  # longest literal handled here; float64 needs at most 17 significant digits

DIGIT, DOT, EXP, MINUS, PLUS, PAD, BAD = range(7)
CLASS = np.full(256, BAD, dtype=np.uint8)
CLASS[ord("0") : ord("9") + 1] = DIGIT
CLASS[ord(".")] = DOT
CLASS[ord("e")] = CLASS[ord("E")] = EXP
CLASS[ord("-")] = MINUS
CLASS[ord("+")] = PLUS
CLASS[0] = PAD  # past a span's end (the file itself holds no NUL: fastpath refuses controls)


def _matrix(spans: Spans) -> np.ndarray | None:
    """Each span's bytes, zero-padded to a common width with at least one zero after each."""
    w, start, end = spans
    length = end - start
    if len(length) == 0 or int(length.min()) < 1 or int(length.max()) > MAX_WIDTH:
        return None
    n_words = int(length.max()) // 8 + 1
    words = np.empty((len(start), n_words), dtype="<u8")
    for k in range(n_words):
        words[:, k] = masked_word(w, start, length, k)
    return words.view(np.uint8).reshape(len(start), 8 * n_words)


def _json_grammar(chars: np.ndarray, cls: np.ndarray) -> bool:
    """Given only digits . e E + - (which float() already constrains), the extra rules of a JSON
    number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?"""
    first = cls[:, 0]
    if not ((first == DIGIT) | (first == MINUS)).all():
        return False  # no "+1", ".5"
    digit = cls == DIGIT
    if ((cls[:, 1:-1] == DOT) & ~(digit[:, :-2] & digit[:, 2:])).any():
        return False  # no "1.", "-.5", "1.e5"
    if ((cls[:, 1:] == PLUS) & (cls[:, :-1] != EXP)).any():
        return False
    zero, minus = chars[:, 0] == ord("0"), chars[:, 0] == ord("-")
    leading_zero = (zero & digit[:, 1]) | (minus & (chars[:, 1] == ord("0")) & digit[:, 2])
    return not leading_zero.any()  # no "01", "-007"


def numbers(
    spans: Spans,
    json_grammar: bool,
    integer: bool = False,
    rng: tuple[float, float] | None = None,
) -> np.ndarray | None:
    """float64 values of the spans, or None unless every one is valid.

    ``json_grammar``: JSON numbers (JSONL); else the decimal literals of text formats, which are
    exactly float()'s syntax once restricted to digits . e E + - (no "nan", "1_000", spaces).
    """
    chars = _matrix(spans)
    if chars is None:
        return None
    cls = CLASS[chars]
    if (cls == BAD).any():
        return None
    if json_grammar and not _json_grammar(chars, cls):
        return None
    try:
        values = chars.view(f"S{chars.shape[1]}").ravel().astype(np.float64)
    except ValueError:  # "1e", "--1", "1.2.3": float() refuses them too
        return None
    if json_grammar:
        # json reads "-0" as the integer 0, hence 0.0; float("-0") is -0.0.
        zero = np.flatnonzero(values == 0)
        if len(zero):
            literal_int = ~((cls[zero] == DOT) | (cls[zero] == EXP)).any(axis=1)
            values[zero[literal_int]] = 0.0
    if not np.isfinite(values).all():
        return None
    if integer and not (values == np.floor(values)).all():
        return None
    if rng is not None and not ((values >= rng[0]) & (values <= rng[1])).all():
        return None
    return values


def canonical_ints(spans: Spans) -> bool:
    """Whether every span is an integer literal whose text is str(int(it)): then comparing ids
    as bytes compares them as the thorough path's keys (JSON 7 and "7" are both the id "7")."""
    chars = _matrix(spans)
    if chars is None:
        return False
    # Comparisons, not a CLASS lookup: a gather per byte costs several times more. A byte below
    # "0" wraps around to a large value, so one test finds digits.
    digit = (chars - np.uint8(ord("0"))) < 10
    if not (digit | (chars == 0)).all():
        return False  # no sign, fraction or exponent ("-0", "1e2" and "7.0" are not "0"...)
    return not ((chars[:, 0] == ord("0")) & digit[:, 1]).any()


def canonical_int_text(value: str) -> bool:
    """canonical_ints for one decoded value (a factor's distinct values)."""
    return value.isascii() and value.isdigit() and (value == "0" or not value.startswith("0"))


def int_values(spans: Spans) -> np.ndarray | None:
    """int64 values of spans already known to be canonical integers of at most 8 digits.

    Each span's first word holds its digits, the first in the lowest byte (zero bytes after the
    end). Shifting the digits up to the top bytes turns the padding into leading zeros, and the
    eight digits then combine pairwise in three multiplications (the SWAR method of simdjson's
    parse_eight_digits): no per-row work, no byte matrix.
    """
    w, start, end = spans
    length = end - start
    if len(length) == 0 or int(length.max()) > 8 or int(length.min()) < 1:
        return None
    word = masked_word(w, start, length, 0)
    word <<= (np.uint64(8) * (np.uint64(8) - length.astype(np.uint64))).astype(np.uint64)
    word &= np.uint64(0x0F0F0F0F0F0F0F0F)
    word = (word * np.uint64(2561)) >> np.uint64(8)
    word &= np.uint64(0x00FF00FF00FF00FF)
    word = (word * np.uint64(6553601)) >> np.uint64(16)
    word &= np.uint64(0x0000FFFF0000FFFF)
    word = (word * np.uint64(42949672960001)) >> np.uint64(32)
    return word.astype(np.int64)


def dense_int_join(gold: np.ndarray, pred: np.ndarray) -> np.ndarray | None:
    """bytecols.join for integer ids in a range not much wider than their count (0..n-1 in
    SemEval-2024 Task 8): a table lookup, no sort. None when the ids are too spread out."""
    n = len(gold)
    if len(pred) != n or n == 0:
        return None
    low = min(int(gold.min()), int(pred.min()))
    high = max(int(gold.max()), int(pred.max()))
    if high - low >= 4 * n:
        return None
    row_of = np.full(high - low + 1, -1, dtype=np.int64)
    row_of[gold - low] = np.arange(n)
    gold_row = row_of[pred - low]
    # A bijection: every prediction finds a gold row and no gold row is found twice (with n on
    # each side, a duplicate gold id would leave some prediction without a row).
    if (gold_row < 0).any() or np.bincount(gold_row, minlength=n).max() != 1:
        return None
    return gold_row


def join_ids(gold: Spans, pred: Spans, integer: bool) -> np.ndarray | None:
    """For each prediction row its gold row (bytecols.join); ``integer``: both id columns hold
    canonical JSON integers, which compare as their values."""
    if integer:
        g, p = int_values(gold), int_values(pred)
        if g is not None and p is not None:
            found = dense_int_join(g, p)
            if found is not None:
                return found
    return join(gold, pred)


def number_dataset(
    spec: Spec,
    gold: tuple[dict[str, Spans], set[str]],
    gold_is_json: bool,
    pred: tuple[dict[str, Spans], set[str]],
    factors: dict[str, Factor],
) -> Dataset | None:
    """The "number" dataset of gold and predicted columns (fastpath.Columns), or None."""
    g_field, p_field = spec.gold_value_fields[0], spec.value_fields[0]
    pred_is_json = spec.format == "jsonl"
    # JSON formats must hold JSON numbers (a quoted "0.5" is an error), text formats hold text.
    if (g_field in gold[1]) != gold_is_json or (p_field in pred[1]) != pred_is_json:
        return None
    integer = spec.value_type == "integer"
    y_true = numbers(gold[0][g_field], gold_is_json, integer, spec.range)
    values = numbers(pred[0][p_field], pred_is_json, integer, spec.range)
    if y_true is None or values is None:
        return None
    gold_ids = gold[0][spec.id_field]
    if spec.format == "txt":
        # Positional: the n-th line answers the n-th gold row; gold ids need only be unique.
        if len(values) != len(y_true) or not distinct(gold_ids):
            return None
        return Dataset("number", y_true, values, [], factors)
    both_int = spec.id_field in gold[1] and spec.id_field in pred[1]
    gold_row = join_ids(gold_ids, pred[0][spec.id_field], both_int)
    if gold_row is None:
        return None
    y_pred = np.empty(len(y_true), dtype=np.float64)
    y_pred[gold_row] = values
    return Dataset("number", y_true, y_pred, [], factors)
