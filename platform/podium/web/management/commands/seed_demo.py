"""Set up the demo: generate the demo data, import the three demo tasks, create the accounts.

    python manage.py seed_demo

Then it queues the cheap baselines of the demo subtasks as baseline runs for the workers (the
`gpu` queue; --no-baselines skips that): the site is usable at once, and each leaderboard gets
its baseline row when the run is trained and scored. Idempotent: a second run leaves one copy of
everything and queues no run twice. Passwords come from PODIUM_DEMO_PASSWORD when it is set;
otherwise they are generated once, kept in var/demo-passwords.json and printed.
"""

from django.core.management.base import BaseCommand

from podium.demo import demo_generate_data, demo_queue_baselines, demo_seed


class Command(BaseCommand):
    help = "Import the demo tasks and create the demo organiser and participants."

    def add_arguments(self, parser):
        parser.add_argument("--no-baselines", action="store_true", help="queue no baseline runs")

    def handle(self, *args, no_baselines: bool = False, **options):
        demo_generate_data()
        logins = demo_seed()
        if not no_baselines:
            self.stdout.write("Queueing the baselines of the demo tasks for the workers ...")
            demo_queue_baselines(report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo ready. Logins:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.password:<16} {login.role}")
