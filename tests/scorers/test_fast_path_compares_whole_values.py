"""Ids and labels are looked up by a 64-bit hash of their bytes (scorers._spans); a match is
always confirmed on the whole value, so values that share a prefix, differ only in their last
byte, in their length, or beyond the first eight bytes are never taken for one another."""

from __future__ import annotations

import numpy as np

from scorers.bytecols import Column, distinct, factorize, join

NEAR = [b"doc-1", b"doc-10", b"doc-100", b"doc-0000123456781", b"doc-0000123456782", b"d"]


def _spans(values: list[bytes]):
    data = bytearray(b"".join(values) + b"\n")
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.frombuffer(data, dtype=np.uint8), ends - lengths, ends


def _ids(values: list[bytes]) -> Column:
    return Column(spans=_spans(values))


def test_join_matches_whole_values_only():
    shuffled = [NEAR[i] for i in (3, 0, 5, 1, 4, 2)]
    assert list(join(_ids(NEAR), _ids(shuffled))) == [3, 0, 5, 1, 4, 2]
    assert join(_ids(NEAR), _ids([*shuffled[:-1], b"doc-1000"])) is None


def test_join_refuses_duplicates_empty_ids_and_unequal_counts():
    assert join(_ids([b"a", b"a"]), _ids([b"a", b"b"])) is None
    assert join(_ids([b"a", b"b"]), _ids([b"a", b"a"])) is None
    assert join(_ids([b"a", b""]), _ids([b"", b"a"])) is None
    assert join(_ids([b"a", b"b"]), _ids([b"a"])) is None


def test_factorize_and_distinct_tell_near_values_apart():
    factor = factorize(_spans([*NEAR, *NEAR[::-1]]))
    assert factor is not None
    assert factor.values == sorted(v.decode() for v in NEAR)
    assert [factor.values[c] for c in factor.codes] == [v.decode() for v in [*NEAR, *NEAR[::-1]]]
    assert distinct(_ids(NEAR))
    assert not distinct(_ids([*NEAR, b"doc-10"]))


def test_factorize_gives_up_beyond_its_distinct_values():
    many = [f"label-{i}".encode() for i in range(257)]
    assert factorize(_spans(many[:256])) is not None
    assert factorize(_spans(many)) is None
