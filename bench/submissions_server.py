"""Processes of bench_submissions.py: the Celery worker, the web server, and HTTP uploads to it.

Also ConnectionMonitor, which samples PostgreSQL's connections while the concurrent uploads run.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from submissions_util import REPO, SCRIPT, stop_process, tail


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
        argv = [sys.executable, str(SCRIPT), "--serve", str(port)]
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
