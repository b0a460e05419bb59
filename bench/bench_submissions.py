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
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = ["en", "de", "ar", "es"]
LABELS = ["human", "machine"]
POLL_S = 0.02
LOG_RE = re.compile(r"sandboxed: (\w+), ([0-9.]+) s")


# --- small helpers ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def stop_process(process: subprocess.Popen | None, grace: float = 20) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- data ----------------------------------------------------------------------------------------


def write_split(folder: Path, prefix: str, rows: int, rng: random.Random) -> list[str]:
    """Inputs and dev gold for `rows` items; returns the gold labels (to derive predictions)."""
    folder.mkdir(parents=True, exist_ok=True)
    labels = [LABELS[rng.getrandbits(1)] for _ in range(rows)]
    with (
        open(folder / "dev.jsonl", "w", encoding="utf-8") as inputs,
        open(folder / "dev.gold.jsonl", "w", encoding="utf-8") as gold,
    ):
        for n in range(rows):
            language = LANGUAGES[n % len(LANGUAGES)]
            inputs.write(f'{{"id": "{prefix}{n:07d}", "text": "t", "language": "{language}"}}\n')
            gold.write(
                f'{{"id": "{prefix}{n:07d}", "label": "{labels[n]}", "language": "{language}"}}\n'
            )
    return labels


def write_predictions(path: Path, prefix: str, labels: list[str], rng: random.Random) -> Path:
    """About 80% right, so that every metric and group has something to count."""
    flip = {"human": "machine", "machine": "human"}
    with open(path, "w", encoding="utf-8") as out:
        for n, label in enumerate(labels):
            guess = label if rng.random() < 0.8 else flip[label]
            out.write(f'{{"id": "{prefix}{n:07d}", "label": "{guess}"}}\n')
    return path


def task_yaml(small_rows: int, big_rows: int, cap: int) -> str:
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = (now - timedelta(days=1)).isoformat(), (now + timedelta(days=30)).isoformat()
    subtask = """
  - slug: {slug}
    title: "{slug}: {rows} rows"
    format: {{type: jsonl, id_field: id, value_field: label, value_type: label,
              labels: [human, machine]}}
    scorer:
      metrics: [accuracy, macro_f1]
      primary: accuracy
      direction: higher
      group_fields: [language]
    data:
      dev: {{inputs: data/{slug}/dev.jsonl, gold: data/{slug}/dev.gold.jsonl}}"""
    phase = """
  - slug: {slug}
    name: {slug}
    split: dev
    start: {start}
    end: {end}
    limits: {limits}"""
    return (
        "slug: bench\ntitle: Bench\nvisibility: published\nregistration: approval\nsubtasks:"
        + subtask.format(slug="small", rows=small_rows)
        + subtask.format(slug="big", rows=big_rows)
        + "\nphases:"
        + phase.format(slug="dev", start=start, end=end, limits="{max_file_mb: 500}")
        + phase.format(slug="rush", start=start, end=end, limits="{max_file_mb: 50}")
        + phase.format(
            slug="capped", start=start, end=end, limits=f"{{per_day: {cap}, max_file_mb: 50}}"
        )
        + "\n"
    )


# --- services: database and broker --------------------------------------------------------------


