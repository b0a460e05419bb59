"""Set up the demo: generate the demo data, import the three demo tasks, create the accounts.

    python manage.py seed_demo

Then it trains the TF-IDF baselines of the demo subtasks and scores them, so the leaderboards
show baseline rows at once (--no-baselines skips that). Idempotent: a second run leaves one copy
of everything. Passwords come from PODIUM_DEMO_PASSWORD
when it is set; otherwise they are generated once, kept in var/demo-passwords.json and printed.
"""

from django.core.management.base import BaseCommand

from podium.demo import demo_generate_data, demo_run_baselines, demo_seed


class Command(BaseCommand):
    help = "Import the demo tasks and create the demo organiser and participants."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-baselines", action="store_true", help="skip training the TF-IDF baselines"
        )

    def handle(self, *args, no_baselines: bool = False, **options):
        demo_generate_data()
        logins = demo_seed()
        if not no_baselines:
            self.stdout.write("Training the TF-IDF baselines of the demo tasks ...")
            demo_run_baselines(report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo ready. Logins:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.password:<16} {login.role}")
