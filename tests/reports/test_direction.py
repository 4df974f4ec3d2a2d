"""The one direction rule, end to end: a dimension where lower is better that rose
significantly since last time is "worse" — with the same symbol (▼) and colour — in the unit
report page, its PDF, its Excel file and the heatmap. The scores are built from answers by the
real build; only the dimension's direction is turned for the test."""

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.results.test_build import answer_all
from tests.results.test_history_and_mapping import bank_file, last_year  # noqa: F401
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.instruments.models import Dimension
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.content import unit_report
from trivsel.reports.direction import BETTER, SAME, WORSE, judge

pytestmark = pytest.mark.django_db


def test_the_rule() -> None:
    assert judge(6, higher_is_better=False, significant=True).way == WORSE
    assert judge(6, higher_is_better=False, significant=True).symbol == "▼"
    assert judge(-6, higher_is_better=False, significant=True).symbol == "▲"
    assert judge(-6, higher_is_better=True, significant=False).way == WORSE
    assert judge(-6, higher_is_better=True, significant=False).symbol == ""
    assert judge(3, higher_is_better=True, significant=False).way == BETTER
    assert judge(0, higher_is_better=False, significant=False).way == SAME


@pytest.fixture
def risen(
    last_year: Measurement,  # noqa: F811 - SO 8 on the short form's sum (4-16)
    measurement: Measurement, django_capture_on_commit_callbacks: Any,
) -> Measurement:  # fmt: skip
    """This year SO's short-form sum rose from 8 to 15 (significant); then the dimension is
    made one where lower is better (as burnout is)."""
    open_measurement(measurement)
    answer_all(measurement, [4, 4, 4, 3, 4, 4, 4, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    release_results(measurement)
    Dimension.objects.filter(key="sc_short").update(higher_is_better=False)
    return measurement


def test_a_significant_rise_where_lower_is_better_is_worse_everywhere(
    risen: Measurement, clients: dict[str, Client], tmp_path: Path
) -> None:
    report = unit_report(risen, Unit.objects.get(code="SO"))
    figure = next(f for f in report.dimensions if f.key == "sc_short")
    since = figure.comparisons["previous"]
    assert since.difference == 7 and since.flagged
    assert since.verdict is not None and since.verdict.way == WORSE

    hr = clients["hr"]
    page = hr.get(reverse("reports:unit", args=[risen.pk, "SO"])).content.decode()
    dimensions = page[page.index("<h2>Dimensions</h2>") :]
    row = dimensions[dimensions.index('<th scope="row">Social capital, short form') :]
    row = row[: row.index("</tr>")]
    assert 'class="num verdict-worse">+7 <span aria-hidden="true">▼</span>' in row
    assert "(significantly worse)" in row
    assert "significantly better" not in page
    summary = page[page.index("Significant differences") :]
    summary = summary[: summary.index("</table>")]
    assert '+7 <span aria-hidden="true">▼</span> worse' in summary

    pdf = tmp_path / "so.pdf"
    pdf.write_bytes(hr.get(reverse("reports:pdf", args=[risen.pk, "SO"])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    words = " ".join(text.stdout.decode().split())
    assert "+7 ▼ worse" in words
    assert "▲" not in words.replace("▲ better, ▼ worse", "")

    heatmap = hr.get(reverse("reports:overview", args=[risen.pk])).content.decode()
    changes = heatmap[heatmap.index("The largest changes since last time") :]
    row = changes[changes.index("Social capital, short form") :]
    row = row[: row.index("</tr>")]
    assert '+7 <span class="verdict-worse" aria-hidden="true">▼</span> (significantly worse)' in row

    book = load_workbook(io.BytesIO(hr.get(reverse("reports:xlsx", args=[risen.pk, "SO"])).content))
    texts = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert any("significantly worse" in t for t in texts)
    assert not any("significantly better" in t for t in texts)
