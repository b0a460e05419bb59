"""per_item.csv, read on the host after a run: what gives a record, what is ignored and why.

No sandbox needed: the file is read from an output folder exactly as after a run."""

from __future__ import annotations

import os

import numpy as np
import pytest

from podium.programs import per_item
from podium.programs.per_item import PER_ITEM_CSV, per_item_read
from scorers.stats.board import board_statistics
from scorers.stats.records import load_record, mean_digest
from scorers.stats.resample import resample_counts
from scorers.stats.sufficient import statistic

KEYS = ["accuracy", "mae"]


def write(folder, text: str | bytes) -> None:
    data = text.encode() if isinstance(text, str) else text
    (folder / PER_ITEM_CSV).write_bytes(data)


def table(rows, header="id,accuracy,mae") -> str:
    return header + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)


ROWS = [("b", 1, 0.5), ("a", 0, 1.5), ("c", 1, 0.25), ("d", 1, 0.0)]
SCORES = {"accuracy": 0.75, "mae": 0.5625}


def test_a_file_whose_means_are_the_scores_gives_a_record_in_sorted_id_order(tmp_path):
    write(tmp_path, table(ROWS))
    got = per_item_read(tmp_path, SCORES, KEYS)
    assert got.keys == KEYS and "kept for intervals" in got.note
    record = load_record(got.record)
    assert record.kind == "mean" and record.n == 4
    assert record.digest == mean_digest(["a", "b", "c", "d"])
    np.testing.assert_array_equal(record.arrays["mean:accuracy"], [0, 1, 1, 1])
    np.testing.assert_array_equal(record.arrays["mean:mae"], [1.5, 0.5, 0.25, 0.0])


def test_the_row_order_of_the_program_does_not_matter(tmp_path):
    write(tmp_path, table(ROWS))
    first = load_record(per_item_read(tmp_path, SCORES, KEYS).record)
    write(tmp_path, table(reversed(ROWS)))
    second = load_record(per_item_read(tmp_path, SCORES, KEYS).record)
    assert first.digest == second.digest
    for key in KEYS:
        np.testing.assert_array_equal(first.arrays[f"mean:{key}"], second.arrays[f"mean:{key}"])


def test_a_mean_that_disagrees_loses_that_key_only(tmp_path):
    write(tmp_path, table(ROWS))
    got = per_item_read(tmp_path, {"accuracy": 0.75, "mae": 0.6}, KEYS)
    assert got.keys == ["accuracy"]
    assert "mean of column 'mae' over 4 items is 0.5625, but the program reported 0.6" in got.note
    assert load_record(got.record).metric("mae") is None


def test_a_score_written_rounded_to_four_decimals_is_not_the_mean(tmp_path):
    write(tmp_path, table([("a", 1), ("b", 1), ("c", 0)], header="id,accuracy"))
    assert per_item_read(tmp_path, {"accuracy": 0.6667}, ["accuracy"]).record is None
    assert per_item_read(tmp_path, {"accuracy": 2 / 3}, ["accuracy"]).keys == ["accuracy"]


def test_columns_that_are_not_shown_keys_are_ignored_with_a_note(tmp_path):
    write(tmp_path, table([(i, 1, 2) for i in "ab"], header="id,accuracy,n"))
    got = per_item_read(tmp_path, {"accuracy": 1.0}, ["accuracy"])
    assert got.keys == ["accuracy"] and "column 'n' is not a shown leaderboard column" in got.note


