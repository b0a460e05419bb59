"""Ids and labels longer than one word are matched by a 64-bit hash (scorers.bytecols.row_keys);
two different values with the same hash must never be taken for one another."""

from __future__ import annotations

import numpy as np

from scorers.bytecols import factorize, join, row_keys, word_view

C = 0x9E3779B97F4A7C15  # row_keys' multiplier


def _spans(values: list[bytes]):
    data = bytearray(b"".join(values)) + bytearray(8)
    lengths = np.array([len(v) for v in values])
    ends = np.cumsum(lengths)
    return word_view(np.frombuffer(data, dtype=np.uint8)), ends - lengths, ends


def _colliding_pair() -> tuple[bytes, bytes]:
    w0, w1 = int.from_bytes(b"doc-0000", "little"), int.from_bytes(b"12345678", "little")
    a = w0.to_bytes(8, "little") + w1.to_bytes(8, "little")
    b = (w0 + 1).to_bytes(8, "little") + ((w1 - C) % 2**64).to_bytes(8, "little")
    words = np.frombuffer(a + b, dtype="<u8").reshape(2, 2)
    keys = row_keys(words)
    assert keys[0] == keys[1] and a != b
    return a, b


def test_join_refuses_an_id_whose_hash_collides_with_a_gold_id():
    a, b = _colliding_pair()
    other = b"doc-0000zzzzzzzz"
    assert join(_spans([a, other]), _spans([other, a])) is not None
    assert join(_spans([a, other]), _spans([other, b])) is None


def test_factorize_refuses_values_whose_hashes_collide():
    a, b = _colliding_pair()
    assert factorize(_spans([a, a, a])) is not None
    assert factorize(_spans([a, b, a])) is None
