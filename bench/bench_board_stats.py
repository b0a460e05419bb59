"""Board statistics: bootstrap time per metric, record size per submission, and the read time
of a board snapshot against the live query at 10,000 submissions. Prints figures only.

    .venv/bin/python bench/bench_board_stats.py [--teams 100] [--items 100000]
        [--samples 1000] [--metrics accuracy,macro_f1,mae,pearson] [--no-board | --board-only]

1. Engine (scorers.stats, no Django): a board of --teams rows on --items test items with
   --samples resamples; for each metric the time to compute every row's interval, the pairwise
   tests, clusters and rank ranges (`board_statistics`), next to the strongest hand-written
   alternative, a per-resample loop that gathers each row's items with the resample's indexes
   (numpy fancy indexing; timed on a slice of the rows and resamples and scaled up linearly,
   since the whole run would take minutes).
2. Storage: the compressed record file of one submission for a binary label task and a numeric
   task at --items items.
3. Board reads (Django, throwaway database as in bench_leaderboard.py): 100 teams x 100
   submissions; the representatives get records of --board-items items; times the rebuild job
   (the bound on how long a new score takes to reach its board, plus the debounce), then the
   selector, the API and the results page with the snapshot, and the same reads live (snapshot
   removed), median wall and CPU time of warm runs, and the queries of one. The API and the
   page answer rows rendered when the snapshot was built (leaderboards.snapshot_format).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

from scorers.stats.board import board_statistics
from scorers.stats.records import Record, dump_record
from scorers.stats.resample import resample_counts

LABELS = np.array(["human", "machine"])


def make_records(metric: str, teams: int, items: int, seed: int = 0) -> list[Record]:
    """Rows of decreasing quality on one shared gold, best first."""
    rng = np.random.default_rng(seed)
    if metric in ("accuracy", "macro_f1"):
        truth = (rng.random(items) < 0.4).astype(np.uint16)
        records = []
        for t in range(teams):
            right = rng.random(items) < 0.9 - 0.002 * t
            pred = np.where(right, truth, 1 - truth).astype(np.uint16)
            arrays = {"y_true": truth, "y_pred": pred, "labels": LABELS}
            params = {"average": "macro"}
            records.append(
                Record(
                    "label", items, "g", [{"name": metric, "key": metric, "params": params}], arrays
                )
            )
        return records
    truth = rng.normal(3, 1, items)
    records = []
    for t in range(teams):
        pred = truth + rng.normal(0, 0.5 + 0.005 * t, items)
        arrays = {"y_true": truth, "y_pred": pred}
        records.append(
            Record("number", items, "g", [{"name": metric, "key": metric, "params": {}}], arrays)
        )
    return records


def hand_written(records: list[Record], metric: str, samples: int, seed: int) -> np.ndarray:
    """Per resample, each row's metric recomputed on its gathered items."""
    rng = np.random.default_rng(seed)
    n = records[0].n
    out = np.empty((len(records), samples))
    for b in range(samples):
        idx = rng.integers(0, n, size=n)
        for i, r in enumerate(records):
            t, p = r.arrays["y_true"][idx], r.arrays["y_pred"][idx]
            if metric == "accuracy":
                out[i, b] = np.mean(t == p)
            elif metric == "macro_f1":
                f1 = []
                for c in (0, 1):
                    tp = np.sum((t == c) & (p == c))
                    den = np.sum(t == c) + np.sum(p == c)
                    f1.append(2 * tp / den if den else 0.0)
                out[i, b] = np.mean(f1)
            elif metric == "mae":
                out[i, b] = np.mean(np.abs(t - p))
            else:
                out[i, b] = np.corrcoef(t, p)[0, 1]
    return out


def engine(args) -> None:
    print(
        f"1. bootstrap of a board: {args.teams} rows x {args.items:,} items x {args.samples} "
        "resamples (intervals, pairwise tests, clusters, rank ranges)"
    )
    start = time.perf_counter()
    resample_counts(args.items, args.samples, seed=0)
    print(f"   drawing the resamples alone: {time.perf_counter() - start:.2f} s")
    print(
        f"   {'metric':<10} {'engine s':>9} {'CPU s':>7} {'clusters':>9} "
        f"{'hand-written s (scaled)':>24}"
    )
    for metric in args.metrics:
        records = make_records(metric, args.teams, args.items)
        higher = metric != "mae"
        start, cpu = time.perf_counter(), time.process_time()
        result = board_statistics(
            records, keys=[metric], primary=metric, higher_is_better=higher,
            samples=args.samples,
        )  # fmt: skip
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        clusters = max(r.cluster or 0 for r in result.rows)
        rows, resamples = min(5, args.teams), min(20, args.samples)
        start = time.perf_counter()
        hand_written(records[:rows], metric, resamples, seed=0)
        scaled = (time.perf_counter() - start) * (args.teams / rows) * (args.samples / resamples)
        print(f"   {metric:<10} {took:>9.1f} {cpu:>7.1f} {clusters:>9} {scaled:>24.0f}")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"   (load average {load} on {os.cpu_count()} cores: CPU s / cores is the unshared time)")


def storage(args) -> None:
    print(f"\n2. record file per submission and partition at {args.items:,} items")
    for metric in ("accuracy", "mae"):
        record = make_records(metric, 1, args.items)[0]
        size = len(dump_record(record))
        kind = "binary labels" if metric == "accuracy" else "numbers (float64)"
        print(f"   {kind:<18} {size / 1024:>8.0f} KiB ({size / args.items:.2f} bytes/item)")


