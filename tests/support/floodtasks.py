"""A job that only leaves a mark, for flooding the broker (test_embedded_broker.py)."""

import os
from pathlib import Path

from celery import shared_task


@shared_task(name="flood.note", ignore_result=True)
def note(number: int, padding: str = "") -> None:
    (Path(os.environ["FLOOD_MARKS"]) / str(number)).touch()
