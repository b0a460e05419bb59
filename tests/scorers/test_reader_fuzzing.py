"""Any byte string gives a score or a clean error, never a crash or a hang; and the vectorised
fast path agrees exactly with the thorough path whenever it accepts a file."""

from __future__ import annotations

import json
import random
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import scorers
from scorers import fastpath
from scorers.api import load_dataset
from scorers.spec import load_spec

GOLD = [
    {
        "id": f"id{i}",
        "label": "ab"[i % 2],
        "lang": "xy"[i % 3 == 0],
        "partition": ["public", "private"][i % 2],
    }
    for i in range(6)
]
SPECS = {
    "jsonl": {
        "format": "jsonl",
        "labels": ["a", "b"],
        "metrics": ["accuracy", "macro_f1"],
        "group_fields": ["lang"],
        "partition_field": "partition",
    },
    "csv": {"format": "csv", "separator": ";", "labels": ["a", "b"], "metrics": ["macro_f1"]},
    "tsv": {"format": "tsv", "metrics": ["accuracy"]},
    "json": {
        "format": "json",
        "value_field": "score",
        "gold_value_field": "label",
        "metrics": [{"name": "auroc", "positive": "a"}, {"name": "tpr_at_fpr", "positive": "a"}],
    },
    "txt": {"format": "txt", "metrics": ["accuracy"]},
    "txt-num": {
        "format": "txt",
        "gold_value_field": "n",
        "value_field": "n",
        "value_type": "integer",
        "metrics": ["mae", "pearson"],
    },
}
VALID = {
    "jsonl": "".join(json.dumps({"id": r["id"], "label": r["label"]}) + "\n" for r in GOLD),
    "csv": "id;label\n" + "".join(f"{r['id']};{r['label']}\n" for r in GOLD),
    "tsv": "id\tlabel\n" + "".join(f"{r['id']}\t{r['label']}\n" for r in GOLD),
    "json": json.dumps([{"id": r["id"], "score": i / 7} for i, r in enumerate(GOLD)]),
    "txt": "".join(r["label"] + "\n" for r in GOLD),
    "txt-num": "".join(f"{i}\n" for i in range(6)),
}


def _gold(tmp: Path, numeric: bool = False) -> Path:
    path = tmp / ("gold-num.jsonl" if numeric else "gold.jsonl")
    if not path.exists():
        rows = [{**r, "n": i} if numeric else r for i, r in enumerate(GOLD)]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _score_bytes(tmp: Path, fmt: str, data: bytes) -> dict:
    pred = tmp / "pred.bin"
    pred.write_bytes(data)
    result = scorers.score_files(SPECS[fmt], _gold(tmp, fmt == "txt-num"), pred)
    assert result["ok"] in (True, False)
    if result["ok"]:
        json.dumps(result["scores"], allow_nan=False)
    else:
        assert result["errors"] and all(isinstance(e["message"], str) for e in result["errors"])
    return result


def _mutate(data: bytes, rnd: random.Random, n: int) -> bytes:
    buf = bytearray(data)
    for _ in range(n):
        op = rnd.randrange(3)
        pos = rnd.randrange(len(buf) + 1)
        byte = rnd.choice(b'\n\r\t ,;:"{}[]\\0159ab\xff\xef\xbb\xbf-.eE')
        if op == 0:
            buf.insert(pos, byte)
        elif op == 1 and buf:
            del buf[min(pos, len(buf) - 1)]
        elif buf:
            buf[min(pos, len(buf) - 1)] = byte
    return bytes(buf)