def board_reads(args) -> None:
    import bench_leaderboard as bl  # sets up Django on a throwaway database
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client
    from rest_framework.renderers import JSONRenderer

    from podium.leaderboards.exports import leaderboard_json
    from podium.leaderboards.models import BoardSnapshot
    from podium.leaderboards.selectors import leaderboard, live_board
    from podium.leaderboards.snapshots import board_rebuild, board_request_rebuild
    from podium.submissions.records import submission_records_store

    postgres = bool(bl.os.environ.get("DATABASE_URL"))
    if postgres:
        test_db = bl.connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        bl.call_command("migrate", verbosity=0)
    try:
        phase, subtask, _ = bl.build(100, 100)
        subs = bl.Submission.objects.filter(phase=phase).count()
        print(f"\n3. board reads: {bl.connection.vendor}, {subs} submissions, 100 teams")
        rng = np.random.default_rng(1)
        truth = (rng.random(args.board_items) < 0.4).astype(np.uint16)
        records: dict[int, dict[str, bytes]] = {}
        for partition in ("public", "private"):
            board = live_board(phase=phase, subtask=subtask, partition=partition, now=phase.end)
            for row in board.rows:
                right = rng.random(args.board_items) < 0.8
                pred = np.where(right, truth, 1 - truth).astype(np.uint16)
                metrics = [{"name": "accuracy", "key": "accuracy", "params": {}}]
                arrays = {"y_true": truth, "y_pred": pred, "labels": LABELS}
                data = dump_record(Record("label", args.board_items, "g", metrics, arrays))
                records.setdefault(row.submission_id, {})[partition] = data
        for submission_id, files in records.items():
            submission_records_store(submission_id=submission_id, records=files)
        board_request_rebuild(phase_id=phase.pk, subtask_id=subtask.pk)
        start = time.perf_counter()
        board_rebuild(phase_id=phase.pk, subtask_id=subtask.pk)
        print(
            f"   rebuild job (both partitions, {args.board_items:,} items per record): "
            f"{time.perf_counter() - start:.1f} s"
        )
        viewer = AnonymousUser()
        token = bl.participant_token(phase)
        client = Client(HTTP_HOST="localhost")
        api = f"/api/v1/phases/{phase.pk}/leaderboard/?subtask={subtask.slug}&partition=public"
        page = f"/tasks/{phase.task.slug}/results/?phase={phase.slug}&partition=public"
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}

        def timed(fn) -> tuple[float, float, int]:
            """Median wall and CPU ms of warm runs (CPU: this process, which with SQLite
            includes the database's work), and the queries of one run."""
            fn()
            walls, cpus = [], []
            for _ in range(args.runs):
                wall, cpu = time.perf_counter(), time.process_time()
                fn()
                cpus.append((time.process_time() - cpu) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
            _, queries = bl.measure(fn, 0)
            return statistics.median(walls), statistics.median(cpus), queries

        def reads() -> dict[str, tuple[float, float, int]]:
            return {
                "selector": timed(
                    lambda: leaderboard(
                        phase=phase, subtask=subtask, partition="public", viewer=viewer
                    )
                ),
                "API": timed(lambda: client.get(api, **headers)),
                "page": timed(lambda: client.get(page)),
            }

        # The API answers the rows rendered at build time: the same answer as rendering the
        # whole board read from the snapshot, as the view did before (byte for byte on SQLite;
        # PostgreSQL's jsonb reorders the keys of the stored board's objects, so there only
        # the JSON is equal: the parts keep the order in which the board was built).
        full = JSONRenderer().render(
            leaderboard_json(
                leaderboard(phase=phase, subtask=subtask, partition="public", viewer=viewer)
            )
        )
        answer = client.get(api, **headers).content
        same = f"JSON {json.loads(answer) == json.loads(full)}, bytes {answer == full}"
        with_snapshot = reads()
        BoardSnapshot.objects.filter(phase=phase).delete()
        live = reads()
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"   median of {args.runs} warm reads, in process (django.test.Client); load average "
            f"{load} on {os.cpu_count()} cores"
        )
        print(
            f"   {'read':<9} {'snapshot ms':>12} {'CPU ms':>7} {'queries':>8}"
            f" {'live ms':>9} {'CPU ms':>7} {'queries':>8}"
        )
        for name, (wall, cpu, queries) in with_snapshot.items():
            lwall, lcpu, lqueries = live[name]
            print(
                f"   {name:<9} {wall:>12.1f} {cpu:>7.1f} {queries:>8}"
                f" {lwall:>9.1f} {lcpu:>7.1f} {lqueries:>8}"
            )
        print(f"   API answer from the parts equal to the whole board rendered: {same}")
    finally:
        if postgres:
            bl.connection.creation.destroy_test_db(test_db, verbosity=0)
        bl.TMP.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--metrics", default="accuracy,macro_f1,mae,pearson")
    parser.add_argument("--board-items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-board", action="store_true", help="skip the Django part")
    parser.add_argument(
        "--board-only", action="store_true", help="only the Django part (3. board reads)"
    )
    args = parser.parse_args()
    args.metrics = args.metrics.split(",")
    if not args.board_only:
        engine(args)
        storage(args)
    if not args.no_board:
        board_reads(args)


if __name__ == "__main__":
    sys.exit(main())
