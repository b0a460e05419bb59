"""Section 2 of bench_submissions.py: concurrent uploads over real HTTP, checked, then drained.

run_concurrency() starts the web server, fires the uploads from client threads, checks every
answer against the phases' limits and the Submission rows against the 201s, and waits until every
accepted upload is scored.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

from submissions_server import ConnectionMonitor, post_upload, start_web
from submissions_util import free_port, load, percentile, stop_process, tail
from submissions_workload import Bench


def run_concurrency(bench: Bench, env: dict[str, str]) -> None:
    """Section 2: concurrent uploads over HTTP, checked against the limits, then drained."""
    from django.db import connections

    from podium.submissions.models import Submission

    args = bench.args
    port = free_port()
    web_log = bench.tmp / "runserver.log"
    web = start_web(env, web_log, port, args.plain_runserver)
    try:
        teams = [f"team-{n:03d}" for n in range(args.teams)]
        capped = set(teams[: args.capped_teams])
        jobs = [teams[n % len(teams)] for n in range(args.uploads)]
        random.Random(5).shuffle(jobs)
        planned = Counter(jobs)
        content = bench.pred_small.read_bytes()
        server = (
            "plain runserver"
            if args.plain_runserver
            else "runserver (backlog 128, connections closed per request)"
        )
        print(
            f"\n2. {args.uploads} uploads ({len(content) / 1e3:.0f} kB, {args.small_rows:,} "
            f"rows) from {args.clients} concurrent HTTP clients to {server} "
            f"(127.0.0.1:{port}), {len(teams)} teams, {len(capped)} of them in the capped "
            f"phase (per day {args.cap}) [{load()}]"
        )
        results: list[dict] = []
        lock = threading.Lock()
        work = list(enumerate(jobs))
        work.reverse()

        def client() -> None:
            while True:
                with lock:
                    if not work:
                        return
                    index, team = work.pop()
                phase = bench.phases["capped" if team in capped else "rush"]
                outcome = {"team": team, "index": index}
                started = time.perf_counter()
                try:
                    status, body = post_upload(
                        port, bench.tokens[team], phase.pk, "small", content, f"c{index}"
                    )
                    outcome.update(status=status, body=body)
                except Exception as exc:  # a lost request is a finding, not a crash
                    outcome.update(status=None, body={"error": repr(exc)})
                outcome["seconds"] = time.perf_counter() - started
                with lock:
                    results.append(outcome)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        monitor = None
        if connections["default"].vendor == "postgresql":
            monitor = ConnectionMonitor(
                env["DATABASE_URL"], connections["default"].settings_dict["NAME"]
            )
            ours, everyone = monitor.snapshot()
            print(
                f"PostgreSQL before the uploads: {ours} connections to the bench database, "
                f"{everyone} client connections to the server in all (other jobs included)"
            )
            monitor.start()
        started_wall = time.time()
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        upload_s = time.perf_counter() - start
        if monitor is not None:
            print(f"connections during the uploads: {monitor.stop()}")
    finally:
        stop_process(web)
    print(
        f"upload phase: {upload_s:.2f} s wall, {len(results) / upload_s:.1f} req/s; request "
        f"p50 {percentile([r['seconds'] for r in results], 0.5) * 1000:.0f} ms, p95 "
        f"{percentile([r['seconds'] for r in results], 0.95) * 1000:.0f} ms [{load()}]"
    )

    # Check every answer against what the limits allow.
    accepted_ids: list[int] = []
    accepted = Counter()
    refused = Counter()
    unexpected = []
    for result in results:
        status, body, team = result["status"], result["body"], result["team"]
        if status == 201 and isinstance(body.get("id"), int):
            accepted_ids.append(body["id"])
            accepted[team] += 1
        elif (
            status == 429
            and team in capped
            and body.get("code") == "limit_reached"
            and str(body.get("detail", "")).startswith(
                f"Your team has used its {args.cap} submissions for today (UTC)."
            )
        ):
            refused[team] += 1
        else:
            unexpected.append(result)
    expected_accepted = {
        team: min(planned[team], args.cap) if team in capped else planned[team] for team in teams
    }
    wrong_counts = {
        team: (accepted[team], expected)
        for team, expected in expected_accepted.items()
        if accepted[team] != expected
    }
    statuses = Counter(r["status"] for r in results)
    print(
        f"answers: {dict(sorted(statuses.items(), key=str))}; accepted "
        f"{sum(accepted.values())} (expected {sum(expected_accepted.values())}), refused "
        f"by the daily limit {sum(refused.values())} (expected "
        f"{args.uploads - sum(expected_accepted.values())}), unexpected {len(unexpected)}"
    )
    for result in unexpected[:10]:
        bench.problems.append(
            f"upload {result['index']} ({result['team']}): {result['status']} {result['body']}"
        )
    if any(r["status"] is None or r["status"] >= 500 for r in results):
        bench.problems.append(f"5xx or no answer; runserver log:\n{tail(web_log)}")
    if len(results) != args.uploads:
        bench.problems.append(f"{args.uploads - len(results)} uploads got no outcome")
    if wrong_counts:
        bench.problems.append(f"accepted per team (got, expected): {wrong_counts}")

    concurrency_phases = [bench.phases["rush"], bench.phases["capped"]]
    rows = set(Submission.objects.filter(phase__in=concurrency_phases).values_list("pk", flat=True))
    lost, extra = set(accepted_ids) - rows, rows - set(accepted_ids)
    print(
        f"rows: {len(rows)} Submission rows for {len(accepted_ids)} answers 201 "
        f"(lost {len(lost)}, extra {len(extra)}, duplicate ids "
        f"{len(accepted_ids) - len(set(accepted_ids))})"
    )
    if lost or extra or len(accepted_ids) != len(set(accepted_ids)):
        bench.problems.append(f"rows vs 201s: lost {sorted(lost)}, extra {sorted(extra)}")

    # Drain: until every accepted upload is scored (or failed), or the timeout.
    pending = Submission.objects.filter(
        phase__in=concurrency_phases, status__in=["queued", "running"]
    )
    deadline = time.monotonic() + args.drain_timeout
    left, progress_at = pending.count(), time.monotonic()
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        now_left = pending.count()
        if now_left != left:
            left, progress_at = now_left, time.monotonic()
        elif time.monotonic() - progress_at > args.stall:
            break  # nothing moved: without the sweeper these will not be scored
    drained_wall = time.time()
    stuck = list(pending.values_list("pk", "status", "enqueued_at", "started_at", "attempts"))
    if stuck:
        bench.problems.append(
            f"{len(stuck)} accepted uploads never finished (nothing moved for {args.stall:.0f}"
            f" s; the sweeper, not running here, re-sends queued ones only 15 minutes after "
            f"enqueued_at): "
            + "; ".join(
                f"#{pk} {status} enqueued {enq:%H:%M:%S} started {st} attempts {att}"
                for pk, status, enq, st, att in stuck[:10]
            )
        )
    by_status = Counter(
        Submission.objects.filter(phase__in=concurrency_phases).values_list("status", flat=True)
    )
    finished = Submission.objects.filter(
        phase__in=concurrency_phases, finished_at__isnull=False
    ).order_by("-finished_at")
    last = finished.values_list("finished_at", flat=True).first()
    drain_end = last.timestamp() if last else drained_wall
    upload_end = started_wall + upload_s
    print(
        f"drain: statuses {dict(by_status)}; all finished {drain_end - upload_end:.2f} s "
        f"after the last answer ({drain_end - started_wall:.2f} s after the first request; "
        f"{by_status.get('scored', 0) / max(drain_end - started_wall, 1e-9):.1f} scored/s "
        f"overall) [{load()}]"
    )
    if set(by_status) - {"scored"}:
        bench.problems.append(f"not all accepted uploads scored: {dict(by_status)}")
    connections.close_all()
