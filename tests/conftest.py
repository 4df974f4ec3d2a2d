from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.factories import import_csv, signed_in
from trivsel.cycle.lifecycle import create_measurement
from trivsel.instruments.bank import load_bundled
from trivsel.instruments.builder import add_instrument, create_questionnaire
from trivsel.instruments.models import Instrument, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Role, RoleGrant, Unit
from trivsel.results.read import forget_scores

PERSONAS = ("hr", "area_chief", "unit_leader", "trio", "outsider")


@pytest.fixture(autouse=True)
def _fast_and_immediate(settings: Any) -> None:
    forget_scores()  # stored figures a test changes are read afresh
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LANGUAGE_CODE = "en"
    settings.SMS_GATEWAY = "trivsel.survey.sms.MemorySmsGateway"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def org(db: None) -> dict[str, Unit]:
    import_csv()
    return {unit.code: unit for unit in Unit.objects.all()}


def _login(employee_number: str | None, username: str) -> User:
    user = User.objects.create_user(username, password="pw")
    if employee_number:
        Employee.objects.filter(number=employee_number).update(user=user)
    return user


@pytest.fixture
def users(org: dict[str, Unit]) -> dict[str, User]:
    """The personas: HR admin on the root, the area chief of SO-N (a registered leader),
    the leader of U1, U1's AMR (TRIO), and an employee with no role."""
    people = {
        "hr": _login("1001", "hr"),
        "area_chief": _login("1002", "area_chief"),
        "unit_leader": _login("1003", "unit_leader"),
        "trio": _login("1004", "trio"),
        "outsider": _login("1010", "outsider"),
    }
    RoleGrant.objects.create(user=people["hr"], unit=org["K"], role=Role.HR_ADMIN)
    return people


@pytest.fixture
def clients(users: dict[str, User]) -> dict[str, Client]:
    result = {}
    for name, user in users.items():
        result[name] = signed_in(Client(), user)
    result["anonymous"] = Client()
    return result


@pytest.fixture
def questionnaire(db: None) -> Questionnaire:
    load_bundled()
    questionnaire = create_questionnaire("Trivsel", None)
    add_instrument(questionnaire.pages.get(), Instrument.objects.get(key="social_capital_short"))
    return questionnaire


@pytest.fixture
def measurement(org: dict[str, Unit], questionnaire: Questionnaire) -> Measurement:
    """Sundhed og Omsorg (SO) and everything below it, three weeks from tomorrow."""
    now = timezone.now()
    return create_measurement(
        units=[org["SO"]],
        name="Trivselsmåling 2026",
        questionnaire=questionnaire,
        validation_starts=now + timedelta(days=1),
        opens_at=now + timedelta(days=8),
        closes_at=now + timedelta(days=29),
        results_release_at=now + timedelta(days=31),
    )
