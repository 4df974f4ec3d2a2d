"""Importing employment and absence, and the monthly figures: malformed files are refused
with every problem listed and nothing written; a valid period imports and again replaces
itself; the month's figures follow the definitions; a 4-person unit shows no figure, its
parent does, and no subtraction exposes it."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from trivsel.keyfigures.compute import compute_months
from trivsel.keyfigures.importing import import_absence, import_employment
from trivsel.keyfigures.models import Employment, MonthFigure, Spell
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db

# Område Nord (SO-N) holds U1 (with its team: 4 people), U2 (2) and the area chief.
EMPLOYMENT = (
    "Medarbejdernummer;Fra;Til;Enhedskode;Ugentlige timer\n"
    "1002;2024-01-01;;SO-N;37\n1003;2024-01-01;;U1;37\n1004;2024-01-01;;U1;37\n"
    "1005;2024-01-01;;U1;18,5\n1006;2024-01-01;;U1-T1;37\n1007;2024-01-01;;U2;37\n"
    "1008;2024-01-01;2025-03-14;U2;37\n"
)
ABSENCE = (
    "Medarbejdernummer;Fra;Til;Fraværskode;Timer pr. dag\n"
    "1003;6.3.2025;11.3.2025;S;\n"  # Thursday to Tuesday: 4 dagsværk
    "1005;3.3.2025;3.3.2025;S;\n"  # half time: 0.5
    "1007;10.3.2025;10.3.2025;B;3,7\n"  # child's illness, half a day
)


def test_malformed_files_are_refused_with_every_problem(org: dict[str, Unit]) -> None:
    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    bad = (
        "Medarbejdernummer;Fra;Til;Fraværskode;Timer pr. dag\n"
        "9999;3.3.2025;4.3.2025;S;\n"  # unknown employee
        "1003;5.3.2025;4.3.2025;S;\n"  # ends before it starts
        "1004;3.3.2025;6.3.2025;S;\n1004;5.3.2025;7.3.2025;S;\n"  # overlapping
        "1006;3.3.2025;3.3.2025;XX;\n"  # unknown cause code
        "1005;4.3.2025;4.3.2025;S;5\n"  # 5 hours: more than half-time's 3.7
    ).encode()
    said = [str(p) for p in import_absence(bad, "fravær.csv").problems]
    for text in (
        "row 2, column 'Medarbejdernummer': No employee has the number “9999”.",
        "row 3, column 'Til': The spell ends before it starts.",
        "row 5, column 'Fra': The spell overlaps the person's spell that ends",
        "row 6, column 'Fraværskode': The cause code “XX” is not mapped",
        "row 7, column 'Timer pr. dag': 5 hours is more than the day's norm of 3.70",
    ):
        assert any(text in line for line in said), (text, said)
    assert not Spell.objects.exists()
    missing = import_absence(b"Medarbejdernummer;Fra\n1003;3.3.2025\n", "kort.csv")
    assert "Missing columns: til, fraværskode." in str(missing.problems[0])
    utf16 = import_absence("Medarbejdernummer;Fra;Til\n".encode("utf-16"), "utf16.csv")
    assert utf16.problems and not Spell.objects.exists()
    assert "The file is empty." in str(import_absence(b"", "tom.csv").problems[0])


def test_a_month_by_the_definitions_and_the_small_unit_rule(org: dict[str, Unit]) -> None:
    assert not import_employment(EMPLOYMENT.encode(), "ansatte.csv").problems
    assert not import_absence(ABSENCE.encode("cp1252"), "fravær.csv").problems
    assert Employment.objects.count() == 7 and Spell.objects.count() == 3
    compute_months(date(2025, 3, 1), date(2025, 3, 1))
    figure = {m.unit.code: m for m in MonthFigure.objects.select_related("unit")}
    area = figure["SO-N"]
    assert area.shown
    f = area.figures
    assert f["absence:own_illness"] == pytest.approx(4.5)
    assert f["absence:child_illness"] == pytest.approx(0.5)
    assert f["headcount"] == 6 and f["leavers"] == 1  # 1008 left on 14 March
    # 21 working days in March 2025; 6 full-time-ish people (one half, one leaving mid-month)
    assert f["possible"] == pytest.approx(21 * 5.5 + 10)
    # sickness spells by length: 6 and 1 calendar days (the child's illness is no sickness)
    assert f["band:0"] == 2 and f["band:1"] == 0
    # U1 with its team has 4 people: no figure, and U2 (2) none; nothing to subtract from
    # Område Nord shows a small group, because neither is shown.
    assert not figure["U1"].shown and figure["U1"].figures == {}
    assert not figure["U2"].shown
    # importing the same period again replaces it
    assert import_absence(ABSENCE.encode(), "fravær.csv").replaced == 3
    assert Spell.objects.count() == 3


def test_the_command_imports_and_computes(org: dict[str, Unit], tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "ansatte.csv").write_text(EMPLOYMENT, encoding="utf-8")
    (folder / "fravær.csv").write_text(ABSENCE, encoding="utf-8")
    out = io.StringIO()
    call_command("import_keyfigures", "--employment", str(folder / "ansatte.csv"),
                 "--absence", str(folder / "fravær.csv"), stdout=out)  # fmt: skip
    assert "Monthly figures 2025-03 to 2025-03" in out.getvalue()
    (folder / "bad.csv").write_text("Medarbejdernummer;Fra\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_keyfigures", "--absence", str(folder / "bad.csv"),
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip


def test_the_unit_page_shows_the_months_to_those_who_see_the_unit(
    org: dict[str, Unit], clients: dict[str, object]
) -> None:
    from django.test import Client
    from django.urls import reverse

    from trivsel.keyfigures.compute import compute_months
    from trivsel.keyfigures.read import series

    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    import_absence(ABSENCE.encode(), "fravær.csv")
    compute_months(date(2024, 4, 1), date(2025, 3, 1))
    data = series(org["SO-N"], date(2025, 3, 1))
    march = data.at(date(2025, 3, 1))
    assert march is not None and march.percentage == pytest.approx(100 * 4.5 / (21 * 5.5 + 10))
    # Twelve months, sickness absence only in March: 4.5 dagsværk over the year's possible
    assert data.rolling(date(2025, 3, 1)) is not None
    assert data.days_per_fte(date(2025, 3, 1)) == pytest.approx(4.5 / (sum(
        m.figures["fte"] for m in data.months[-12:]) / 12))  # fmt: skip
    assert not data.plausible(date(2025, 3, 1))  # under 2 days per FTE: "check the data"
    url = reverse("keyfigures:unit", args=["SO-N"])
    area_chief = clients["area_chief"]
    assert isinstance(area_chief, Client)
    page = area_chief.get(url).content.decode()
    assert "Sickness absence by month" in page and "check the data" in page
    small = area_chief.get(reverse("keyfigures:unit", args=["U1"])).content.decode()
    assert "Not shown: fewer than 5 employees" in small
    for persona, status in (("hr", 200), ("unit_leader", 404), ("outsider", 404)):
        client = clients[persona]
        assert isinstance(client, Client)
        assert client.get(url).status_code == status, persona


def test_the_power_bi_export_has_only_shown_months_of_visible_units(
    org: dict[str, Unit], clients: dict[str, object]
) -> None:
    from django.test import Client
    from django.urls import reverse

    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    import_absence(ABSENCE.encode(), "fravær.csv")
    compute_months(date(2025, 3, 1), date(2025, 3, 1))
    chief = clients["area_chief"]
    assert isinstance(chief, Client)
    text = chief.get(reverse("keyfigures:export")).content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("unit_code;unit;month;headcount;fte")
    codes = {line.split(";")[0] for line in lines[1:] if line and ";" in line}
    assert "SO-N" in codes and "U1" not in codes  # U1: fewer than 5, not shown
    assert "K" not in codes  # not the area chief's
    assert all(line.count(";") == lines[0].count(";") for line in lines)  # one table
    from django.utils import timezone

    under_way = timezone.localdate().replace(day=1)  # stored, but not a month's figure yet
    MonthFigure.objects.create(unit=org["SO-N"], month=under_way, shown=True,
                               figures={"possible": 10.0})  # fmt: skip
    again = chief.get(reverse("keyfigures:export")).content.decode("utf-8-sig")
    assert under_way.isoformat() not in again
    definitions = chief.get(reverse("keyfigures:export"), {"definitions": "1"})
    assert "sickness_absence_pct;" in definitions.content.decode("utf-8-sig")
    xlsx = chief.get(reverse("keyfigures:export"), {"format": "xlsx"})
    assert xlsx.content.startswith(b"PK")
    outsider = clients["outsider"]
    assert isinstance(outsider, Client)
    assert outsider.get(reverse("keyfigures:export")).status_code == 403


def test_the_unit_report_shows_sickness_absence_beside_the_results(
    org: dict[str, Unit], clients: dict[str, object], released: object
) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from trivsel.keyfigures.compute import compute_months
    from trivsel.measurements.models import Measurement

    assert isinstance(released, Measurement)
    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    import_absence(ABSENCE.encode(), "fravær.csv")
    compute_months(date(2024, 1, 1), date(2025, 4, 1))
    chief = clients["area_chief"]
    assert isinstance(chief, Client)
    page = chief.get(reverse("reports:unit", args=[released.pk, "SO-N"])).content.decode()
    assert "Sickness absence in the twelve months before the measurement" in page
    # a measurement that closed on 10 February 2025 is read beside the twelve months up to
    # January 2025, whenever its report is opened (an HR consultant's finding)
    from datetime import datetime

    from trivsel.keyfigures.report_tail import beside_results

    earlier = Measurement(closes_at=timezone.make_aware(datetime(2025, 2, 10, 12)))
    assert "The twelve months up to January 2025" in beside_results(earlier, org["SO-N"], None)
    # and on the area chief's dashboard beside the survey's panel (SO-N is not the top)
    dashboard = chief.get("/").content.decode()
    assert "Sickness absence, rolling 12 months to April 2025:" in dashboard
    assert "(the whole organisation: 0.2 %)" in dashboard  # K: the same seven people
    assert "The twelve months up to April 2025: sickness absence" in page
    small = chief.get(reverse("reports:unit", args=[released.pk, "U1"])).content.decode()
    assert "No sickness-absence figure can be shown for this unit" in small
    assert "Key figures: sickness absence, headcount" in chief.get("/").content.decode()


def test_covid_counts_as_own_illness_from_the_chosen_date(
    org: dict[str, Unit], settings: object
) -> None:
    """A covid spell from Thursday 6 to Tuesday 11 March 2025 with the date set to Monday
    10 March: Thursday and Friday stay covid (the figures before are "without covid"), the
    Monday and Tuesday count as own illness, and the spell counts once in its band. With
    no date, covid is always kept apart."""
    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    covid = "Medarbejdernummer;Fra;Til;Fraværskode\n1003;6.3.2025;11.3.2025;C\n"
    assert not import_absence(covid.encode(), "fravær.csv").problems
    for since, expected, band in ((date(2025, 3, 10), (2, 2), 0), (None, (4, 0), 0),
                                  (date(2025, 1, 1), (0, 4), 1)):  # fmt: skip
        settings.KEYFIGURES_COVID_AS_ILLNESS_FROM = since  # type: ignore[attr-defined]
        compute_months(date(2025, 3, 1), date(2025, 3, 1))
        f = MonthFigure.objects.get(unit__code="SO-N", month=date(2025, 3, 1)).figures
        assert (f["absence:covid"], f["absence:own_illness"]) == expected, since
        # the lengths are of sickness spells (Danmarks Statistik: own illness): a spell
        # that began as covid kept apart is not one
        assert f["band:0"] == band
