"""import_history creates a closed past measurement that this year's results compare with,
through HR's unit mapping (merge: pooled, only if every part was shown); bad files list
every problem and import nothing; the mapping page goes through the access check."""

import datetime
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sparse
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.results.figures import Stored, one, stored
from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement
from trivsel.engine.compute import Earlier, combine_previous
from trivsel.instruments.bank import export_bank, load_bundled
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import UnitMapping
from trivsel.survey.models import Answer, Response

pytestmark = pytest.mark.django_db
SHORT = ["sc.short.1", "sc.short.2", "sc.short.3", "sc.short.4"]


@pytest.fixture
def bank_file(tmp_path: Path) -> Path:
    load_bundled()
    path = tmp_path / "q.json"
    path.write_text(json.dumps(export_bank()), encoding="utf-8")
    return path


def history_file(tmp_path: Path, lines: list[str], name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_history(bank: Path, responses: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_history", "--questionnaire", str(bank), "--responses", str(responses),
        "--units-column", "unit", "--name", "Trivselsmåling 2025", "--closed-on", "2025-11-01",
        *extra, stdout=out, stderr=out,
    )  # fmt: skip
    return out.getvalue()


@pytest.fixture
def last_year(org: dict[str, Unit], bank_file: Path, tmp_path: Path) -> Measurement:
    """2025: 10 in U1 answering 3 to every short-form item (sum 12), 10 in U3 answering 1
    (sum 4): SO-N 12, SO-S 4, SO 8."""
    lines = ["unit;job;" + ";".join(SHORT)]
    lines += ["U1;nurse;3;3;3;3"] * 10 + ["U3;helper;1;1;1;1"] * 10
    said = import_history(bank_file, history_file(tmp_path, lines), "--group-column", "job")
    assert "20 respondents, 80 answers" in said
    return Measurement.objects.get(name="Trivselsmåling 2025")


def previous(measurement: Measurement, code: str) -> float | None:
    """The SO-style subtree row's difference with last year, or None without one."""
    versus = short_row(measurement, code).versus
    return versus["previous"].difference if "previous" in versus else None


def short_row(measurement: Measurement, code: str) -> Stored:
    return one(measurement, code=code, scope="subtree", group="", kind="dimension",
               metric="sc_short")  # fmt: skip


def test_history_becomes_a_closed_measurement_with_results(last_year: Measurement) -> None:
    assert last_year.state == Measurement.State.CLOSED
    assert last_year.questionnaire.is_locked
    assert Response.objects.filter(measurement=last_year, submitted=True).count() == 20
    assert short_row(last_year, "SO").score == pytest.approx(8)
    assert short_row(last_year, "SO-N").score == pytest.approx(12)
    groups = {figure.group for figure in stored(last_year, kind="respondents")}
    assert groups == {"", "nurse", "helper"}


def close_this_year(measurement: Measurement, captured: Any) -> None:
    open_measurement(measurement)  # SO: 8 people
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])  # SO: mean of sums 4 * 20 / 8 = 10
    with captured(execute=True):
        close_measurement(measurement)


def test_this_year_compares_with_last_year_and_the_mapping_rebuilds(
    last_year: Measurement, measurement: Measurement, clients: dict[str, Client],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    close_this_year(measurement, django_capture_on_commit_callbacks)
    assert short_row(measurement, "SO").score == pytest.approx(10)
    assert previous(measurement, "SO") == pytest.approx(10 - 8)  # the unit with the same code
    hr = clients["hr"]
    url = reverse("results:mapping")
    # SO is now compared with last year's Område Nord only: 10 - 12.
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(url, {"unit": "SO", "previous_code": "SO-N", "note": "test"})
    assert response.status_code == 302
    assert previous(measurement, "SO") == pytest.approx(-2)
    # Made from Nord and Syd: pooled, (10 * 12 + 10 * 4) / 20 = 8.
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(url, {"unit": "SO", "previous_code": "SO-S"})
    assert previous(measurement, "SO") == pytest.approx(2)
    # A part that was not shown last year (Team Dag had no respondents): no comparison.
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(url, {"unit": "SO", "previous_code": "U1-T1"})
    assert previous(measurement, "SO") is None
    # Removing lines goes back.
    for line in UnitMapping.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            hr.post(reverse("results:mapping_remove", args=[line.pk]))
    assert previous(measurement, "SO") == pytest.approx(2)
    page = hr.get(url)
    assert "No lines yet" in page.content.decode()


def test_mapping_form_says_what_is_wrong(org: dict[str, Unit], clients: dict[str, Client]) -> None:
    url = reverse("results:mapping")
    page = clients["hr"].post(url, {"unit": "NOPE", "previous_code": "ALSO-NOPE"}).content.decode()
    assert "No unit has the code “NOPE”." in page
    assert "No unit, open or closed, has the code “ALSO-NOPE”." in page
    assert not UnitMapping.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("hr", 200), ("area_chief", 403), ("unit_leader", 403), ("trio", 403), ("outsider", 403),
     ("anonymous", 302)],
)  # fmt: skip
def test_mapping_page_access(clients: dict[str, Client], persona: str, status: int) -> None:
    assert clients[persona].get(reverse("results:mapping")).status_code == status
    line = UnitMapping.objects.create(unit=Unit.objects.get(code="SO"), previous_code="SO-N")
    removed = clients[persona].post(reverse("results:mapping_remove", args=[line.pk]))
    assert removed.status_code == (302 if status == 200 else status)
    assert UnitMapping.objects.filter(pk=line.pk).exists() == (status != 200)


