"""HR's upload page for the key figures (checked in the background, imported only on
confirmation, the file's bytes dropped afterwards), the cause codes HR maps, the monthly
aggregates of organisations without person data, and a killed worker's upload recovered."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.keyfigures.test_import_and_months import ABSENCE, EMPLOYMENT
from tests.organisation.test_import_flow import _run_on_commit  # noqa: F401 (autouse)
from trivsel.core.models import AuditEntry
from trivsel.keyfigures.importing import import_aggregates, import_employment
from trivsel.keyfigures.models import CauseCode, Employment, MonthFigure, Spell, UnitMonth, Upload
from trivsel.keyfigures.tasks import recover_uploads
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db


def _upload(client: Client, kind: str, name: str, text: str | bytes) -> Upload:
    """Upload a file (an absence file for March 2025)."""
    data = text.encode() if isinstance(text, str) else text
    fields = {"kind": kind, "file": SimpleUploadedFile(name, data)}
    if kind == "absence":
        fields |= {"period_from": "2025-03-01", "period_to": "2025-03-31"}
    response = client.post(reverse("keyfigures:uploads"), fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.latest("created_at")


def test_hr_checks_then_imports_and_the_file_is_dropped(
    org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    hr = clients["hr"]
    assert "Import key figures" in hr.get(reverse("keyfigures:uploads")).content.decode()
    jobs = _upload(hr, "employment", "ansatte.csv", EMPLOYMENT)
    assert jobs.status == Upload.Status.READY and jobs.summary["rows"] == 7
    assert not Employment.objects.exists()  # checked, nothing written yet
    page = hr.get(reverse("keyfigures:upload", args=[jobs.pk])).content.decode()
    assert "What the file would import" in page and "Import and compute the months" in page
    hr.post(reverse("keyfigures:upload_apply", args=[jobs.pk]))
    jobs.refresh_from_db()
    assert jobs.status == Upload.Status.DONE and jobs.data is None
    assert Employment.objects.count() == 7
    spells = _upload(hr, "absence", "fravær.csv", ABSENCE.encode("cp1252"))
    assert spells.summary == {"rows": 3, "replaced": 0, "first": "2025-03-01",
                              "last": "2025-03-31"}  # fmt: skip
    hr.post(reverse("keyfigures:upload_apply", args=[spells.pk]))
    spells.refresh_from_db()
    assert spells.status == Upload.Status.DONE and spells.summary["shown"] >= 1
    assert MonthFigure.objects.get(unit=org["SO-N"], month=date(2025, 3, 1)).shown
    # a file of one spell for the same period would replace all three: HR is told first
    one = ABSENCE.splitlines()
    Spell.objects.bulk_create([Spell(employee_id=s.employee_id, start=s.start, end=s.end,
                                     code="S", cause="own_illness")
                               for s in Spell.objects.all() for _copy in range(10)])  # fmt: skip
    partial = _upload(hr, "absence", "fravær.csv", "\n".join(one[:2]) + "\n")
    page = hr.get(reverse("keyfigures:upload", args=[partial.pk])).content.decode()
    assert "The file has 1 row but replaces 33." in page
    Spell.objects.exclude(pk__in=Spell.objects.order_by("pk")[:3].values("pk")).delete()
    # applying twice imports once
    hr.post(reverse("keyfigures:upload_apply", args=[spells.pk]))
    assert Spell.objects.count() == 3


def test_a_bad_file_lists_every_problem_and_writes_nothing(
    org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    hr = clients["hr"]
    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    bad = ("Medarbejdernummer;Fra;Til;Fraværskode\n9999;3.3.2025;4.3.2025;S\n"
           "1003;5.3.2025;4.3.2025;XX\n")  # fmt: skip
    upload = _upload(hr, "absence", "fravær.csv", bad)
    assert upload.status == Upload.Status.INVALID and upload.data is None
    assert len(upload.problems) == 3
    page = hr.get(reverse("keyfigures:upload", args=[upload.pk])).content.decode()
    assert "The file has 3 problems. Nothing was imported." in page
    assert "No employee has the number “9999”." in page
    assert "Import and compute the months" not in page
    hr.post(reverse("keyfigures:upload_apply", args=[upload.pk]))  # refused: not ready
    assert not Spell.objects.exists()
    missing = hr.post(reverse("keyfigures:uploads"), {"kind": "absence"})
    assert "This field is required." in missing.content.decode()


def test_only_hr_uploads(org: dict[str, Unit], clients: dict[str, Client]) -> None:
    upload = Upload.objects.create(kind="absence", filename="x.csv", data=b"")
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        client = clients[persona]
        assert client.get(reverse("keyfigures:uploads")).status_code == 403, persona
        assert client.get(reverse("keyfigures:upload", args=[upload.pk])).status_code == 403
        client.post(reverse("keyfigures:cause_code"), {"code": "S", "cause": "other"})
    assert clients["anonymous"].get(reverse("keyfigures:uploads")).status_code == 302
    assert not CauseCode.objects.filter(code="S", cause="other").exists()


def test_a_cause_code_remapped_changes_the_spells_and_the_months(
    org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    hr = clients["hr"]
    for kind, name, text in (("employment", "a.csv", EMPLOYMENT), ("absence", "f.csv", ABSENCE)):
        upload = _upload(hr, kind, name, text)
        hr.post(reverse("keyfigures:upload_apply", args=[upload.pk]))
    march = MonthFigure.objects.get(unit=org["SO-N"], month=date(2025, 3, 1))
    assert march.figures["absence:own_illness"] == pytest.approx(4.5)
    response = hr.post(reverse("keyfigures:cause_code"), {"code": "S", "cause": "other"},
                       follow=True)  # fmt: skip
    assert "The code S now counts as Other absence. The last months" in response.content.decode()
    assert set(Spell.objects.filter(code="S").values_list("cause", flat=True)) == {"other"}
    # March 2025 was shown and is older than the revisable months: it keeps its figures
    march = MonthFigure.objects.get(unit=org["SO-N"], month=date(2025, 3, 1))
    assert march.figures["absence:own_illness"] == pytest.approx(4.5)
    refused = hr.post(reverse("keyfigures:recompute"), follow=True).content.decode()
    assert "Tick that you know the figures already shown will change." in refused
    hr.post(reverse("keyfigures:recompute"), {"confirm": "yes"})
    march = MonthFigure.objects.get(unit=org["SO-N"], month=date(2025, 3, 1))
    assert march.figures["absence:own_illness"] == 0
    assert march.figures["absence:other"] == pytest.approx(4.5)
    assert AuditEntry.objects.filter(action="key figures recomputed").exists()
    assert clients["area_chief"].post(reverse("keyfigures:recompute"),
                                      {"confirm": "yes"}).status_code == 403  # fmt: skip


def test_monthly_aggregates_per_unit(org: dict[str, Unit]) -> None:
    from trivsel.keyfigures.compute import rebuild

    text = ("Enhedskode;Måned;Ansatte;Årsværk;Egen sygdom;Arbejdsskade;Barns sygdom;"
            "Fratrådte;Tiltrådte\n"
            "U1;2025-03;6;5,5;9,5;1;2;1;0\nU2;03-2025;5;5;2;0;0;0;1\n"
            "U1-T1;2025-03;3;3;1;0;0;0;0\nU1;2025-04;6;5,5;4;0;0;0;0\n")  # fmt: skip
    result = import_aggregates(text.encode(), "enheder.csv")
    assert not result.problems and result.written == 4
    rebuild()
    u1 = MonthFigure.objects.get(unit=org["U1"], month=date(2025, 3, 1))
    # people: those at the month's end and those who left in it (1)
    assert u1.shown and u1.figures["headcount"] == 9 and u1.figures["people"] == 10
    assert u1.figures["absence:own_illness"] == 10.5 and u1.figures["leavers"] == 1
    assert u1.figures["possible"] == pytest.approx(8.5 * 21)  # 21 working days in March
    area = MonthFigure.objects.get(unit=org["SO-N"], month=date(2025, 3, 1))
    assert area.figures["people"] == 15 and area.figures["hires"] == 1
    # the team of 3 shows nothing
    assert not MonthFigure.objects.get(unit=org["U1-T1"], month=date(2025, 3, 1)).shown
    # the same months again replace them
    again = import_aggregates(text.replace("9,5", "8").encode(), "enheder.csv")
    assert again.replaced == 4 and UnitMonth.objects.count() == 4
    bad = ("Enhedskode;Måned;Ansatte;Årsværk;Egen sygdom\n"
           "XX;2025-03;6;5;1\nU1;marts;6;5;1\nU2;2025-03;-1;3;1\nU2;2025-03;3;3;1\n"
           "U1-T1;2025-03;3;1;40\nU2;2025-04;0;0,4;2\n")  # fmt: skip
    said = [str(p) for p in import_aggregates(bad.encode(), "enheder.csv").problems]
    for line in ("row 2, column 'Enhedskode': No active unit has the code “XX”.",
                 "row 3, column 'Måned': “marts” is not a month",
                 "row 4, column 'Ansatte': “-1” must be a whole number of 0 or more.",
                 "row 5, column 'Måned': The unit and month are already on row 4.",
                 "row 6, column 'Årsværk': 40 dagsværk of absence is more than 1 FTE",
                 "row 7, column 'Ansatte': The unit has figures for the month but no "
                 "employees"):  # fmt: skip
        assert any(line in found for found in said), (line, said)
    assert UnitMonth.objects.get(unit=org["U1"], month=date(2025, 3, 1)).figures[
        "absence:own_illness"] == 8  # fmt: skip
    # a unit that has employment per employee takes no monthly figures: they would count
    # its people twice (an HR consultant's finding)
    UnitMonth.objects.all().delete()
    assert not import_employment(EMPLOYMENT.encode(), "ansatte.csv").problems
    twice = import_aggregates(text.encode(), "enheder.csv").problems
    assert "row 2, column 'Enhedskode': The unit already has employment per employee in " \
        "2025-03" in str(twice[0])  # fmt: skip


def test_a_killed_worker_s_upload_is_started_again(
    org: dict[str, Unit], django_capture_on_commit_callbacks: Any
) -> None:
    upload = Upload.objects.create(kind="employment", filename="a.csv", data=EMPLOYMENT.encode(),
                                   status=Upload.Status.APPLYING,
                                   heartbeat_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert len(recover_uploads()) == 1
    upload.refresh_from_db()
    assert upload.restarts == 1 and upload.status == Upload.Status.DONE
    assert Employment.objects.count() == 7
    assert recover_uploads() == []


def test_the_documented_example_files_import(org: dict[str, Unit]) -> None:
    """docs/examples/ holds the example files docs/keyfigures.md describes; they import
    into the test organisation without a problem (so the documentation cannot rot)."""
    from pathlib import Path

    from trivsel.keyfigures.importing import import_absence

    folder = Path(__file__).resolve().parents[2] / "docs" / "examples"
    for reader, name in ((import_employment, "ansaettelser.csv"), (import_absence, "fravaer.csv"),
                         (import_aggregates, "maanedstal.csv")):  # fmt: skip
        if reader is import_aggregates:  # (for an organisation without person data)
            Employment.objects.all().delete()
        result = reader((folder / name).read_bytes(), name)
        assert not result.problems and result.written, (name, result.problems)


def test_a_checked_file_never_imported_is_deleted_after_the_retention_days(
    org: dict[str, Unit], settings: Any
) -> None:
    from trivsel.core.retention import run_retention

    upload = Upload.objects.create(kind="employment", filename="a.csv", data=b"x",
                                   status=Upload.Status.READY)  # fmt: skip
    later = timezone.now() + timedelta(days=settings.RETAIN_IMPORT_FILES_DAYS + 1)
    list(run_retention(later))
    upload.refresh_from_db()
    assert upload.data is None and upload.status == Upload.Status.FAILED
    assert "deleted" in upload.message


def test_a_monthly_file_replaces_its_period_and_the_spells_it_repeats(
    org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    """A November file repeats 1003's spell that began on 20 October and is still going.
    It replaces that spell and every spell starting in November, and keeps the other
    October spells (an HR consultant's finding: the ongoing spell had widened the period
    to 20 October and would have deleted everyone's later October spells). A spell outside
    the period, and one overlapping a kept spell of the same person, are refused."""
    from trivsel.keyfigures.importing import import_absence

    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    october = ("Medarbejdernummer;Fra;Til;Fraværskode\n1003;20.10.2025;31.10.2025;S\n"
               "1004;27.10.2025;28.10.2025;S\n1005;3.11.2025;3.11.2025;B\n")  # fmt: skip
    assert not import_absence(october.encode(), "oktober.csv").problems
    november = "Medarbejdernummer;Fra;Til;Fraværskode\n1003;20.10.2025;12.11.2025;S\n"
    hr = clients["hr"]
    refused = hr.post(
        reverse("keyfigures:uploads"),
        {"kind": "absence", "file": SimpleUploadedFile("november.csv", november.encode())},
    )
    assert "Give the period the file covers" in refused.content.decode()
    response = hr.post(reverse("keyfigures:uploads"), {
        "kind": "absence", "file": SimpleUploadedFile("november.csv", november.encode()),
        "period_from": "2025-11-01", "period_to": "2025-11-30"})  # fmt: skip
    assert response.status_code == 302
    upload = Upload.objects.latest("created_at")
    assert upload.summary["replaced"] == 2  # 1003's October version and 1005's 3 November
    hr.post(reverse("keyfigures:upload_apply", args=[upload.pk]))
    kept = sorted(Spell.objects.values_list("employee__number", "start", "end"))
    assert kept == [("1003", date(2025, 10, 20), date(2025, 11, 12)),
                    ("1004", date(2025, 10, 27), date(2025, 10, 28))]  # fmt: skip
    period = (date(2025, 11, 1), date(2025, 11, 30))
    outside = "Medarbejdernummer;Fra;Til;Fraværskode\n1006;1.12.2025;2.12.2025;S\n"
    said = [str(p) for p in import_absence(outside.encode(), "x.csv", period=period).problems]
    assert "row 2, column 'Fra': The spell is outside the period" in said[0]
    clash = "Medarbejdernummer;Fra;Til;Fraværskode\n1004;2.11.2025;2.11.2025;S\n" \
            "1003;21.10.2025;3.11.2025;A\n"  # fmt: skip
    said = [str(p) for p in import_absence(clash.encode(), "x.csv", period=period).problems]
    assert any("overlaps the person's spell from 2025-10-20" in line for line in said), said


def test_employment_for_a_unit_with_monthly_figures_is_refused(org: dict[str, Unit]) -> None:
    monthly = "Enhedskode;Måned;Ansatte;Årsværk\nU2;2025-03;5;5\n"
    assert not import_aggregates(monthly.encode(), "enheder.csv").problems
    said = [str(p) for p in import_employment(EMPLOYMENT.encode(), "ansatte.csv").problems]
    assert len(said) == 2 and "The unit has monthly figures per unit for 2025-03" in said[0]
    assert not Employment.objects.exists()


def test_a_checked_file_hr_does_not_import_is_dropped(
    org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    hr = clients["hr"]
    upload = _upload(hr, "employment", "ansatte.csv", EMPLOYMENT)
    assert upload.status == Upload.Status.READY
    hr.post(reverse("keyfigures:upload_cancel", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == Upload.Status.CANCELLED and upload.data is None
    hr.post(reverse("keyfigures:upload_apply", args=[upload.pk]))  # too late: nothing
    assert not Employment.objects.exists()
    assert (
        clients["area_chief"]
        .post(reverse("keyfigures:upload_cancel", args=[upload.pk]))
        .status_code
        == 403
    )


def test_a_correction_leaves_the_months_already_shown_as_they_were(
    org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    """A back-dated correction moves one person between two shown units. The months shown
    before, older than the revisable ones, keep their figures, so an export from before and
    one from after do not differ by that person's absence (a fourth attacker's finding);
    the revisable months are computed again; the result says which months were kept."""
    from trivsel.keyfigures.compute import rebuild, revisable_from
    from trivsel.keyfigures.importing import import_absence

    hr = clients["hr"]
    upload = _upload(hr, "employment", "a.csv", EMPLOYMENT)
    hr.post(reverse("keyfigures:upload_apply", args=[upload.pk]))
    assert not import_absence(ABSENCE.encode(), "f.csv").problems
    today = date(2025, 6, 10)  # March shown, then older than the revisable April and May
    rebuild(today=today)
    before = {(r.unit_id, r.month): r.figures for r in MonthFigure.objects.all()}
    moved = EMPLOYMENT.replace("1003;2024-01-01;;U1;37", "1003;2024-01-01;;HR;37")
    assert not import_employment(moved.encode(), "rettelse.csv").problems
    result = rebuild(today=today)
    after = {(r.unit_id, r.month): r.figures for r in MonthFigure.objects.all()}
    old = [key for key in before if key[1] < revisable_from(today)]
    assert old and all(after[key] == before[key] for key in old)
    assert date(2025, 3, 1) in result.kept and result.kept[-1] < revisable_from(today)
    # (recomputing every month, HR's audited choice, would change Område Nord's March)
    rebuild(everything=True, today=today)
    march = MonthFigure.objects.get(unit=org["SO-N"], month=date(2025, 3, 1)).figures
    assert march != before[(org["SO-N"].pk, date(2025, 3, 1))]
