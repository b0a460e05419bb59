"""Create or update a shared task from a task file (docs/task-file.md).

    python manage.py import_task fixtures/demo/mgt/task.yaml [--dry-run]

Errors are printed one per line with the key path, e.g. `phases[1].end: must be after start`,
and nothing is changed. Importing the same file again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from podium.sharedtasks.taskfile.importer import TaskFileError, task_import


class Command(BaseCommand):
    help = "Create or update a shared task from a YAML task file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report; change nothing"
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):
        try:
            report = task_import(path=path, dry_run=dry_run)
        except TaskFileError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"{path}: {len(exc.errors)} error(s); nothing was changed") from exc
        prefix = "would change" if dry_run else "changed"
        for change in report.changes:
            self.stdout.write(f"{prefix}: {change}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        if not report.changes:
            self.stdout.write(f"{report.task_slug}: up to date, nothing to change")
        elif not dry_run:
            self.stdout.write(self.style.SUCCESS(f"{report.task_slug}: imported"))