class Services:
    """Chooses the database and broker before Django starts; creates and removes them."""

    def __init__(self, tmp: Path, redis_db: int):
        self.tmp = tmp
        self.base_db_url = os.environ.get("DATABASE_URL", "")
        self.base_broker_url = os.environ.get("CELERY_BROKER_URL", "")
        self.db_name = f"podium_bench_{os.getpid()}"
        self.db_url = with_path(self.base_db_url, f"/{self.db_name}") if self.base_db_url else ""
        self.broker_url = ""
        if self.base_broker_url:
            if not self.base_broker_url.startswith("redis"):
                raise SystemExit("CELERY_BROKER_URL: only redis:// brokers are supported here")
            self.broker_url = with_path(self.base_broker_url, f"/{redis_db}")
        self.created_db = False

    def describe(self) -> str:
        db = (
            f"PostgreSQL database {self.db_name} (created from {redact(self.base_db_url)})"
            if self.db_url
            else f"SQLite {self.tmp / 'podium.sqlite3'}"
        )
        broker = (
            f"Redis {redact(self.broker_url)} (flushed before and after)"
            if self.broker_url
            else f"filesystem broker {self.tmp / 'broker'}"
        )
        return f"{db}; {broker}"

    def environ(self) -> dict[str, str]:
        env = {
            "PODIUM_VAR_DIR": str(self.tmp),
            "PODIUM_MEDIA_ROOT": str(self.tmp / "media"),
            "PODIUM_GOLD_ROOT": str(self.tmp / "gold"),
            "DJANGO_SETTINGS_MODULE": "podium.settings",
            "DEBUG": "0",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
        if self.db_url:
            env["DATABASE_URL"] = self.db_url
        else:
            os.environ.pop("DATABASE_URL", None)
        if self.broker_url:
            env["CELERY_BROKER_URL"] = self.broker_url
        else:
            os.environ.pop("CELERY_BROKER_URL", None)
        return env

    def create(self) -> None:
        if self.db_url:
            import psycopg

            with psycopg.connect(self.base_db_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            self.created_db = True
        self.flush_redis()

    def flush_redis(self) -> None:
        if self.broker_url:
            import redis

            client = redis.Redis.from_url(self.broker_url)
            client.flushdb()
            client.close()

    def destroy(self) -> None:
        self.flush_redis()
        if self.created_db:
            import psycopg

            with psycopg.connect(self.base_db_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


# --- processes: worker and web server -----------------------------------------------------------


def start_worker(env: dict[str, str], log: Path, concurrency: int) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [
            str(celery), "-A", "podium", "worker", "-Q", "scoring",
            "--concurrency", str(concurrency), "--without-mingle", "--without-gossip",
            "--loglevel", "INFO", "-n", f"bench{os.getpid()}@%h",
        ],
        cwd=REPO,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited:\n{tail(log)}")
        if " ready." in log.read_text(errors="replace"):
            return process
        time.sleep(0.1)
    stop_process(process)
    raise RuntimeError(f"the worker did not get ready:\n{tail(log)}")


def start_web(env: dict[str, str], log: Path, port: int, plain: bool) -> subprocess.Popen:
    """`manage.py runserver --noreload` (threaded), or the same command with two changes.

    Plain runserver fails 50 clients that connect at once, in two ways (--plain-runserver):
    - it listens with a backlog of 10 (WSGIServer.request_queue_size): the kernel's accept queue
      overflows and, with SYN cookies on, the overflowing connections are reset;
    - each request runs in a new thread and, with CONN_MAX_AGE 60 (settings.py, DATABASE_URL),
      its database connection is not closed when the thread ends but when the garbage collector
      gets to it, so PostgreSQL runs out of connections ("too many clients already": 500s).
    `--serve` (the default here) runs the same runserver command with a server class that
    listens with a backlog of 128 and closes the thread's connections after each request, as
    Django's ThreadedWSGIServer does; production (gunicorn) bounds connections by its threads.
    """
    if plain:
        argv = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    else:
        argv = [sys.executable, str(Path(__file__).resolve()), "--serve", str(port)]
    process = subprocess.Popen(
        argv,
        cwd=REPO,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"runserver exited:\n{tail(log)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/tasks/", headers={"Host": "localhost"})
            if conn.getresponse().status == 200:
                conn.close()
                return process
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"runserver did not answer:\n{tail(log)}")


def serve(port: int) -> None:
    """The child process of start_web(): runserver, threaded, no reloader, backlog 128."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.commands.runserver import Command as RunServer
    from django.core.servers.basehttp import WSGIServer
    from django.db import connections

    class DeepQueueServer(WSGIServer):
        request_queue_size = 128

        def close_request(self, request):
            # What Django's own ThreadedWSGIServer (live server tests) does and runserver does
            # not: each request runs in a new thread, so with CONN_MAX_AGE > 0 its connection
            # would outlive the thread until the garbage collector finds it.
            connections.close_all()
            super().close_request(request)

    class DeepQueueRunServer(RunServer):
        server_cls = DeepQueueServer

    call_command(DeepQueueRunServer(), f"127.0.0.1:{port}", use_reloader=False)


def tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"


class ConnectionMonitor:
    """PostgreSQL only: samples pg_stat_activity (client backends) while the uploads run."""

    def __init__(self, url: str, db_name: str):
        self.url, self.db_name = url, db_name
        self.samples: list[tuple[int, int]] = []
        self.max_connections = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def snapshot(self) -> tuple[int, int]:
        """(connections to the bench database, client connections to the whole server)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return self._count(conn)

    def _count(self, conn) -> tuple[int, int]:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE datname = %s), count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend'",
            (self.db_name,),
        ).fetchone()
        return int(row[0]), int(row[1])

    def start(self) -> None:
        import psycopg

        conn = psycopg.connect(self.url, autocommit=True)
        self.max_connections = int(conn.execute("SHOW max_connections").fetchone()[0])

        def sample() -> None:
            with conn:
                while not self._stop.is_set():
                    self.samples.append(self._count(conn))
                    self._stop.wait(0.05)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop(self) -> str:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        if not self.samples:
            return "no samples"
        return (
            f"peak {max(s[0] for s in self.samples)} connections to the bench database, peak "
            f"{max(s[1] for s in self.samples)} client connections to the server "
            f"(max_connections {self.max_connections}; {len(self.samples)} samples, this "
            f"monitor's own connection included)"
        )


