"""Write a shared task as a task file with its data files, ready for import_task.

python manage.py export_task demo-mgt /tmp/demo-mgt
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.taskfile.exporter import task_export


class Command(BaseCommand):
    help = "Export a shared task (task.yaml plus data, gold included) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("out_dir", type=Path)

    def handle(self, *args, slug: str, out_dir: Path, **options):
        task = SharedTask.objects.filter(slug=slug).first()
        if task is None:
            raise CommandError(f"no shared task with slug {slug!r}")
        path = task_export(task=task, out_dir=out_dir)
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
