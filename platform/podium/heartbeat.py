"""A thread that beats a row's `heartbeat_at` while a long job runs in the same process.

Sweepers take a row whose beat stopped for the sign that its worker died (scoring runs, baseline
runs). The rows to beat are given as a queryset that names the attempt, so a run that was taken
over stops beating for the row. A beat that cannot be written (the row is locked by an open
transaction, the database is away) is skipped: missing a few only makes a sweeper act sooner, and
the attempt fences make that safe.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, rows: QuerySet, *, every: timedelta):
        self.rows = rows
        self.every = every.total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="heartbeat")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    with transaction.atomic():
                        if not self.rows.select_for_update(nowait=True).exists():
                            return  # taken over or finished: nothing of ours to beat
                        self.rows.update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.info("heartbeat skipped for %s", self.rows.model.__name__)
        finally:
            connection.close()