FAST = dict(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@settings(**FAST)
@given(fmt=st.sampled_from(sorted(SPECS)), data=st.binary(max_size=300))
@example(fmt="json", data=b"[" * 5000)
@example(fmt="jsonl", data=b'{"id": "id0", "label": ' + b"[" * 100_000 + b"\n")
@example(fmt="csv", data=b'id;label\n"id0;a\n')
@example(fmt="txt-num", data=b"1e999999\n" * 6)
def test_random_bytes_give_a_score_or_a_clean_error(tmp_path: Path, fmt: str, data: bytes):
    _score_bytes(tmp_path, fmt, data)


@settings(**FAST)
@given(fmt=st.sampled_from(sorted(SPECS)), seed=st.integers(0, 10**6), n=st.integers(1, 6))
def test_mutated_valid_files_give_a_score_or_a_clean_error(
    tmp_path: Path, fmt: str, seed: int, n: int
):
    _score_bytes(tmp_path, fmt, _mutate(VALID[fmt].encode(), random.Random(seed), n))


def test_the_valid_fuzzing_seeds_score(tmp_path: Path):
    for fmt in SPECS:
        assert _score_bytes(tmp_path, fmt, VALID[fmt].encode())["ok"], fmt


row_strategy = st.tuples(
    st.sampled_from(["id0", "id1", "id2", "id3", "id4", "id5", "id9", "ID0", "id0 ", "x" * 70]),
    st.sampled_from(["a", "b", "c", "", "a b", '"a"', "é"]),
)


@settings(**FAST)
@given(
    fmt=st.sampled_from(["jsonl", "csv"]),
    rows=st.lists(row_strategy, min_size=0, max_size=9),
    shuffle_seed=st.integers(0, 100),
    spaces=st.booleans(),
)
def test_fast_path_agrees_with_thorough_path(
    tmp_path: Path, fmt: str, rows, shuffle_seed: int, spaces: bool
):
    if shuffle_seed % 2:
        # Half the time, a complete and valid submission in a random order.
        rows = [(r["id"], r["label"]) for r in GOLD]
        random.Random(shuffle_seed).shuffle(rows)
    sep = ", " if spaces else ","
    if fmt == "jsonl":
        text = "".join(
            json.dumps({"id": i, "label": v}, separators=(sep, ":")) + "\n" for i, v in rows
        )
    else:
        text = "id;label\n" + "".join(f"{i};{v}\n" for i, v in rows)
    pred = tmp_path / "pred.txt"
    pred.write_text(text, encoding="utf-8")
    spec = load_spec(SPECS[fmt])
    gold = _gold(tmp_path)
    fast, slow = _fast_and_thorough(spec, gold, pred)
    if fast is None:
        return
    assert fast.labels == slow.labels
    np.testing.assert_array_equal(fast.y_true, slow.y_true)
    np.testing.assert_array_equal(fast.y_pred, slow.y_pred)
    assert fast.columns.keys() == slow.columns.keys()
    for key, col in fast.columns.items():
        assert col.values == slow.columns[key].values
        np.testing.assert_array_equal(col.codes, slow.columns[key].codes)


def test_fast_path_takes_a_regular_shuffled_file(tmp_path: Path):
    rows = [(r["id"], r["label"]) for r in GOLD][::-1]
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps({"id": i, "label": v}) + "\n" for i, v in rows))
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        assert fastpath.try_dataset(load_spec(SPECS["jsonl"]), _gold(tmp_path), pred) is not None


def test_fast_path_agrees_on_a_larger_shuffled_file_with_long_ids(tmp_path: Path):
    rng = np.random.default_rng(4)
    n = 3000
    labels = [f"generator-{k}" for k in range(10)]  # longer than one 8-byte word
    ids = [f"document-{i:06d}-{rng.integers(10**6)}" for i in range(n)]
    truth = rng.integers(0, 10, n)
    pred = np.where(rng.random(n) < 0.3, rng.integers(0, 10, n), truth)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps(
                {
                    "id": ids[i],
                    "label": labels[truth[i]],
                    "lang": f"l{i % 7}",
                    "partition": ["public", "private"][i % 3 == 0],
                }
            )
            + "\n"
            for i in range(n)
        )
    )
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text(
        "".join(
            json.dumps({"id": ids[i], "label": labels[pred[i]]}) + "\n" for i in rng.permutation(n)
        )
    )
    spec = load_spec({**SPECS["jsonl"], "labels": labels})
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        fast = fastpath.try_dataset(spec, gold, pred_path)
    with mock.patch.object(fastpath, "try_dataset", lambda *a: None):
        slow = load_dataset(spec, gold, pred_path)
    assert fast is not None
    np.testing.assert_array_equal(fast.y_true, slow.y_true)
    np.testing.assert_array_equal(fast.y_pred, slow.y_pred)
    for key, col in fast.columns.items():
        assert col.values == slow.columns[key].values
        np.testing.assert_array_equal(col.codes, slow.columns[key].codes)


LITERALS = ["0", "-0", "7", "2.0", "2.5", "-1.5e-3", "1E+05", "3.8", "0.1234567890123456789",
            "01", "+1", ".5", "5.", "1e", "1e400", "nan", "Infinity", "1_0", "-", "1.2.3",
            "00.5", "-01", "1e05", "9" * 30, "4.9e-324", " 1", "true", '"1"']  # fmt: skip


