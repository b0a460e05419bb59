"""The fast path's own decimal conversion (scorers._spans, through scorers.bytecols) gives
float()'s value to the last bit, and json's for JSON numbers, on the literals Python and other
writers produce, on literals with more digits than float64 holds, and on literals that lie
exactly halfway between two floats (where rounding twice would go wrong)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scorers import bytecols


def _spans(literals: list[str]):
    data = bytearray("".join(s + "\n" for s in literals).encode()) + bytearray(8)
    a = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(a[:-8] == 10)
    starts = np.concatenate(([0], ends[:-1] + 1))
    return a, starts, ends


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.int64)


def _literals() -> list[str]:
    rng = np.random.default_rng(12)
    floats = np.concatenate(
        [
            rng.random(20000) * 5,  # STS scores, 16-17 significant digits
            np.round(rng.random(2000) * 5, 1),  # gold with one decimal
            rng.normal(0, 1e4, 5000),
            rng.random(3000) * 1e-3,
            rng.integers(-(10**6), 10**6, 2000).astype(float),
        ]
    )
    out = [repr(float(v)) for v in floats]
    out += [f"{v:.19f}" for v in floats[:2000]]  # 19 and more digits
    out += [f"{v:.6f}" for v in floats[:2000]]
    # Exactly halfway between two float64 values: float() rounds to even.
    for k in range(500):
        odd = 2**53 + 2 * k + 1
        out += [str(odd), f"{odd}.0", f"{2**52 + k}.5", f"-{odd}", str(2**60 + 2**7 * (2 * k + 1))]
    out += ["0", "-0", "0.0", "-0.0", "5", "1e-05", "2.5E+3", "4.9e-324", "1.7976931348623157e308"]
    # Exponents: inside and just outside the exact powers of ten of float64 (10**22) and of x87
    # (10**27), with short and long significands; subnormals; many zeros.
    for e in (-30, -28, -27, -23, -22, -1, 0, 1, 15, 22, 23, 27, 28, 280, -300, -320):
        out += [f"1e{e}", f"123456789e{e}", f"9007199254740993e{e}", f"1234567890123456789e{e}"]
        out += [f"0.{'0' * 30}{k}e{e}" for k in (1, 7)]
    out += ["0e400", "0.000e-5", "1" + "0" * 30, "0." + "0" * 40 + "1"]
    return out


@pytest.mark.parametrize("json_grammar", [False, True])
def test_fast_numbers_match_float_and_json_bit_for_bit(json_grammar: bool):
    literals = _literals()
    got = bytecols.numbers(_spans(literals), json_grammar)
    assert got is not None
    want = [json.loads(s) if json_grammar else float(s) for s in literals]
    np.testing.assert_array_equal(_bits(got), _bits(want))


def test_text_only_literals_match_float():
    literals = ["+1.5", ".5", "5.", "-.25", "007.50", "+0", "1" * 19, "1" * 25 + ".5"]
    got = bytecols.numbers(_spans(literals), False)
    assert got is not None
    np.testing.assert_array_equal(_bits(got), _bits([float(s) for s in literals]))


@pytest.mark.parametrize("literal", ["+1.5", ".5", "5.", "-.5", "01", "-012.5", "00"])
def test_json_grammar_refuses_text_only_literals(literal: str):
    assert bytecols.numbers(_spans(["1.5", literal, "2"]), True) is None
    assert bytecols.numbers(_spans(["1.5", literal, "2"]), False) is not None


@pytest.mark.parametrize("literal", ["1.2.3", "--1", "1-2", "1e", "-", ".", "1_0", "nan", "1.5x"])
def test_non_numbers_are_refused(literal: str):
    assert bytecols.numbers(_spans(["1.5", literal, "2"]), False) is None


def test_short_decimals_match_float():
    """Columns whose digits all fit in 53 bits take a float64 division instead of x87's."""
    rng = np.random.default_rng(3)
    values, places = rng.random(20000) * 100, rng.integers(0, 13, 20000)
    literals = [f"{v:.{d}f}" for v, d in zip(values, places, strict=True)]
    literals += ["3.1", "-12.25", "0.1", "0", "-0.0", str(2**53 - 1), "9007199254.740991"]
    for json_grammar in (False, True):
        got = bytecols.numbers(_spans(literals), json_grammar)
        assert got is not None
        np.testing.assert_array_equal(_bits(got), _bits([float(s) for s in literals]))


@pytest.mark.parametrize("literal", ["1e309", "-2e308", "1" * 310, "17976931348623159e292"])
def test_literals_beyond_float64_are_left_to_the_thorough_path(literal: str):
    """float() makes them inf, which no score may be: the thorough path reports the line."""
    assert bytecols.numbers(_spans(["1.5", literal]), False) is None
    assert bytecols.numbers(_spans(["1.5", literal]), True) is None
