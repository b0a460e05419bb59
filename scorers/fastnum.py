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

from scorers.bytecols import ALL_ONES, Spans, distinct, join, masked_word
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


def _columns(spans: Spans) -> list[np.ndarray] | None:
    """Word k of every span (bytes 8k..8k+7, zero past its end), one contiguous array per k,
    with at least one zero byte after each span."""
    w, start, end = spans
    length = end - start
    if len(length) == 0 or int(length.min()) < 1 or int(length.max()) > MAX_WIDTH:
        return None
    return [masked_word(w, start, length, k) for k in range(int(length.max()) // 8 + 1)]


def _rows(columns: list[np.ndarray], rows: np.ndarray | slice) -> np.ndarray:
    """The bytes of some rows as a zero-padded matrix, a row's first byte in column 0."""
    return np.stack([c[rows] for c in columns], axis=1).view(np.uint8)


def _subset(spans: Spans, rows: np.ndarray) -> np.ndarray:
    """The byte matrix (_matrix) of some rows."""
    w, start, end = spans
    chars = _matrix((w, start[rows], end[rows]))
    assert chars is not None  # the rows' spans were read as columns before
    return chars


def _matrix(spans: Spans) -> np.ndarray | None:
    """Each span's bytes, zero-padded to a common width with at least one zero after each."""
    columns = _columns(spans)
    return None if columns is None else _rows(columns, slice(None))


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


# Decimal literals without an exponent and with at most 19 digits are converted here, exactly:
# their digits make an integer M < 10**19 < 2**64 and the value is M / 10**f (f digits after
# the point). x87 extended precision (numpy's longdouble on x86-64 Linux) holds M and 10**f
# (f <= 27) exactly and rounds their quotient correctly to 64 bits; rounding that to float64
# gives the correctly rounded value unless the 64-bit quotient lies exactly halfway between two
# float64 values (then the first rounding may have decided the tie): such rows, like every
# other literal, go to numpy's string cast, which parses as float() does.
# The significand is read back as the low word of each 16-byte long double (little-endian
# x86-64): anywhere else, every literal takes numpy's cast.
EXTENDED = (
    np.finfo(np.longdouble).nmant == 63
    and np.dtype(np.longdouble).itemsize == 16
    and np.little_endian
)
POW10_LONG = np.cumprod(np.full(20, 10, dtype=np.longdouble)) / 10  # 10**0 .. 10**19, exact
POW10_U64 = np.array([10**k for k in range(9)], dtype=np.uint64)
POW10_F64 = np.array([10.0**k for k in range(20)])  # exact: 5**k < 2**53 for k <= 22
MAX_DIGITS = 19


U8, U56 = np.uint64(8), np.uint64(56)


def _delete_byte(words: list[np.ndarray], at: np.ndarray) -> None:
    """Remove byte ``at`` of each row (the bytes after it move down one; past the end: none)."""
    low, high = int(at.min()), int(at.max())
    for k, x in enumerate(words):
        shifted = x >> U8
        if k + 1 < len(words):
            shifted |= words[k + 1] << U56
        if high <= 8 * k:
            words[k] = shifted
            continue
        if low >= 8 * (k + 1):
            continue
        if low == high:  # the point of "0.25" or "3.14159": a constant mask
            keep: np.ndarray | np.uint64 = np.uint64((1 << (8 * (low - 8 * k))) - 1)
        else:  # ~0 << 64 is 0 in numpy: keep everything
            keep = ~(ALL_ONES << (U8 * np.clip(at - 8 * k, 0, 8).astype(np.uint64)))
        # (x & keep) | (shifted & ~keep), in three operations
        shifted ^= (x ^ shifted) & keep
        words[k] = shifted


def _eight_digits(x: np.ndarray) -> np.ndarray:
    """The value of eight digit bytes, the first in the lowest byte (simdjson's SWAR method)."""
    x &= np.uint64(0x0F0F0F0F0F0F0F0F)
    x *= np.uint64(2561)
    x >>= U8
    x &= np.uint64(0x00FF00FF00FF00FF)
    x *= np.uint64(6553601)
    x >>= np.uint64(16)
    x &= np.uint64(0x0000FFFF0000FFFF)
    x *= np.uint64(42949672960001)
    x >>= np.uint64(32)
    return x


def _decimals(columns: list[np.ndarray], length: np.ndarray, json_grammar: bool):
    """(values, rows done): the rows that are plain decimals [+-]digits[.digits] of at most
    MAX_DIGITS digits, converted exactly; the other rows are left to the caller. None when a
    plain decimal breaks the JSON grammar (the whole column is then not taken)."""
    n = len(length)
    # Small integers (at most MAX_WIDTH) in int16: a quarter of the memory of int64.
    length = length.astype(np.int16)
    n_digits = np.zeros(n, dtype=np.int16)
    n_dots = np.zeros(n, dtype=np.int16)
    point = length.copy()  # the point's position, or the length when there is none
    for k, x in enumerate(columns):
        # Flags as 0/1 bytes, counted eight at a time; a row's only point is found from its
        # word, as the rank of the flag's bit / 8 (numpy's reductions along a short axis of a
        # byte matrix are several times slower).
        b = x.view(np.uint8)
        digits = np.less(b - np.uint8(ord("0")), 10).view(np.uint64)
        n_digits += np.bitwise_count(digits)
        dots = (b == ord(".")).view(np.uint64)
        found = dots != 0
        if found.any():
            n_dots += np.bitwise_count(dots)
            at = (np.bitwise_count(dots - np.uint64(1)) >> np.uint8(3)).astype(np.int16)
            at += 8 * k
            np.copyto(point, at, where=found)
    first = (columns[0] & np.uint64(0xFF)).astype(np.uint8)
    minus = first == ord("-")
    sign = minus | (first == ord("+"))
    plain = (n_digits + n_dots + sign == length) & (n_dots <= 1) & (n_digits >= 1)
    plain &= n_digits <= MAX_DIGITS
    if json_grammar:
        leading = sign.astype(np.int16)
        after_sign = (columns[0] >> (U8 * leading.astype(np.uint64))) & np.uint64(0xFF)
        bad = (first == ord("+")) | (point == leading) | (point == length - 1)
        bad |= (after_sign == ord("0")) & (point > leading + 1)  # "01", "-012.5"
        if (bad & plain).any():
            return None
    words = columns  # taken over: the caller reads the bytes again where needed
    if sign.any():
        _delete_byte(words, np.where(sign, np.int16(0), length))
        point = point - sign
    _delete_byte(words, point)
    mantissa = np.zeros(n, dtype=np.uint64)
    for k, x in enumerate(words):
        in_word = np.clip(n_digits - 8 * k, 0, 8)
        low, high = int(in_word.min()), int(in_word.max())
        if high == 0:
            break
        # Left-aligned digits, zeros after: shifting them to the top makes the zeros leading.
        if low == high:
            if low < 8:
                x <<= np.uint64(8 * (8 - low))
            mantissa *= POW10_U64[low]
        else:
            x <<= U8 * (np.uint64(8) - in_word.astype(np.uint64))
            mantissa *= POW10_U64[in_word]
        mantissa += _eight_digits(x)
    fraction = np.clip(np.where(n_dots == 1, n_digits - point, 0), 0, MAX_DIGITS)
    if int(mantissa.max()) < 2**53:
        # Few digits (gold scores such as 3.1): both operands are exact float64 values, so one
        # float64 division rounds correctly (Clinger's fast path), several times faster than x87.
        values = mantissa.astype(np.float64)
        values /= POW10_F64[fraction]
    else:
        quotient = mantissa.astype(np.longdouble)
        quotient /= POW10_LONG[fraction]
        # The extended significand's low 11 bits are 10000000000: exactly halfway.
        low_bits = quotient.view(np.uint64)[::2] & np.uint64(0x7FF)
        plain &= low_bits != np.uint64(0x400)
        values = quotient.astype(np.float64)
    np.negative(values, out=values, where=minus)
    return values, plain


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
    columns = _columns(spans)
    if columns is None:
        return None
    length = spans[2] - spans[1]
    if EXTENDED:
        done = _decimals(columns, length, json_grammar)  # consumes the columns
        if done is None:
            return None
        values, plain = done
        rest = np.flatnonzero(~plain)
    else:  # pragma: no cover - a platform whose long double is float64
        values, rest = np.empty(len(length)), np.arange(len(length))
    if len(rest):
        others = _subset(spans, rest)
        cls = CLASS[others]
        if (cls == BAD).any():
            return None
        if json_grammar and not _json_grammar(others, cls):
            return None
        try:
            values[rest] = others.view(f"S{others.shape[1]}").ravel().astype(np.float64)
        except ValueError:  # "1e", "--1", "1.2.3": float() refuses them too
            return None
    if json_grammar:
        # json reads "-0" as the integer 0, hence 0.0; float("-0") is -0.0.
        zero = np.flatnonzero(values == 0)
        if len(zero):
            cls = CLASS[_subset(spans, zero)]
            literal_int = ~((cls == DOT) | (cls == EXP)).any(axis=1)
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
