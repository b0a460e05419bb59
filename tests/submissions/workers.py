"""Real Celery workers and a real Redis for delivery tests (used with PostgreSQL, `services`)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
SUPPORT = REPO / "tests" / "support"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server on its own port, so a test can stop and restart "the broker"."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Worker:
    """`celery -A podium worker` in its own process group, on the test database and files."""

    def __init__(
        self,
        broker_url: str,
        *,
        media_root: Path,
        gold_root: Path,
        queues: str = "scoring",
        include: str = "",
        concurrency: int = 1,
        **env: str,
    ):
        self.queues = queues
        # Extra job modules (from tests/support) and pool size.
        self.extra = ["-I", include] if include else []
        self.concurrency = concurrency
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "PODIUM_MEDIA_ROOT": str(media_root),
            "PODIUM_GOLD_ROOT": str(gold_root),
            # The stand-in scorers, then the caller's path: the worker must import the same
            # podium as the test (a worktree on PYTHONPATH, not only the installed checkout).
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(SUPPORT), os.environ.get("PYTHONPATH")])
            ),
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.log = media_root.parent / f"worker-{time.monotonic_ns()}.log"

    def start(self) -> "Worker":
        celery = Path(sys.executable).with_name("celery")
        self.process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "podium",
                "worker",
                "-Q",
                self.queues,
                "--concurrency",
                str(self.concurrency),
                *self.extra,
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
                "-n",
                f"test{time.monotonic_ns()}@%h",
            ],
            cwd=REPO,
            env=self.env,
            stdout=open(self.log, "wb"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker: the main process and its pool children at once."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


def wait_for(
    condition, *, timeout: float = 60, what: str = "condition", worker: Worker | None = None
):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    detail = f"\nworker log:\n{worker.output()}" if worker else ""
    raise AssertionError(f"timed out waiting for {what}{detail}")


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker (new connections only)."""
    from kombu import pools

    from podium.celery import app

    # broker_url itself keeps following Django's CELERY_BROKER_URL; the write URL wins.
    app.conf.update(broker_write_url=url)
    pools.reset()  # kombu keeps producer pools per connection, process-wide
    app._pool = None
    app.amqp._producer_pool = None


def storage_roots() -> tuple[Path, Path]:
    return Path(settings.MEDIA_ROOT), Path(settings.GOLD_ROOT)
