"""Create or update a Podium task from a Codabench or CodaLab competition bundle.

    python manage.py import_bundle competition.zip [--dry-run] [--owner USERNAME] [--publish]

PATH is a bundle zip or an unpacked folder holding competition.yaml (Codabench `version: 2`,
or CodaLab v1.5 / v1.8). Errors name their key (`phases[1].end: ...`) and change nothing; the
report lists what was imported, warnings, and what Podium does not import. Without
--publish a new task is a draft. Importing the same bundle again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from podium.programs.bundles.draft import BundleError
from podium.programs.bundles.importer import BundleReport, bundle_import


def report_lines(report: BundleReport) -> list[str]:
    prefix = "would change" if report.dry_run else "changed"
    lines = [f"{prefix}: {change}" for change in report.changes]
    lines += [f"warning: {warning}" for warning in report.warnings]
    lines += [f"not imported: {item}" for item in report.not_imported]
    if not report.changes:
        lines.append(f"{report.task_slug}: up to date, nothing to change")
    return lines


class Command(BaseCommand):
    help = "Import a Codabench or CodaLab competition bundle as a task."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check, report, change nothing")
        parser.add_argument("--owner", help="username to add as the task's organiser")
        parser.add_argument("--publish", action="store_true", help="make the task visible now")

    def handle(self, *args, path: Path, dry_run: bool, owner, publish: bool, **options):
        try:
            report = bundle_import(path=path, dry_run=dry_run, owner=owner, publish=publish)
        except BundleError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"{path}: {len(exc.errors)} error(s); nothing was changed") from exc
        for line in report_lines(report):
            self.stdout.write(line)
        if report.changes and not dry_run:
            self.stdout.write(self.style.SUCCESS(f"{report.task_slug}: imported"))
