"""Set up the demo: generate the demo data, import the three demo tasks, create the accounts.

    python manage.py seed_demo

Idempotent: a second run leaves one copy of everything. Passwords come from PODIUM_DEMO_PASSWORD
when it is set; otherwise they are generated once, kept in var/demo-passwords.json and printed.
"""

from django.core.management.base import BaseCommand

from podium.demo import demo_generate_data, demo_seed


class Command(BaseCommand):
    help = "Import the demo tasks and create the demo organiser and participants."

    def handle(self, *args, **options):
        demo_generate_data()
        logins = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo ready. Logins:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.password:<16} {login.role}")
