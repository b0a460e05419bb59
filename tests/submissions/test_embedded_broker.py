"""The embedded broker (a folder, podium/broker.py) under a flood from several processes.

kombu's own filesystem transport let a worker read a message file another process had not
finished writing: the worker died with a JSON decode error and the message was lost. Here four
processes publish at once while a real worker with two pool processes consumes: every message
must arrive exactly as sent, and the worker must stay up.
"""

import os
import subprocess
import sys

import pytest

from .workers import REPO, Worker, wait_for

pytestmark = [pytest.mark.slow]

PRODUCERS = 4
EACH = 150
# Large messages take long enough to write that a reader which does not wait for the writer
# takes them half written.
PADDING = 512 * 1024

PUBLISH = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")
django.setup()
from podium.celery import app
start, count, padding = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for number in range(start, start + count):
    app.send_task("flood.note", args=[number, "x" * padding])
"""


def whole_log(worker: Worker) -> str:
    return worker.log.read_text(errors="replace")


def embedded_env(tmp_path) -> dict[str, str]:
    """No broker URL and no database URL: the embedded defaults, under a private var/."""
    return {
        "PODIUM_VAR_DIR": str(tmp_path / "var"),
        "CELERY_BROKER_URL": "",
        "DATABASE_URL": "",
        "FLOOD_MARKS": str(tmp_path / "marks"),
    }


def test_a_flood_from_several_processes_neither_crashes_the_worker_nor_loses_a_message(tmp_path):
    env = embedded_env(tmp_path)
    (tmp_path / "marks").mkdir()
    worker = Worker(
        "",
        media_root=tmp_path / "media",
        gold_root=tmp_path / "gold",
        include="floodtasks",
        concurrency=2,
        **env,
    )
    (tmp_path / "media").mkdir()
    worker.start()
    try:
        # The whole log: the sweeps a starting worker asks for fail on this empty database, and
        # their tracebacks soon push the "ready" line out of the tail.
        wait_for(lambda: " ready." in whole_log(worker), what="the worker", worker=worker)
        producers = [
            subprocess.Popen(
                [sys.executable, "-c", PUBLISH, str(i * EACH), str(EACH), str(PADDING)],
                cwd=REPO,
                env={**worker.env},
            )
            for i in range(PRODUCERS)
        ]
        for producer in producers:
            assert producer.wait(timeout=300) == 0
        expected = {str(n) for n in range(PRODUCERS * EACH)}
        wait_for(
            lambda: (
                expected <= set(os.listdir(tmp_path / "marks")) or worker.process.poll() is not None
            ),
            timeout=300,
            what="every message to be handled",
            worker=worker,
        )
        assert worker.process.poll() is None, worker.output()
        assert set(os.listdir(tmp_path / "marks")) == expected
        assert "JSONDecodeError" not in whole_log(worker)
        damaged = tmp_path / "var" / "broker" / "damaged"
        assert not damaged.exists() or not os.listdir(damaged)
    finally:
        worker.stop()


def folder_connection(tmp_path):
    from kombu import Connection

    queue_dir, control = tmp_path / "queue", tmp_path / "control"
    queue_dir.mkdir()
    control.mkdir()
    return Connection(
        "filesystem://localhost//",
        transport="podium.broker:Transport",
        transport_options={
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "control_folder": str(control),
            "polling_interval": 0.05,
        },
    )


def test_a_message_given_back_comes_again_marked_as_redelivered(tmp_path):
    """What Celery does when a pool process dies holding a job (reject_on_worker_lost)."""
    from kombu import Exchange, Queue

    # A queue of its own: kombu keeps the bindings of its virtual transports per process, and
    # other tests of the suite bind "scoring" to their own folders.
    queue = Queue("redelivery", Exchange("redelivery"), "redelivery")
    received = []
    with folder_connection(tmp_path) as conn:
        conn.Producer().publish(
            {"n": 1}, exchange=queue.exchange, routing_key="redelivery", declare=[queue]
        )
        with conn.Consumer(queue, callbacks=[lambda body, m: received.append(m)], accept=["json"]):
            conn.drain_events(timeout=5)
            assert not received[0].delivery_info.get("redelivered")
            received[0].reject(requeue=True)
            conn.drain_events(timeout=5)
            assert received[1].delivery_info.get("redelivered") is True
            assert received[1].payload == {"n": 1}
            received[1].ack()


def test_an_unreadable_message_file_is_set_aside_and_the_next_one_delivered(tmp_path):
    from kombu import Exchange, Queue

    # Its own queue: kombu keeps the bindings of its virtual transports per process.
    queue = Queue("other", Exchange("other"), "other")
    received = []
    with folder_connection(tmp_path) as conn:
        conn.Producer().publish(
            {"n": 2}, exchange=queue.exchange, routing_key="other", declare=[queue]
        )
        # Sorted first: an empty file, as a crashed writer of another transport would leave.
        (tmp_path / "queue" / f"{0:015d}_broken.other.msg").write_bytes(b"")
        with conn.Consumer(queue, callbacks=[lambda body, m: received.append(m)], accept=["json"]):
            conn.drain_events(timeout=5)
            received[0].ack()
    assert received[0].payload == {"n": 2}
    assert os.listdir(tmp_path / "damaged") == [f"{0:015d}_broken.other.msg"]
