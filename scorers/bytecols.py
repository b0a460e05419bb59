"""Columns of byte spans: numpy primitives behind scorers.fastpath.

A column is (w, starts, ends): ``w`` an overlapping uint64 view of a file's bytes (``w[p]`` is
bytes p..p+7), and each row's value is the byte range [start, end). Values are compared,
hashed and joined 8 bytes at a time, without one Python object per row.
"""

from __future__ import annotations

import numpy as np

from scorers.spec import Limits
from scorers.view import Factor

MAX_WIDTH = 64  # longest id or label (bytes) handled here
MAX_DISTINCT = 256
ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
LOW_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)  # k low bytes
Spans = tuple[np.ndarray, np.ndarray, np.ndarray]  # (word view, starts, ends)


CHUNK = 1 << 18  # bytes compared at a time: the flags stay in the CPU's cache


def positions(a: np.ndarray, op: np.ufunc, value: int) -> np.ndarray:
    """np.flatnonzero(op(a, value)), a chunk at a time: a file-sized mask would cost a pass
    through memory to write it, another to read it, and page faults on its fresh pages."""
    mask = np.empty(min(len(a), CHUNK), dtype=bool)
    out = np.empty(count(a, op, value, mask), dtype=np.int64)
    filled = 0
    for low in range(0, len(a), CHUNK):
        part = a[low : low + CHUNK]
        where = np.flatnonzero(op(part, value, out=mask[: len(part)]))
        np.add(where, low, out=out[filled : filled + len(where)])
        filled += len(where)
    return out


def count(a: np.ndarray, op: np.ufunc, value: int, mask: np.ndarray | None = None) -> int:
    """np.count_nonzero(op(a, value)), a chunk at a time (see positions)."""
    if mask is None:
        mask = np.empty(min(len(a), CHUNK), dtype=bool)
    total = 0
    for low in range(0, len(a), CHUNK):
        part = a[low : low + CHUNK]
        total += int(np.count_nonzero(op(part, value, out=mask[: len(part)])))
    return total


def word_view(a: np.ndarray) -> np.ndarray:
    """w[p] = the 8 bytes a[p:p+8] as a little-endian uint64 (a must end with 8 spare bytes).

    An overlapping, unaligned view: reading a span 8 bytes at a time with one gather per word
    is several times faster than gathering its bytes one by one.
    """
    return np.ndarray(shape=(len(a) - 7,), dtype="<u8", buffer=a, strides=(1,))


def masked_word(w: np.ndarray, start: np.ndarray, length: np.ndarray, k: int) -> np.ndarray:
    """Word k (bytes 8k..8k+7) of each span, bytes past the span's end zeroed."""
    low, high = int(length.min()), int(length.max())
    at = start + 8 * k if k else start
    if low <= 8 * k:
        # A span shorter than 8k bytes near the end of the file would read past it; its word
        # is masked to zero below whatever is read.
        at = np.minimum(at, len(w) - 1)
    word = w[at]
    if low >= 8 * (k + 1):
        return word  # every span covers the whole word: the common case, no masking
    if low == high:
        word &= low_bytes_mask(low - 8 * k)
        return word
    # A lookup in a table of the nine masks: cheaper than building each mask with shifts.
    word &= LOW_MASKS[np.clip(length - 8 * k, 0, 8)]
    return word


def low_bytes_mask(keep: int) -> np.uint64:
    return np.uint64((1 << (8 * max(0, min(keep, 8)))) - 1)


def same_bytes(w: np.ndarray, begin: np.ndarray, end: np.ndarray, template: bytes) -> bool:
    length = end - begin
    if not (length == len(template)).all():
        return False
    padded = template + b"\0" * (-len(template) % 8)
    expected = np.frombuffer(padded, dtype="<u8")
    return all(
        (masked_word(w, begin, length, k) == expected[k]).all() for k in range(len(expected))
    )


