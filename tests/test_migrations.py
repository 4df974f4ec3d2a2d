import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_are_in_step() -> None:
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
