from argparse import BooleanOptionalAction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from trivsel.demo import organisation as demo
from trivsel.demo.codes import DEMO_DEVICE
from trivsel.demo.dialogues import seed_dialogues
from trivsel.demo.followups import seed_follow_up, seed_pulse
from trivsel.demo.keyfigures import seed_keyfigures
from trivsel.demo.measurements import seed_measurements
from trivsel.demo.references import load_illustrative_references
from trivsel.instruments.bank import load_bundled
from trivsel.instruments.builder import add_instrument, add_page, create_questionnaire, pages_of
from trivsel.instruments.models import Instrument, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.importing.service import UploadedFile, apply_import, prepare_import
from trivsel.organisation.models import Employee, Role, RoleGrant, TrioMember, TrioRole, Unit
from trivsel.survey.models import Invitation

# username, what the persona is, how to find their employee in the demo organisation
PERSONAS = [
    ("hr", "HR administrator: the whole organisation, imports"),
    ("omraadechef", "Area chief: Sundhed og Omsorg, Område Nord and everything below"),
    ("leder", "Unit leader: the first local unit of that area and its teams"),
    ("amr", "TRIO member (AMR) of that unit: that unit only, view only"),
    ("medarbejder", "Employee with no role: their open questionnaire, their unit's results"),
]