def as_words(spans: Spans) -> np.ndarray | None:
    """Each span as zero-padded little-endian uint64 words, shape (n, width / 8)."""
    w, start, end = spans
    length = end - start
    width = int(length.max()) if len(length) else 0
    if width > MAX_WIDTH:
        return None
    n_words = max(1, -(-width // 8))
    out = np.empty((len(start), n_words), dtype=np.uint64)
    for k in range(n_words):
        out[:, k] = masked_word(w, start, length, k)
    return out


def row_keys(words: np.ndarray) -> np.ndarray:
    """One uint64 per row; exact for one word, a hash otherwise (callers verify matches)."""
    key = words[:, 0].copy()
    for w in range(1, words.shape[1]):
        key = key * np.uint64(0x9E3779B97F4A7C15) + words[:, w]
    return key


def row_text(row: np.ndarray) -> str:
    return row.astype("<u8").tobytes().rstrip(b"\0").decode("utf-8")


def factorize(spans: Spans) -> Factor | None:
    words = as_words(spans)
    if words is None:
        return None
    key = row_keys(words)
    # Labels and languages have few distinct values: find them on a sample, then place every
    # row with a binary search in that tiny sorted array (no sort of the whole column).
    distinct = np.unique(key[:: max(1, len(key) // 4096)])
    if len(distinct) > MAX_DISTINCT:
        return None
    codes = _positions(distinct, key)
    if not (distinct[codes] == key).all():
        distinct, codes = np.unique(key, return_inverse=True)
        if len(distinct) > MAX_DISTINCT:
            return None
    reps = np.zeros(len(distinct), dtype=np.int64)
    reps[codes[::-1]] = np.arange(len(codes))[::-1]  # first row holding each value
    # As in join: word 0 is implied by the key and the other words.
    if words.shape[1] > 1 and not (words[:, 1:] == words[reps, 1:][codes]).all():
        return None  # a hash collision between distinct values
    values = [row_text(words[r]) for r in reps]
    order = sorted(range(len(values)), key=values.__getitem__)
    remap = np.empty(len(order), dtype=np.int64)
    remap[order] = np.arange(len(order))
    return Factor(remap[codes], [values[i] for i in order])


def _positions(distinct: np.ndarray, key: np.ndarray) -> np.ndarray:
    """For each key, the index of the first distinct value >= it (clipped to the last index)."""
    if len(distinct) > 16:
        return np.minimum(np.searchsorted(distinct, key), len(distinct) - 1)
    # A few comparisons with the sorted values beat a binary search per row several times.
    codes = np.zeros(len(key), dtype=np.uint8)
    for value in distinct[:-1]:
        codes += key > value
    return codes.astype(np.int64)


def join(gold_ids: Spans, pred_ids: Spans) -> np.ndarray | None:
    """For each prediction row, its gold row; None unless it is a bijection."""
    gw, pw = as_words(gold_ids), as_words(pred_ids)
    if gw is None or pw is None or len(gw) != len(pw) or gw.shape[1] != pw.shape[1]:
        return None
    if np.array_equal(gw, pw):
        return np.arange(len(gw))
    gk, pk = row_keys(gw), row_keys(pw)
    # Sorting both sides and comparing is faster than a binary search per prediction.
    g_order, p_order = np.argsort(gk), np.argsort(pk)
    g_sorted = gk[g_order]
    if (g_sorted[1:] == g_sorted[:-1]).any() or not np.array_equal(g_sorted, pk[p_order]):
        return None
    gold_row = np.empty(len(gk), dtype=np.int64)
    gold_row[p_order] = g_order
    # Equal keys with equal words 1.. have equal words 0 too (row_keys multiplies by an odd
    # constant, a bijection modulo 2**64): word 0 needs no check, and one word none at all.
    if gw.shape[1] > 1 and not (gw[gold_row, 1:] == pw[:, 1:]).all():
        return None
    return gold_row


def distinct(spans: Spans) -> bool:
    """Whether no two spans hold the same bytes (False also when unsure: a hash collision)."""
    words = as_words(spans)
    if words is None:
        return False
    keys = np.sort(row_keys(words))
    return not (keys[1:] == keys[:-1]).any()


def line_bounds(
    a: np.ndarray, limits: Limits, tab_ok: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """(starts, ends) of lines; None if a control character other than LF (or tab) occurs."""
    ctl = positions(a, np.less, 32)
    kinds = a[ctl]
    if tab_ok:
        ctl = ctl[kinds != 9]
        kinds = a[ctl]
    if not (kinds == 10).all() or len(ctl) > limits.max_rows + 1:
        return None
    nl = ctl
    starts = np.concatenate(([0], nl[:-1] + 1))
    if len(nl) == 0 or (nl - starts).max() > limits.max_line_bytes or (nl == starts).any():
        return None
    return starts, nl


def rows_within(marks: np.ndarray, starts: np.ndarray, ends: np.ndarray, per_line: int):
    """marks (sorted positions) reshaped to per_line per line, or None if any line differs."""
    if per_line == 0:
        return np.zeros((len(starts), 0), dtype=np.int64) if len(marks) == 0 else None
    if len(marks) != len(starts) * per_line:
        return None
    rows = marks.reshape(len(starts), per_line)
    if (rows[:, 0] < starts).any() or (rows[:, -1] >= ends).any():
        return None
    return rows