@settings(**FAST)
@given(
    fmt=st.sampled_from(["jsonl", "txt", "csv"]),
    values=st.lists(st.sampled_from(LITERALS), min_size=6, max_size=6),
    integer=st.booleans(),
    bounded=st.booleans(),
    int_ids=st.booleans(),
    shuffle_seed=st.integers(0, 100),
)
def test_numeric_fast_path_agrees_with_thorough_path(
    tmp_path: Path, fmt: str, values, integer: bool, bounded: bool, int_ids: bool, shuffle_seed
):
    """JSON numbers, text literals, integers and ranges: the fast path accepts only what the
    thorough path accepts, with bit-identical values."""
    gold = tmp_path / "gold-num.jsonl"
    gold.write_text(
        "".join(
            f'{{"id": {i if int_ids else json.dumps(f"p{i}")}, "n": {i - 2}, "g": "{"xy"[i % 2]}"}}'
            + "\n"
            for i in range(6)
        )
    )
    order = list(range(6))
    random.Random(shuffle_seed).shuffle(order)
    if fmt == "jsonl":
        text = "".join(
            f'{{"id": {i if shuffle_seed % 2 else json.dumps(str(i) if int_ids else f"p{i}")}, '
            f'"n": {values[i]}}}\n'
            for i in order
        )
    elif fmt == "csv":
        text = "id,n\n" + "".join(f"{i if int_ids else f'p{i}'},{values[i]}\n" for i in order)
    else:
        text = "".join(f"{v}\n" for v in values)
    pred = tmp_path / "pred.txt"
    pred.write_text(text)
    spec = load_spec(
        {
            "format": fmt,
            "value_field": "n",
            "value_type": "integer" if integer else "number",
            "metrics": ["mae", "pearson"],
            "group_fields": ["g"],
            **({"range": [-3, 10]} if bounded else {}),
        }
    )
    fast, slow = _fast_and_thorough(spec, gold, pred)
    if fast is None:
        return
    assert fast.kind == slow.kind == "number"
    np.testing.assert_array_equal(fast.y_true.view(np.int64), slow.y_true.view(np.int64))
    np.testing.assert_array_equal(fast.y_pred.view(np.int64), slow.y_pred.view(np.int64))
    for key, col in fast.columns.items():
        assert col.values == slow.columns[key].values
        np.testing.assert_array_equal(col.codes, slow.columns[key].codes)


def test_numeric_fast_path_takes_regular_files(tmp_path: Path):
    rng = np.random.default_rng(5)
    n = 2000
    truth, pred = np.round(rng.random(n) * 5, 1), rng.random(n) * 5
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(f'{{"id": {i}, "score": {float(t)!r}}}\n' for i, t in enumerate(truth)))
    txt, jsonl = tmp_path / "pred.txt", tmp_path / "pred.jsonl"
    txt.write_text("".join(f"{float(v)!r}\n" for v in pred))
    jsonl.write_text(
        "".join(f'{{"id": "{i}", "score": {float(pred[i])!r}}}\n' for i in rng.permutation(n))
    )
    for fmt, path in (("txt", txt), ("jsonl", jsonl)):
        spec = load_spec({"format": fmt, "value_field": "score", "value_type": "number",
                          "range": [0, 5], "metrics": ["pearson", "spearman", "mae"]})  # fmt: skip
        with mock.patch.object(fastpath, "MIN_BYTES", 0):
            fast = fastpath.try_dataset(spec, gold, path)
        assert fast is not None, fmt
        np.testing.assert_array_equal(fast.y_true, truth)
        np.testing.assert_array_equal(fast.y_pred, pred)


def _fast_and_thorough(spec, gold, pred):
    """(fast-path dataset or None, thorough-path dataset); the thorough path must accept
    whatever the fast path accepts."""
    with mock.patch.object(fastpath, "MIN_BYTES", 0):
        fast = fastpath.try_dataset(spec, gold, pred)
    with mock.patch.object(fastpath, "try_dataset", lambda *a: None):
        try:
            slow = load_dataset(spec, gold, pred)
        except scorers.SubmissionError:
            slow = None
    if fast is not None:
        assert slow is not None, "the fast path accepted a file the thorough path refuses"
    return fast, slow


@settings(**{**FAST, "max_examples": 400})
@given(
    fmt=st.sampled_from(["jsonl", "csv", "tsv", "txt-num"]),
    seed=st.integers(0, 10**6),
    n=st.integers(1, 4),
)
def test_mutated_files_on_the_fast_path_agree_with_the_thorough_path(
    tmp_path: Path, fmt: str, seed: int, n: int
):
    """The C scanner (scorers/csrc/) on files a few byte edits away from a valid one (quotes,
    backslashes, newlines, control and UTF-8 bytes, separators): it accepts only what the
    thorough path accepts, and reads the same dataset from it."""
    pred = tmp_path / "pred.bin"
    pred.write_bytes(_mutate(VALID[fmt].encode(), random.Random(seed), n))
    spec = load_spec(SPECS[fmt])
    fast, slow = _fast_and_thorough(spec, _gold(tmp_path, fmt == "txt-num"), pred)
    if fast is None:
        return
    assert fast.kind == slow.kind
    assert fast.labels == slow.labels
    np.testing.assert_array_equal(fast.y_true, slow.y_true)
    np.testing.assert_array_equal(fast.y_pred, slow.y_pred)
    for key, col in fast.columns.items():
        assert col.values == slow.columns[key].values
        np.testing.assert_array_equal(col.codes, slow.columns[key].codes)


def test_the_c_scanner_is_built():
    """pip install builds scorers/csrc/ (setup.py's ext_modules); without it every large
    file would silently take the thorough path, several times slower."""
    from scorers import bytecols

    assert bytecols.AVAILABLE