class Command(BaseCommand):
    help = "Build (or re-sync) the demo municipality and its persona logins. Deterministic."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="trivsel-demo")
        parser.add_argument(
            "--measurements",
            action=BooleanOptionalAction,
            default=True,
            help="also the two years before (released) and this year's (open), with answers",
        )
        parser.add_argument(
            "--write-files",
            type=Path,
            metavar="DIR",
            help="only write units.csv and employees.csv (and .xlsx) to DIR; import nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = demo.generate(options["employees"], options["seed"])
        if options["write_files"]:
            for fmt in ("csv", "xlsx"):
                paths = demo.write_files(org, options["write_files"], fmt)
                self.stdout.write(f"Wrote {paths[0]} and {paths[1]}")
            return
        prepared = prepare_import(
            UploadedFile("units.csv", demo.to_csv(org.units, demo.UNIT_HEADERS)),
            UploadedFile("employees.csv", demo.to_csv(org.employees, demo.EMPLOYEE_HEADERS)),
        )
        with transaction.atomic():
            apply_import(prepared)
            logins = create_personas(options["password"])
            load_bundled()
            questionnaire = demo_questionnaire()
            load_illustrative_references(
                {v.dimension.key for page in pages_of(questionnaire) for v in page if v.dimension}
            )
            if options["measurements"]:
                keep_open = set(
                    Employee.objects.filter(
                        user__username__in=[p[0] for p in PERSONAS]
                    ).values_list("pk", flat=True)
                )
                measurements = seed_measurements(
                    questionnaire, timezone.localdate(), options["seed"], keep_open
                )
                leader_unit = Employee.objects.get(user__username="leder").unit_id
                last_year = max(
                    (m for m in measurements if m.state == Measurement.State.RELEASED),
                    key=lambda m: m.closes_at,
                )
                seed_dialogues(last_year, options["seed"], {leader_unit})
                chief = Employee.objects.get(user__username="omraadechef").unit
                department = next(u for u in [*chief.ancestors(), chief] if u.depth == 1)
                seed_follow_up(last_year, department, options["seed"])
                seed_pulse(last_year, Employee.objects.get(user__username="leder"),
                           options["seed"])  # fmt: skip
                seed_keyfigures(options["seed"])
        self.stdout.write(
            f"Demo municipality: {Unit.objects.filter(valid_to=None).count()} units, "
            f"{Employee.objects.filter(is_active=True).count()} active employees."
        )
        self.stdout.write("Demo logins (password for all: %s):" % options["password"])
        for username, description in logins:
            self.stdout.write(f"  {username:<12} {description}")
        self.stdout.write("  admin        Superuser, for the admin site (/admin/) only")
        self.stdout.write(
            "hr and admin also confirm each sign-in with a six-digit code from an authenticator "
            "app:\n  `.venv/bin/python manage.py demo_code hr` prints the current one, or add the "
            "key it prints to the app on your phone."
        )
        if options["measurements"]:
            self._print_survey_access(measurements)
            for extra in Measurement.objects.exclude(kind=Measurement.Kind.MAIN):
                self.stdout.write(f"{extra.get_kind_display()}: {extra.name} ({extra.state})")

    def _print_survey_access(self, measurements: list[Measurement]) -> None:
        current = next((m for m in measurements if m.state == Measurement.State.OPEN), None)
        invitation = (
            Invitation.objects.filter(
                measurement=current, participant__employee__user__username="medarbejder"
            ).first()
            if current
            else None
        )
        for measurement in measurements:
            self.stdout.write(f"Measurement: {measurement.name} ({measurement.state})")
        if invitation is not None:
            self.stdout.write(
                f"Answer as medarbejder: {settings.SITE_URL}/s/{invitation.token}/ "
                f"or type {invitation.short_code} at {settings.SITE_URL}/kiosk/"
            )


def create_personas(password: str) -> list[tuple[str, str]]:
    area = Unit.objects.get(code="SO-01")
    unit = Unit.objects.filter(parent=area, kind="unit").order_by("code").first()
    assert unit is not None
    hr_unit = Unit.objects.filter(name="HR og Arbejdsmiljø").order_by("code").first() or area
    amr = TrioMember.objects.filter(unit=unit, role=TrioRole.AMR).select_related("employee")
    employees = {
        "hr": Employee.objects.filter(unit=hr_unit, is_leader=False).order_by("number").first(),
        "omraadechef": Employee.objects.filter(unit=area, is_leader=True).order_by("number")[0],
        "leder": Employee.objects.filter(unit=unit, is_leader=True).order_by("number")[0],
        "amr": amr[0].employee,
        "medarbejder": Employee.objects.filter(
            unit__code__startswith="TM-", is_leader=False, trio_roles__isnull=True
        ).order_by("number")[0],
    }
    users = get_user_model().objects
    for username, employee in employees.items():
        user, _ = users.get_or_create(username=username)
        user.set_password(password)
        if employee is not None:
            user.first_name, _space, user.last_name = employee.name.partition(" ")
            user.email = employee.email
        user.save()
        others = Employee.objects.filter(user=user)
        if employee is not None:
            others = others.exclude(pk=employee.pk)
        others.update(user=None)
        if employee is not None:
            employee.user = user
            employee.save(update_fields=["user"])
    root = Unit.objects.get(code="K")
    RoleGrant.objects.get_or_create(user=users.get(username="hr"), unit=root, role=Role.HR_ADMIN)
    admin, _ = users.get_or_create(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    for user in users.filter(username__in=["hr", "admin"]):  # the second factor (demo_code)
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, confirmed=True)
    return PERSONAS


DEMO_QUESTIONNAIRE = "Trivsel og APV"
DEMO_PAGES = [
    ({"da": "Social kapital", "en": "Social capital"}, ["social_capital"]),
    ({"da": "Trivsel og arbejdsmiljø", "en": "Wellbeing and work environment"}, ["wellbeing"]),
    ({"da": "APV", "en": "Workplace assessment"}, ["apv"]),
    (
        {"da": "Samarbejde med borgerne", "en": "Working with citizens"},
        ["theme_citizens", "comments"],
    ),
]


def demo_questionnaire() -> Questionnaire:
    """The questionnaire of the demo's yearly measurement, built with the builder."""
    existing = Questionnaire.objects.filter(name=DEMO_QUESTIONNAIRE).first()
    if existing is not None:
        return existing
    questionnaire = create_questionnaire(DEMO_QUESTIONNAIRE, None)
    first = questionnaire.pages.get()
    for number, (title, keys) in enumerate(DEMO_PAGES):
        if number == 0:
            first.title = title
            first.save(update_fields=["title"])
            page = first
        else:
            page = add_page(questionnaire, title)
        for key in keys:
            add_instrument(page, Instrument.objects.get(key=key, version=1))
    return questionnaire
