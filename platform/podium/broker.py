"""The embedded broker: kombu's filesystem transport, made safe for several processes.

Without CELERY_BROKER_URL, the web process, the worker and beat share a folder as their broker
(no server to install). kombu's own filesystem transport has two races between processes, each of
which crashed the worker with a JSON decode error and lost the message:

- a writer creates the message file and only then writes it, so a reader polling the folder can
  take a file that is still empty or half written;
- a reader "takes" a file by moving it to the system's temporary folder, which on another file
  system is a copy and a delete that two readers can interleave.

Here a message is written under a name no reader looks at and renamed into place when complete
(a rename is atomic on one file system), and a reader takes a message by renaming it into a
`claimed` folder next to the queue: exactly one reader wins, and what it reads is complete. A file
that cannot be decoded anyway (a disk that filled up) is set aside in `damaged`, logged, and
skipped: it never stops the worker.

Messages given back (a worker process died holding one: Celery requeues it) are marked as
redelivered, as kombu's Redis transport marks them, so the scoring job can take the dead run over
at once.

Remote control (broadcasts through the control folder) is switched off in settings for this
broker: nothing in Podium uses it, and its fanout files had the same race upstream.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    def _message_name(self, queue: str) -> str:
        # The same shape as kombu's, so that its _size and _purge still count these files.
        # Zero-padded, so that sorting the names keeps the order of sending.
        return f"{round(monotonic() * 1000):015d}_{uuid.uuid4()}.{queue}.msg"

    def _put(self, queue, payload, **kwargs):
        """Write the message under a hidden name, then rename it into the queue."""
        name = self._message_name(queue)
        folder = Path(self.data_folder_out)
        partial = folder / f".{name}{PARTIAL_SUFFIX}"
        with open(partial, "wb") as handle:
            handle.write(str_to_bytes(dumps(payload)))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, folder / name)

    def _side_folder(self, name: str) -> Path:
        folder = Path(self.data_folder_in).parent / name
        folder.mkdir(exist_ok=True)
        return folder

    def _get(self, queue):
        """Take the oldest complete message of `queue` by renaming it; skip what cannot be read."""
        wanted = f"{queue}.msg"
        inbox = Path(self.data_folder_in)
        claimed = self._side_folder("claimed")
        for name in sorted(os.listdir(inbox)):
            if name.partition(".")[2] != wanted:
                continue
            mine = claimed / name
            try:
                os.rename(inbox / name, mine)
            except FileNotFoundError:
                continue  # another reader took it first
            try:
                raw = mine.read_bytes()
                payload = loads(bytes_to_str(raw))
            except (OSError, ValueError):
                logger.error("broker message %s cannot be read; set aside in damaged/", name)
                os.replace(mine, self._side_folder("damaged") / name)
                continue
            mine.unlink()
            return payload
        raise Empty()

    def _restore(self, message):
        """Give a message back to its queue, marked as redelivered."""
        delivery_info = message.delivery_info
        payload = message.serializable()
        payload.setdefault("headers", {})["redelivered"] = True
        payload["properties"].setdefault("delivery_info", {})["redelivered"] = True
        for queue in self._lookup(delivery_info["exchange"], delivery_info["routing_key"]):
            self._put(queue, payload)


class Transport(filesystem.Transport):
    Channel = Channel


def queue_empty(queue: str) -> bool | None:
    """Whether the broker's `queue` holds no message; None when the broker cannot say (it is
    down, or its transport cannot count). Works for this transport and for Redis."""
    from podium.celery import app

    try:
        with app.connection_for_write() as conn:
            # Not passive: Redis keeps no key for an empty queue, and a passive declaration
            # would take that for an error. Declaring creates nothing on these transports.
            declared = conn.default_channel.queue_declare(queue=queue)
        return declared.message_count == 0
    except Exception:
        logger.info("the broker could not report the length of %s", queue, exc_info=True)
        return None
