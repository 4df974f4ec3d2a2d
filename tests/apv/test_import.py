"""Importing earlier incidents: every problem with its row and column and nothing written;
a valid file (Danish headings, Windows-1252, `;`) imports once, and again adds nothing."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from trivsel.apv.importing import import_incidents
from trivsel.apv.models import Incident
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db

GOOD = (
    "Dato;Enhedskode;Type;Fra hvem;Beskrivelse;Skade;Første fraværsdag\n"
    "2.6.2025;U1;Vold;Borger;En borger slog ud efter en medarbejder.;ja;3.6.2025\n"
    "2025-05-12;U2;trusler;pårørende;Trusler i telefonen.;nej;\n"
)


def test_a_valid_file_imports_once(org: dict[str, Unit], tmp_path: Path) -> None:
    path = tmp_path / "hændelser.csv"
    path.write_bytes(GOOD.encode("cp1252"))
    out = io.StringIO()
    call_command("import_incidents", str(path), stdout=out)
    assert "2 incidents added, 0 already known." in out.getvalue()
    first = Incident.objects.get(unit=org["U1"])
    assert first.kind == "violence" and first.injury and str(first.first_absence) == "2025-06-03"
    out = io.StringIO()
    call_command("import_incidents", str(path), stdout=out)
    assert "0 incidents added, 2 already known." in out.getvalue()
    assert Incident.objects.count() == 2


def test_every_problem_is_listed_and_nothing_is_written(org: dict[str, Unit]) -> None:
    bad = (
        "Dato;Enhedskode;Type;Fra hvem;Beskrivelse;Skade;Første fraværsdag\n"
        "2.6.2025;U1;Vold;Borger;Ok;ja;3.6.2025\n"
        "31.2.2025;NOPE;slag;nabo;;måske;1.1.2025\n"
        "2099-01-01;U1;mobning;kollega;Fremtid;nej;\n"
    ).encode()
    result = import_incidents(bad, "bad.csv")
    said = [str(problem) for problem in result.problems]
    assert "bad.csv, row 3, column 'Dato': “31.2.2025” is not a date" in said[0]
    for text in (
        "row 3, column 'Enhedskode': No open unit has the code “NOPE”.",
        "row 3, column 'Type': “slag” is not a kind of incident",
        "row 3, column 'Fra hvem': “nabo” is not a source",
        "row 3, column 'Beskrivelse': The description is missing.",
        "row 3, column 'Skade': Write ja or nej.",
        "row 4, column 'Dato': The date of the incident cannot be in the future.",
    ):
        assert any(text in line for line in said), text
    assert not Incident.objects.exists()
    missing = import_incidents(b"Dato;Beskrivelse\n2.6.2025;x\n", "short.csv")
    assert "Missing columns: enhedskode, type, fra hvem." in str(missing.problems[0])
    with pytest.raises(CommandError, match="nothing was imported"):
        empty = Path(__file__).parent / "empty.csv"
        empty.write_bytes(b"")
        try:
            call_command("import_incidents", str(empty), stdout=io.StringIO(),
                         stderr=io.StringIO())  # fmt: skip
        finally:
            empty.unlink()


def test_earlier_apvs_start_the_three_year_clock(org: dict[str, Unit], tmp_path: Path) -> None:
    from trivsel.apv.models import Apv

    path = tmp_path / "apv.csv"
    path.write_text("Enhedskode;Godkendt;Note\nU1;15.3.2023;I APV-mappen på J-drevet\n"
                    "U2;2099-01-01;\nNOPE;1.1.2024;\n", encoding="utf-8")  # fmt: skip
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_incidents", str(path), "--apvs", stdout=io.StringIO(), stderr=err)
    assert "row 3, column 'Godkendt'" in err.getvalue()
    assert "row 4, column 'Enhedskode': No open unit has the code “NOPE”." in err.getvalue()
    assert not Apv.objects.exists()
    path.write_text("Enhedskode;Godkendt;Note\nU1;15.3.2023;I APV-mappen på J-drevet\n",
                    encoding="utf-8")  # fmt: skip
    call_command("import_incidents", str(path), "--apvs", stdout=io.StringIO())
    apv = Apv.objects.get()
    assert apv.state == "approved" and str(apv.approved_on) == "2023-03-15"
    from trivsel.apv.apv_views import status_of

    assert status_of(apv, today=date(2026, 3, 15)).status == "due_soon"
    assert status_of(apv, today=date(2026, 3, 16)).status == "overdue"