# --- the bench -----------------------------------------------------------------------------------


class Bench:
    def __init__(self, args, tmp: Path):
        self.args = args
        self.tmp = tmp
        self.problems: list[str] = []

    # set-up

    def build(self) -> None:
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        from podium.sharedtasks.models import SharedTask
        from podium.sharedtasks.taskfile.importer import task_import
        from podium.teams.models import Registration
        from podium.teams.services import team_create

        args = self.args
        rng = random.Random(11)
        base = self.tmp / "taskfile"
        start = time.perf_counter()
        small = write_split(base / "data/small", "s", args.small_rows, rng)
        big = write_split(base / "data/big", "b", args.big_rows, rng)
        self.pred_small = write_predictions(self.tmp / "pred-small.jsonl", "s", small, rng)
        self.pred_big = write_predictions(self.tmp / "pred-big.jsonl", "b", big, rng)
        (base / "task.yaml").write_text(task_yaml(args.small_rows, args.big_rows, args.cap))
        generated = time.perf_counter() - start
        start = time.perf_counter()
        task_import(path=base / "task.yaml")
        imported = time.perf_counter() - start

        self.task = SharedTask.objects.get(slug="bench")
        self.subtasks = {s.slug: s for s in self.task.subtasks.all()}
        self.phases = {p.slug: p for p in self.task.phases.all()}
        users = get_user_model().objects
        self.tokens: dict[str, str] = {}
        self.team_ids: dict[str, int] = {}
        for n in range(args.teams + 1):
            name = "latency" if n == args.teams else f"team-{n:03d}"
            user = users.create_user(f"user-{name}")
            team = team_create(name=name, captain=user)
            Registration.objects.create(team=team, task=self.task, status="approved")
            self.tokens[name] = Token.objects.create(user=user).key
            self.team_ids[name] = team.pk
        print(
            f"set-up: files for {args.small_rows:,} + {args.big_rows:,} gold rows generated in "
            f"{generated:.1f} s ({self.pred_small.stat().st_size / 1e6:.1f} MB and "
            f"{self.pred_big.stat().st_size / 1e6:.1f} MB prediction files), task imported in "
            f"{imported:.1f} s, {args.teams + 1} teams registered"
        )

    # one upload through the API, in process

    def upload(self, client, subtask: str, path: Path, label: str) -> tuple[int, float, float]:
        """POST the file; returns (submission id, wall start (epoch s), request seconds)."""
        phase = self.phases["dev"]
        with open(path, "rb") as handle:
            started_wall = time.time()
            started = time.perf_counter()
            response = client.post(
                "/api/v1/submissions/",
                {"phase": phase.pk, "subtask": subtask, "file": handle, "method_name": label},
                HTTP_AUTHORIZATION=f"Token {self.tokens['latency']}",
            )
            took = time.perf_counter() - started
        if response.status_code != 201:
            raise RuntimeError(f"upload refused: {response.status_code} {response.content[:500]}")
        return response.json()["id"], started_wall, took

    def wait_scored(self, pk: int, timeout: float):
        from podium.submissions.models import Submission

        done = {Submission.Status.SCORED, Submission.Status.FAILED}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = Submission.objects.filter(pk=pk).values_list("status", flat=True).first()
            if status in done:
                return time.time(), Submission.objects.get(pk=pk)
            time.sleep(POLL_S)
        raise RuntimeError(f"submission {pk} not finished after {timeout:.0f} s")

    def warm(self) -> None:
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        for slug, path in (("small", self.pred_small), ("big", self.pred_big)):
            start = time.perf_counter()
            pk, _, _ = self.upload(client, slug, path, "warm-up")
            _, sub = self.wait_scored(pk, self.args.timeout)
            if sub.status != "scored":
                raise RuntimeError(f"warm-up {slug}: {sub.status}: {sub.error}\n{sub.log[:2000]}")
            print(f"warm-up {slug}: scored in {time.perf_counter() - start:.2f} s")

    # 1. latency

    def latency(self) -> None:
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        runs = self.args.runs
        print(
            f"\n1. upload-to-scored latency, {runs} sequential uploads per size, warm worker "
            f"(polling every {POLL_S * 1000:.0f} ms) [{load()}]"
        )
        header = f"{'size':>10} {'figure':<24} {'p50':>9} {'p95':>9} {'min':>9} {'max':>9}"
        print(header)
        for slug, path, rows in (
            ("small", self.pred_small, self.args.small_rows),
            ("big", self.pred_big, self.args.big_rows),
        ):
            figures: dict[str, list[float]] = {
                name: []
                for name in (
                    "upload request s",
                    "queue wait s",
                    "job s",
                    "sandbox run s",
                    "job minus sandbox s",
                    "total s",
                    "sandbox share %",
                )
            }
            sandboxed = Counter()
            for run in range(runs):
                pk, started_wall, request_s = self.upload(client, slug, path, f"lat-{slug}-{run}")
                seen_wall, sub = self.wait_scored(pk, self.args.timeout)
                if sub.status != "scored":
                    self.problems.append(f"latency {slug} run {run}: {sub.status}: {sub.error}")
                    continue
                match = LOG_RE.search(sub.log)
                if not match:
                    self.problems.append(f"latency {slug} run {run}: no duration in the log")
                    continue
                sandboxed[match.group(1)] += 1
                sandbox_s = float(match.group(2))
                total = seen_wall - started_wall
                job = (sub.finished_at - sub.started_at).total_seconds()
                figures["upload request s"].append(request_s)
                figures["queue wait s"].append((sub.started_at - sub.created_at).total_seconds())
                figures["job s"].append(job)
                figures["sandbox run s"].append(sandbox_s)
                figures["job minus sandbox s"].append(job - sandbox_s)
                figures["total s"].append(total)
                figures["sandbox share %"].append(100 * sandbox_s / total)
            for name, values in figures.items():
                if not values:
                    continue
                print(
                    f"{rows:>10,} {name:<24} {percentile(values, 0.5):>9.3f} "
                    f"{percentile(values, 0.95):>9.3f} {min(values):>9.3f} {max(values):>9.3f}"
                )
            print(f"{'':>10} sandboxed runs: {dict(sandboxed)}  [{load()}]")

    # 2. concurrency

    def concurrency(self, env: dict[str, str]) -> None:
        from django.db import connections

        from podium.submissions.models import Submission

        args = self.args
        port = free_port()
        web_log = self.tmp / "runserver.log"
        web = start_web(env, web_log, port, args.plain_runserver)
        try:
            teams = [f"team-{n:03d}" for n in range(args.teams)]
            capped = set(teams[: args.capped_teams])
            jobs = [teams[n % len(teams)] for n in range(args.uploads)]
            random.Random(5).shuffle(jobs)
            planned = Counter(jobs)
            content = self.pred_small.read_bytes()
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
                    phase = self.phases["capped" if team in capped else "rush"]
                    outcome = {"team": team, "index": index}
                    started = time.perf_counter()
                    try:
                        status, body = post_upload(
                            port, self.tokens[team], phase.pk, "small", content, f"c{index}"
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
            team: min(planned[team], args.cap) if team in capped else planned[team]
            for team in teams
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
            self.problems.append(
                f"upload {result['index']} ({result['team']}): {result['status']} {result['body']}"
            )
        if any(r["status"] is None or r["status"] >= 500 for r in results):
            self.problems.append(f"5xx or no answer; runserver log:\n{tail(web_log)}")
        if len(results) != args.uploads:
            self.problems.append(f"{args.uploads - len(results)} uploads got no outcome")
        if wrong_counts:
            self.problems.append(f"accepted per team (got, expected): {wrong_counts}")

        concurrency_phases = [self.phases["rush"], self.phases["capped"]]
        rows = set(
            Submission.objects.filter(phase__in=concurrency_phases).values_list("pk", flat=True)
        )
        lost, extra = set(accepted_ids) - rows, rows - set(accepted_ids)
        print(
            f"rows: {len(rows)} Submission rows for {len(accepted_ids)} answers 201 "
            f"(lost {len(lost)}, extra {len(extra)}, duplicate ids "
            f"{len(accepted_ids) - len(set(accepted_ids))})"
        )
        if lost or extra or len(accepted_ids) != len(set(accepted_ids)):
            self.problems.append(f"rows vs 201s: lost {sorted(lost)}, extra {sorted(extra)}")

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
            self.problems.append(
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
            self.problems.append(f"not all accepted uploads scored: {dict(by_status)}")
        connections.close_all()


def post_upload(
    port: int, token: str, phase: int, subtask: str, content: bytes, name: str
) -> tuple[int, dict]:
    """A multipart POST /api/v1/submissions/ over a fresh HTTP connection."""
    boundary = uuid.uuid4().hex
    parts = []
    for field, value in (("phase", str(phase)), ("subtask", subtask), ("method_name", name)):
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}.jsonl"'
        f"\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
    )
    body = b"".join(parts) + content + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "POST",
            "/api/v1/submissions/",
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Authorization": f"Token {token}",
                "Host": "localhost",
            },
        )
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        data = json.loads(raw)
    except ValueError:
        data = {"raw": raw[:300].decode(errors="replace")}
    return response.status, data if isinstance(data, dict) else {"raw": data}


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
        bench.concurrency(env)
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