def test_a_byte_order_mark_and_crlf_lines_are_fine(tmp_path):
    write(tmp_path, b"\xef\xbb\xbfid,accuracy\r\na,1\r\nb,0\r\n")
    assert per_item_read(tmp_path, {"accuracy": 0.5}, ["accuracy"]).keys == ["accuracy"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "the file is empty"),
        ("accuracy\n1\n", "no 'id' column"),
        ("id,id,accuracy\na,a,1\n", "appears twice"),
        ("id,other\na,1\n", "no column is a shown leaderboard column key"),
        ("id,accuracy\n", "no rows"),
        ("id,accuracy\na,1\na,0\n", "an id appears on more than one row"),
        ("id,accuracy\na,1\nb\n", "line 3: 1 cells, the header has 2"),
        ("id,accuracy\n,1\n", "line 2: empty id"),
        ("id,accuracy\na,nan\n", "'nan' is not a finite number"),
        ("id,accuracy\na,inf\n", "'inf' is not a finite number"),
        ("id,accuracy\na,\n", "'' is not a finite number"),
        ("id,accuracy\na,yes\n", "'yes' is not a finite number"),
        ("id,accuracy\na,1_0\n", "'1_0' is not a finite number"),
        ('id,accuracy\n"a,1\n', "not valid CSV"),
        (b"id,accuracy\n\xff,1\n", "not UTF-8"),
    ],
)
def test_a_malformed_file_gives_no_record_and_says_why(tmp_path, content, reason):
    write(tmp_path, content)
    got = per_item_read(tmp_path, {"accuracy": 1.0}, ["accuracy"])
    assert got.record is None and got.keys == []
    assert f"{PER_ITEM_CSV} ignored, so no intervals" in got.note and reason in got.note


def test_no_file_is_no_record(tmp_path):
    got = per_item_read(tmp_path, {"accuracy": 1.0}, ["accuracy"])
    assert got.record is None and got.note == f"no {PER_ITEM_CSV}: no intervals"


def test_a_symlink_is_never_followed(tmp_path):
    target = tmp_path / "gold.csv"
    target.write_text("id,accuracy\na,1\n")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(target, out / PER_ITEM_CSV)
    got = per_item_read(out, {"accuracy": 1.0}, ["accuracy"])
    assert got.record is None and "is a symlink" in got.note


def test_a_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / PER_ITEM_CSV)
    got = per_item_read(tmp_path, {"accuracy": 1.0}, ["accuracy"])
    assert got.record is None and "not a regular file" in got.note


def test_size_and_row_caps(tmp_path, monkeypatch):
    write(tmp_path, table([(f"i{k}", 1) for k in range(6)], header="id,accuracy"))
    monkeypatch.setattr(per_item, "MAX_PER_ITEM_ROWS", 5)
    got = per_item_read(tmp_path, {"accuracy": 1.0}, ["accuracy"])
    assert got.record is None and "more than 5 rows" in got.note
    monkeypatch.setattr(per_item, "MAX_PER_ITEM_ROWS", 6)
    monkeypatch.setattr(per_item, "MAX_PER_ITEM_BYTES", 20)
    got = per_item_read(tmp_path, {"accuracy": 1.0}, ["accuracy"])
    assert got.record is None and "larger than 20 bytes" in got.note


def test_the_bootstrap_of_a_mean_record_is_the_mean_of_the_resampled_items(tmp_path):
    rng = np.random.default_rng(3)
    errors = rng.gamma(2.0, size=300)
    ids = [f"item-{k:03d}" for k in range(300)]
    write(tmp_path, table(zip(ids, errors.tolist(), strict=True), header="id,mae"))
    record = load_record(per_item_read(tmp_path, {"mae": float(errors.mean())}, ["mae"]).record)
    counts = resample_counts(300, 200, seed=5)
    stat = statistic(record, "mae")
    assert stat is not None
    sums = counts.astype(np.float64) @ stat.columns(record)
    # Each resample's value is the mean of its drawn items' errors, exactly.
    np.testing.assert_allclose(stat.value(sums, 300), counts @ errors / 300, rtol=1e-12)
    stats = board_statistics(
        [record], keys=["mae"], primary="mae", higher_is_better=False, samples=200, seed=5
    )
    low, high = stats.rows[0].intervals["mae"]
    assert (low, high) == tuple(np.quantile(counts @ errors / 300, [0.025, 0.975]))
