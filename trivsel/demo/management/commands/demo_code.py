"""`manage.py demo_code hr`: the six-digit code the demo's authenticator shows now (and its
key, to add it to a real authenticator app instead)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.demo.codes import current_code, demo_device, key_of


class Command(BaseCommand):
    help = "The current sign-in code of a demo login's authenticator (hr, admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="hr")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        device = demo_device(username)
        if device is None:
            raise CommandError(f"{username} has no demo authenticator (seed_demo makes them).")
        self.stdout.write(f"Code for {username}: {current_code(device)} (a new one every 30 s)")
        self.stdout.write(f"Key for an authenticator app: {key_of(device)}")
