"""`manage.py reset_second_factor USERNAME`: a person who lost the phone with their
authenticator app sets up a new one at their next sign-in (audited)."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.accounts.twofactor import reset
from trivsel.core.audit import Actor, acting


class Command(BaseCommand):
    help = "Removes a person's authenticator app; their next sign-in sets up a new one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No login is called {username!r}.")
        with acting(Actor(name="manage.py reset_second_factor")):
            removed = reset(user)
        self.stdout.write(f"{username}: {removed} authenticator(s) removed.")
