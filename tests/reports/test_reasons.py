"""Every hidden figure says its true reason, on the page, in the heatmap, in the PDF and in
the Excel file: fewer than k answered, hidden to protect a smaller group (naming the unit
with nearly the same people where there is one), or the results are not built yet.

In the test organisation Sundhed og Omsorg has 8 respondents: Område Nord 7 and Område
Syd 1. Showing Område Nord beside the department would give Syd's one person away, so
Nord (the smaller of the two cells that resolve it) is hidden to protect a smaller group,
and Syd is hidden because fewer than 5 answered."""

import io
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.results.figures import stored
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Build, Hidden, Result

pytestmark = pytest.mark.django_db

TOO_FEW = "Not shown: fewer than 5 answered"
PROTECTS = "Not shown, to protect a group of fewer than 5"


def page(client: Client, measurement: Measurement, code: str) -> str:
    return client.get(reverse("reports:unit", args=[measurement.pk, code])).content.decode()


def test_the_stored_reasons_are_the_true_ones(released: Measurement) -> None:
    hidden = {(row.unit.code if row.unit else "*", row.kind): row.reason
              for row in Hidden.objects.filter(measurement=released)}  # fmt: skip
    assert hidden[("SO-N", "respondents")] == "protects"
    assert ("SO-S", "respondents") not in hidden  # fewer than 5: nothing stored about it
    assert not stored(code__in=["SO-N", "SO-S"])
    assert Build.objects.get(measurement=released).rows == len(stored())


def test_the_report_page_says_each_true_reason(
    released: Measurement, clients: dict[str, Client]
) -> None:
    department = page(clients["hr"], released, "SO")
    # The sub-unit table: Nord hidden to protect Syd's one person, Syd too few.
    assert department.count(PROTECTS) == 1 and department.count(TOO_FEW) == 1
    assert department.index(PROTECTS) < department.index(TOO_FEW)  # Nord comes before Syd
    nord = page(clients["area_chief"], released, "SO-N")
    assert "although at least 5 answered" in nord
    assert "Results cannot be shown for this unit: fewer than" not in nord
    assert nord.count(TOO_FEW) == 2  # its units below, Egebakken 4 and Bøgely 2
    syd = page(clients["hr"], released, "SO-S")
    assert "Results cannot be shown for this unit: fewer than 5 answered" in syd
    assert "although at least" not in syd


def test_a_hidden_unit_names_the_unit_with_nearly_the_same_people(
    released: Measurement, clients: dict[str, Client]
) -> None:
    # As for a department whose only area holds all but a few of its people.
    Hidden.objects.filter(unit__code="SO-N", kind="respondents").update(
        partner=Unit.objects.get(code="U1")
    )
    nord = page(clients["hr"], released, "SO-N")
    link = reverse("reports:unit", args=[released.pk, "U1"])
    assert f'<a href="{link}">Lokalcenter Egebakken</a> holds nearly the same people' in nord
    assert "the difference is fewer than 5" in nord


def test_results_not_built_yet_say_so(released: Measurement, clients: dict[str, Client]) -> None:
    Result.objects.filter(measurement=released).delete()
    Hidden.objects.filter(measurement=released).delete()
    Build.objects.filter(measurement=released).delete()
    department = page(clients["hr"], released, "SO")
    assert "The results have not been built yet" in department
    assert "fewer than 5" not in department
    heatmap = clients["hr"].get(reverse("reports:overview", args=[released.pk])).content
    assert "Not built yet" in heatmap.decode()


def test_the_heatmap_marks_each_reason(released: Measurement, clients: dict[str, Client]) -> None:
    url = reverse("reports:overview", args=[released.pk]) + "?levels=3"
    page = clients["hr"].get(url).content.decode()
    heatmap = page[page.index('<table class="heatmap"') :]  # after the unit picker's names
    nord = heatmap[heatmap.index("Område Nord") :]
    nord = nord[: nord.index("</tr>")]
    assert f'<span class="visually-hidden">{PROTECTS}</span>' in nord
    assert "◦" in nord and TOO_FEW not in nord
    syd = heatmap[heatmap.index("Område Syd") :]
    syd = syd[: syd.index("</tr>")]
    assert f'<span class="visually-hidden">{TOO_FEW}</span>' in syd and PROTECTS not in syd


def test_the_pdf_says_each_reason(
    released: Measurement, clients: dict[str, Client], tmp_path: Path
) -> None:
    for code, expected, absent in (
        ("SO", [PROTECTS, TOO_FEW], []),
        ("SO-N", ["although at least 5 answered"], ["this unit: fewer than"]),
        ("SO-S", ["fewer than 5 answered"], ["although at least"]),
    ):
        response = clients["hr"].get(reverse("reports:pdf", args=[released.pk, code]))
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        words = " ".join(text.stdout.decode().split())  # lines broken anywhere
        for sentence in expected:
            assert sentence in words, (code, sentence)
        for sentence in absent:
            assert sentence not in words, (code, sentence)


def test_the_excel_file_says_each_reason(released: Measurement, clients: dict[str, Client]) -> None:
    def cells(code: str) -> list[str]:
        response = clients["hr"].get(reverse("reports:xlsx", args=[released.pk, code]))
        book = load_workbook(io.BytesIO(response.content))
        return [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows()
                for cell in row if cell.value is not None]  # fmt: skip

    department = cells("SO")
    assert PROTECTS in department and TOO_FEW in department
    assert any("although at least 5 answered" in text for text in cells("SO-N"))
    assert any("Results cannot be shown for this unit: fewer than 5" in t for t in cells("SO-S"))


def test_the_rates_page_shows_the_same_units_as_the_reports(released: Measurement) -> None:
    """After close, the rates page's counts are the reports' respondents: the same rule on
    the same counts must show the same units, or the two could be subtracted."""
    from trivsel.survey.rates import unit_rates

    rates = {unit.code for unit, _own, subtree in unit_rates(released, Unit.objects.all())
             if subtree.answered is not None}  # fmt: skip
    reports = {f.code for f in stored(released, kind="respondents", scope="subtree", group="")}
    assert rates == reports == {"K", "SO"}
