"""Benchmark of the submission pipeline with a real worker; prints figures, asserts nothing on time.

    .venv/bin/python bench/bench_submissions.py [--quick] [--runs 20] [--uploads 200] [--clients 50]

With DATABASE_URL and CELERY_BROKER_URL set it runs on PostgreSQL and Redis (the production-like
path): a fresh database `podium_bench_<pid>` is created next to the configured one and dropped at
the end, and the broker is the configured Redis server with its database number replaced by
--redis-db (default 14), which is flushed before and after (that database only). Without them it
runs on the embedded defaults: a SQLite file and kombu's filesystem broker in a temporary
PODIUM_VAR_DIR, so var/ is never touched. Uploaded and gold files always live in the temporary
folder.

Set-up: a generated task file (imported with `task_import`) with two labelled jsonl subtasks
(labels human/machine, group field `language`): `big` whose dev gold has 1,000,000 rows and
`small` with 10,000 rows; a `dev` phase with no count limits, a `rush` phase with none either
and a `capped` phase with a per-day limit. Then a real `celery -A podium worker -Q scoring
--concurrency 2` starts with the same environment and is warmed with one submission per subtask.

1. Latency: --runs uploads each of the 10k-row and the 1M-row prediction file, one after the
   other, through `POST /api/v1/submissions/` (django.test.Client in this process, token auth);
   the bench polls the row until it is scored. Figures (p50/p95): upload request, queue wait
   (created -> started), job (started -> finished), the sandboxed scorer run (parsed from the
   log the job writes: `exit code ..., sandboxed: ..., X.XX s`), upload-to-scored total, and the
   sandbox's share of the total.
2. Concurrency: --uploads uploads of the small file from --clients threads over real HTTP to a
   threaded `manage.py runserver --noreload` on a free port (its command, with a server class
   that listens with a backlog of 128 and closes connections per request: see start_web()),
   spread round-robin over --teams teams, shuffled so that one team's uploads race each other;
   --capped-teams of them submit in the `capped` phase (per-day limit --cap), so some uploads
   must be refused. Checks: each answer is a 201 with an id or the expected 429 refusal (no 5xx,
   no connection errors), per-team accepted counts are right, the Submission rows are exactly
   the 201s, and every accepted one ends scored (the sweeper does not run, so a lost broker
   message, or a job that failed before its claim, shows as a stuck upload). On PostgreSQL the
   peak number of connections during the uploads is printed too.

Load averages are printed next to each section: another job on the machine skews the figures.

The pieces live next to this script: submissions_setup.py (task file, data, database and broker),
submissions_server.py (worker, web server, HTTP uploads), submissions_workload.py (set-up and
section 1), submissions_concurrency.py (section 2), submissions_util.py (small helpers).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from submissions_concurrency import run_concurrency
from submissions_server import serve, start_worker
from submissions_setup import Services
from submissions_util import load, stop_process, tail
from submissions_workload import Bench


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke check: small and short")
    parser.add_argument("--runs", type=int, help="latency runs per size (20; quick 5)")
    parser.add_argument("--small-rows", type=int, help="rows of the small file (10,000)")
    parser.add_argument("--big-rows", type=int, help="rows of the big file (1,000,000; quick 100k)")
    parser.add_argument("--uploads", type=int, help="concurrent-phase uploads (200; quick 60)")
    parser.add_argument("--clients", type=int, help="concurrent clients (50; quick 20)")
    parser.add_argument("--teams", type=int, help="teams for the concurrent phase (50; quick 20)")
    parser.add_argument("--capped-teams", type=int, help="teams in the capped phase (10; quick 4)")
    parser.add_argument("--cap", type=int, default=2, help="per-day limit of the capped phase")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database (flushed)")
    parser.add_argument("--timeout", type=float, default=600, help="per-submission wait (s)")
    parser.add_argument("--drain-timeout", type=float, default=900, help="drain wait (s)")
    parser.add_argument("--stall", type=float, default=60, help="drain: give up after s idle")
    parser.add_argument(
        "--plain-runserver", action="store_true", help="runserver's own server class (resets, 500s)"
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # start_web()'s child
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    defaults = {
        "runs": (20, 5),
        "small_rows": (10_000, 10_000),
        "big_rows": (1_000_000, 100_000),
        "uploads": (200, 60),
        "clients": (50, 20),
        "teams": (50, 20),
        "capped_teams": (10, 4),
    }
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)

    tmp_dir = tempfile.TemporaryDirectory(prefix="podium-bench-submissions-")
    tmp = Path(tmp_dir.name)
    services = Services(tmp, args.redis_db)
    env_overrides = services.environ()
    os.environ.update(env_overrides)
    env = dict(os.environ)
    worker = None
    try:
        services.create()
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        print(f"services: {services.describe()}")
        print(f"machine: {load()}, python {sys.version.split()[0]}, {connection.vendor}")
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - start:.1f} s")
        bench = Bench(args, tmp)
        bench.build()
        connections.close_all()  # the worker and runserver open their own
        start = time.perf_counter()
        worker = start_worker(env, tmp / "worker.log", args.concurrency)
        print(
            f"worker: concurrency {args.concurrency}, ready in {time.perf_counter() - start:.1f} s"
        )
        bench.warm()
        bench.latency()
        run_concurrency(bench, env)
        if bench.problems:
            print("\nPROBLEMS:")
            for problem in bench.problems:
                print(f"- {problem}")
            print(f"worker log (tail):\n{tail(tmp / 'worker.log')}")
            return 1
        print("\nchecks: all uploads answered as expected, none lost, every accepted one scored")
        return 0
    finally:
        stop_process(worker)
        if "django" in sys.modules and getattr(sys.modules["django"], "apps", None):
            from django.db import connections

            connections.close_all()
        services.destroy()
        tmp_dir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