def test_bad_history_files_list_every_problem_and_import_nothing(
    org: dict[str, Unit], bank_file: Path, tmp_path: Path
) -> None:
    lines = ["unit;" + ";".join(SHORT) + ";nope.item"]
    lines += ["U1;3;3;3;3;1", "U9;3;3;3;3;1", "U1;7;x;3;3;1"]
    before = (Measurement.objects.count(), Response.objects.count(), Answer.objects.count())
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_history", "--questionnaire", str(bank_file),
            "--responses", str(history_file(tmp_path, lines)), "--name", "x",
            "--closed-on", "2025-01-01", stderr=err,
        )  # fmt: skip
    said = err.getvalue()
    # An unknown question column does not hide the rows' problems: all are listed at once.
    assert "row 1" in said and "nope.item" in said
    assert "row 3" in said and "No unit has this code." in said
    assert "row 4" in said and "sc.short.1" in said and "7 is not an answer" in said
    assert "“x” is not a whole number." in said
    after = (Measurement.objects.count(), Response.objects.count(), Answer.objects.count())
    assert after == before


def test_history_dry_run_writes_nothing(
    org: dict[str, Unit], bank_file: Path, tmp_path: Path
) -> None:
    lines = ["unit;" + ";".join(SHORT), "U1;3;3;3;3"]
    said = import_history(bank_file, history_file(tmp_path, lines), "--dry-run")
    assert "no problems (dry run" in said
    assert not Measurement.objects.exists()


def test_pooling_last_years_figures_by_hand() -> None:
    # Earlier units: A (n 4, mean 10, sd 2), B (n 6, mean 20, sd 4), C hidden (n 0).
    n = np.array([4.0, 6.0, 0.0]).reshape(3, 1, 1)
    mean = np.array([10.0, 20.0, np.nan]).reshape(3, 1, 1)
    sd = np.array([2.0, 4.0, np.nan]).reshape(3, 1, 1)
    # Now: X = A + B (merged), Y = C, Z = B + C.
    parts = sparse.csr_array(np.array([[1.0, 1, 0], [0, 0, 1], [0, 1, 1]]))
    got_n, got_mean, got_sd = combine_previous(Earlier.of(n, mean, sd), parts).dense()
    assert got_n.ravel().tolist() == [10, 0, 0]
    assert got_mean[0, 0, 0] == pytest.approx(16)  # (40 + 120) / 10
    # Sum of squares: A 3·4 + 4·100 = 412, B 5·16 + 6·400 = 2480; var = (2892 - 2560) / 9
    assert got_sd[0, 0, 0] == pytest.approx(((2892 - 2560) / 9) ** 0.5)
    assert np.isnan(got_mean[1, 0, 0]) and np.isnan(got_mean[2, 0, 0])


def test_close_date_is_kept(last_year: Measurement) -> None:
    assert last_year.closes_at.date() == datetime.date(2025, 11, 1)


def test_the_unit_report_shows_the_trend_with_last_year(
    last_year: Measurement, measurement: Measurement, clients: dict[str, Client],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    close_this_year(measurement, django_capture_on_commit_callbacks)
    page = clients["hr"].get(reverse("reports:unit", args=[measurement.pk, "SO"]))
    text = page.content.decode()
    start = text.index("Over time")
    trend = text[start : text.index("</table>", start)]
    assert "Trivselsmåling 2025" in trend and "Trivselsmåling 2026" in trend
    assert '<td class="num">8</td><td class="num">10</td>' in trend
    assert "+2" in text  # since last time, in the dimensions table
