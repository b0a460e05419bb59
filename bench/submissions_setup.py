"""Set-up of bench_submissions.py: the generated task file and data, and the database and broker.

Services chooses PostgreSQL and Redis (from DATABASE_URL and CELERY_BROKER_URL) or the embedded
defaults before Django starts, and creates and removes the bench's own database and Redis db.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from submissions_util import redact, with_path

LANGUAGES = ["en", "de", "ar", "es"]
LABELS = ["human", "machine"]


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
