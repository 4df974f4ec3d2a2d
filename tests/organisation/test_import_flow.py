"""The HR import page (upload → preview → confirm) and the import_org command."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EMPLOYEES_CSV, UNITS_CSV, import_csv
from trivsel.organisation.models import Employee, ImportJob, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Jobs are enqueued on commit; run those callbacks as each request ends."""
    from django.test import client as test_client

    original = test_client.ClientHandler.__call__

    def call(handler, environ):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return original(handler, environ)

    test_client.ClientHandler.__call__ = call  # type: ignore[method-assign]
    yield
    test_client.ClientHandler.__call__ = original  # type: ignore[method-assign]


def upload(client: Client, units: str, employees: str) -> ImportJob:
    response = client.post(
        reverse("organisation:import"),
        {
            "units": SimpleUploadedFile("enheder.csv", units.encode()),
            "employees": SimpleUploadedFile("medarbejdere.csv", employees.encode()),
        },
    )
    assert response.status_code == 302
    return ImportJob.objects.latest("created_at")


def test_upload_preview_confirm(clients: dict[str, Client]) -> None:
    employees = EMPLOYEES_CSV + "3001;Ny Kollega;ny@testby.dk;;Sygeplejerske;U3;nej;\n"
    units = UNITS_CSV.replace("Område Syd", "Område Syd og Vest")
    job = upload(clients["hr"], units, employees)
    assert job.status == ImportJob.Status.READY  # tasks run immediately in tests
    page = clients["hr"].get(reverse("organisation:import_job", args=[job.pk])).content.decode()
    assert "Ny Kollega (3001) in U3" in page
    assert "SO-S: Område Syd → Område Syd og Vest" in page
    assert "Apply these changes" in page
    assert not Employee.objects.filter(number="3001").exists()  # preview only

    response = clients["hr"].post(reverse("organisation:import_apply", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Employee.objects.get(number="3001").unit.code == "U3"
    from trivsel.core.models import AuditEntry

    entry = AuditEntry.objects.get(action="import applied")  # by the worker, for HR
    assert entry.actor == "hr" and entry.target == f"import {job.pk}"
    assert entry.detail == "enheder.csv, medarbejdere.csv"
    assert Unit.objects.get(code="SO-S").name == "Område Syd og Vest"
    # a second click applies nothing more
    clients["hr"].post(reverse("organisation:import_apply", args=[job.pk]))
    assert Employee.objects.filter(number="3001").count() == 1


def test_upload_with_errors_lists_them_and_changes_nothing(clients: dict[str, Client]) -> None:
    employees = EMPLOYEES_CSV + "3001;X;bad-mail;;Konsulent;NOPE;nej;\n"
    job = upload(clients["hr"], UNITS_CSV, employees)
    assert job.status == ImportJob.Status.INVALID
    page = clients["hr"].get(reverse("organisation:import_job", args=[job.pk])).content.decode()
    assert "The files have 2 problems" in page
    assert "bad-mail is not a valid e-mail address." in page
    assert "The unit NOPE does not exist." in page
    assert "Apply these changes" not in page
    assert (
        clients["hr"].post(reverse("organisation:import_apply", args=[job.pk])).status_code == 302
    )
    assert not Employee.objects.filter(number="3001").exists()


def test_apply_refuses_when_register_changed_since_preview(clients: dict[str, Client]) -> None:
    job = upload(clients["hr"], UNITS_CSV, EMPLOYEES_CSV + "3001;Ny;;;;U3;nej;\n")
    Employee.objects.filter(number="1008").update(name="Changed Meanwhile")
    clients["hr"].post(reverse("organisation:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "changed since the preview" in job.message
    assert not Employee.objects.filter(number="3001").exists()


def test_upload_form_requires_a_file(clients: dict[str, Client]) -> None:
    response = clients["hr"].post(reverse("organisation:import"), {})
    assert response.status_code == 200
    assert "Choose a file of units, of employees, or both." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_import_org_command_dry_run_then_apply(db: None, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    units, employees = tmp_path / "units.csv", tmp_path / "employees.csv"
    units.write_text(UNITS_CSV)
    employees.write_text(EMPLOYEES_CSV)
    call_command("import_org", units=units, employees=employees, dry_run=True)
    out = capsys.readouterr().out
    assert "units added: 10" in out and "employees added: 10" in out and "Dry run" in out
    assert not Unit.objects.exists()
    call_command("import_org", units=units, employees=employees)
    assert Unit.objects.count() == 10 and Employee.objects.count() == 10
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


def test_import_org_command_reports_problems(db: None, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    units = tmp_path / "units.csv"
    units.write_text("code;parent;name\nA;B;x\nA;;y\n")
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_org", units=units)
    err = capsys.readouterr().err
    assert "units.csv, row 2, column 'parent'" in err
    assert "units.csv, row 3, column 'code'" in err
    assert not Unit.objects.exists()


HALF = "\n".join(EMPLOYEES_CSV.splitlines()[:6]) + "\n"  # the heading and 5 of 10 employees


def test_import_org_refuses_mass_changes_unless_allowed(db: None, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import_csv()
    units, employees = tmp_path / "units.csv", tmp_path / "employees.csv"
    units.write_text(UNITS_CSV)
    employees.write_text(HALF)
    with pytest.raises(CommandError, match="--allow-mass-changes"):
        call_command("import_org", units=units, employees=employees)
    assert "5 of 10 active employees (50 %) would be deactivated" in capsys.readouterr().err
    assert Employee.objects.filter(is_active=True).count() == 10
    call_command("import_org", units=units, employees=employees, allow_mass_changes=True)
    assert Employee.objects.filter(is_active=True).count() == 5


def test_the_import_page_asks_for_the_numbers_of_mass_changes(clients: dict[str, Client]) -> None:
    job = upload(clients["hr"], UNITS_CSV, HALF)
    assert job.status == ImportJob.Status.READY
    assert job.mass_changes == [{"what": "employees_deactivated", "count": 5, "of": 10}]
    page = clients["hr"].get(reverse("organisation:import_job", args=[job.pk])).content.decode()
    assert "5 of 10 active employees (50 %) would be deactivated" in page
    assert 'name="confirm_employees_deactivated"' in page
    apply = reverse("organisation:import_apply", args=[job.pk])
    for typed in ({}, {"confirm_employees_deactivated": "4"}):  # nothing, or a wrong number
        clients["hr"].post(apply, typed)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.READY
        assert Employee.objects.filter(is_active=True).count() == 10
    clients["hr"].post(apply, {"confirm_employees_deactivated": " 5 "})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Employee.objects.filter(is_active=True).count() == 5


def test_an_import_whose_worker_died_is_checked_again_by_the_clock(
    db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = ImportJob.objects.create(
        status=ImportJob.Status.CHECKING, units_filename="u.csv", units_data=UNITS_CSV.encode(),
        heartbeat_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1),
    )  # fmt: skip
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("advance_measurements", stdout=out)
    assert f"import {job.pk} (checking)" in out.getvalue()
    job.refresh_from_db()
    assert (job.status, job.restarts) == (ImportJob.Status.READY, 1)
