"""The units that need support: signals from shown figures only, worst first; HR sets the
thresholds (audited); leaders see their own part; CSV; others are refused."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.keyfigures.test_import_and_months import ABSENCE, EMPLOYMENT
from trivsel.apv.models import Incident
from trivsel.core.models import AuditEntry
from trivsel.keyfigures.compute import compute_months
from trivsel.keyfigures.importing import import_absence, import_employment
from trivsel.organisation.models import Unit
from trivsel.support.models import Thresholds

pytestmark = pytest.mark.django_db


def test_signals_thresholds_and_access(
    released: Any, org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    import_absence(ABSENCE.encode(), "fravær.csv")
    compute_months(date(2024, 1, 1), date(2026, 12, 1))
    for _ in range(12):
        Incident.objects.create(unit=org["U1"], occurred_on=date(2026, 8, 3), kind="threats",
                                source="citizen", description="x")  # fmt: skip
    url = reverse("support:view")
    hr = clients["hr"]
    page = hr.get(url, {"depth": 5})
    assert page.status_code == 200
    rows = {row.unit.code: row for row in page.context["rows"]}
    area = rows["SO-N"]
    assert area.incidents == 12 and "incidents" in area.signals
    assert rows["U2"].incidents is None  # fewer than 5: no figure, no signal from it
    # a turnover of one leaver among six in the twelve months to March 2025 is not in the
    # window (2025-12 .. 2026-11); sickness absence there is none
    assert area.absence == 0.0 and "absence" not in area.signals
    assert page.context["rows"][0].signals  # worst first
    saved = hr.post(url, {"low_social_capital": "90", "wellbeing_drop": "5",
                          "high_absence": "6", "rising_absence": "1", "high_turnover": "20",
                          "incidents": "50"})  # fmt: skip
    assert saved.status_code == 302 and Thresholds.current().incidents == 50
    assert AuditEntry.objects.filter(target="support thresholds").exists()
    rows = {row.unit.code: row for row in hr.get(url, {"depth": 5}).context["rows"]}
    assert "incidents" not in rows["SO-N"].signals
    # a Danish decimal comma is read as one (a number input had read "6,5" as 65)
    hr.post(url, {"low_social_capital": "90", "wellbeing_drop": "5", "high_absence": "6,5",
                  "rising_absence": "1", "high_turnover": "20", "incidents": "50"},
            HTTP_ACCEPT_LANGUAGE="da")  # fmt: skip
    assert Thresholds.current().high_absence == 6.5
    # (the test measurement asks the short form only: it has no social-capital index)
    assert rows["SO"].social_capital is None and "social_capital" not in rows["SO"].signals
    csv = hr.get(url, {"depth": "5", "format": "csv"}).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Unit code;Unit;Signals")
    chief = clients["area_chief"].get(url, {"depth": 5})
    codes = {row.unit.code for row in chief.context["rows"]}
    assert "SO-N" in codes and "SO" not in codes and "K" not in codes
    assert clients["area_chief"].post(url, {"incidents": "1"}).status_code == 403
    for persona in ("trio", "outsider"):
        assert clients[persona].get(url).status_code == 403, persona


def test_each_signal_and_its_threshold() -> None:
    from trivsel.support.signals_of import Row, signals

    limits = Thresholds()
    unit = Unit(code="X", name="X")
    quiet = Row(unit, 70, -2, 4.0, 0.2, 10, 3)
    assert signals(quiet, limits) == []
    loud = Row(unit, 50, -6, 7.5, 1.5, 25, 10)
    assert signals(loud, limits) == [
        "social_capital", "wellbeing", "absence", "rising_absence", "turnover", "incidents",
    ]  # fmt: skip
    assert signals(Row(unit), limits) == []  # nothing shown: no signal


def test_sorting_by_a_column_puts_the_worst_first_and_the_unknown_last() -> None:
    from trivsel.support.signals_of import Row
    from trivsel.support.views import sort_rows

    a, b, c = (Unit(code=code, name=code, path=f"1/{n}/") for n, code in enumerate("ABC"))
    found = [Row(a, 70, -2, 4.0, 0.2, 10, 3), Row(b, 50, None, 7.0, 1.5, None, 10),
             Row(c, None, -6, 5.5, None, 25, None)]  # fmt: skip

    def order(sort: str) -> str:
        return "".join(row.unit.code for row in sort_rows(found, sort))

    assert order("social_capital") == "BAC"  # lowest first, none last
    assert order("wellbeing") == "CAB"  # the biggest fall first
    assert order("absence") == "BCA" and order("turnover") == "CAB"
    assert order("incidents") == "BAC" and order("unit") == "ABC"
    assert order("signals") == "ABC"  # as computed (most signals first)
