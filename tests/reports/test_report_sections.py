"""The unit report's sections beyond the figures: what matters most here (key drivers), the
job groups, the charts. They only read stored results; a stored figure added here stands for
what the build publishes, and everything the charts draw must be a number the report shows."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.instruments.bank import load_bundled
from trivsel.instruments.builder import add_instrument, create_questionnaire, pages_of
from trivsel.instruments.models import Instrument, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.charts import report_charts
from trivsel.reports.content import unit_report
from trivsel.results.models import Result
from trivsel.survey.models import Answer, Invitation, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(db: None) -> Questionnaire:
    """Social capital (its four parts: the compass) and the wellbeing instrument (job
    satisfaction and its drivers, burnout where lower is better)."""
    load_bundled()
    questionnaire = create_questionnaire("Trivsel", None)
    page = questionnaire.pages.get()
    for key in ("social_capital", "wellbeing"):
        add_instrument(page, Instrument.objects.get(key=key, version=1))
    return questionnaire


@pytest.fixture
def released(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    open_measurement(measurement)  # Sundhed og Omsorg: 8 people answer every question
    answer_everything(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    release_results(measurement)
    return measurement


def answer_everything(measurement: Measurement, values: list[int]) -> None:
    """Each person gives the option at the same position (capped) to every scale question."""
    versions = [
        v for page in pages_of(measurement.questionnaire) for v in page
        if v.scale is not None and not v.scale.multiple and v.kind == "scale"
    ]  # fmt: skip
    invitations = Invitation.objects.filter(measurement=measurement).select_related("participant")
    for invitation, value in zip(invitations.order_by("pk"), values, strict=True):
        response = Response.objects.create(
            measurement=measurement, unit=invitation.participant.unit,
            job_group=invitation.participant.job_group, submitted=True, submitted_on="2026-11-20",
        )  # fmt: skip
        Answer.objects.bulk_create(
            Answer(response=response, item_version=v,
                   value=v.scale.options[min(value, len(v.scale.options) - 1)]["value"])
            for v in versions if v.scale is not None
        )  # fmt: skip
        invitation.responded = True
        invitation.save(update_fields=["responded"])


def drivers(
    measurement: Measurement, unit: Unit | None, found: dict[str, tuple[float, int]]
) -> None:
    Result.objects.create(
        measurement=measurement, unit=unit, scope="all" if unit is None else "subtree",
        group="", kind="driver",
        figures={key: {"n": n, "score": r} for key, (r, n) in found.items()},
    )  # fmt: skip


def test_what_matters_most_is_said_in_words_with_r_and_n(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:unit", args=[released.pk, "SO"])
    assert "What matters most here" not in clients["hr"].get(url).content.decode()
    # The whole organisation's drivers stand in where the unit has too few (under 30).
    found = {"meaning": (0.618, 412), "influence": (0.41, 410), "role_clarity": (0.12, 405)}
    drivers(released, None, found | {"job_satisfaction": (1.0, 412)})
    page = clients["hr"].get(url).content.decode()
    section = page[page.index("What matters most here") : page.index("Every question")]
    assert "so these are the figures for the whole organisation" in section
    assert "goes most closely with job satisfaction" in section.replace("go most", "goes most")
    order = [section.index(name) for name in ("Meaning of work", "Influence", "Role clarity")]
    assert order == sorted(order)  # strongest first
    assert '<td class="num">0.62</td><td class="num">412</td>' in section
    assert "Strong" in section and "Moderate" in section and "Weak" in section
    assert "Job satisfaction</th>" not in section  # the outcome is not its own driver
    # The unit's own, where it has them.
    drivers(released, Unit.objects.get(code="SO"), {"influence": (-0.35, 31)})
    section = clients["hr"].get(url).content.decode()
    section = section[section.index("What matters most here") : section.index("Every question")]
    assert "whole organisation" not in section
    assert "the higher, the less satisfied" in section and "-0.35" in section


def test_job_groups_are_shown_in_the_top_units_report_only(
    released: Measurement, clients: dict[str, Client]
) -> None:
    Result.objects.create(
        measurement=released, unit=None, scope="all", group="Sygeplejerske", kind="respondents",
        figures={"": {"n": 6, "invited": 7}},
    )  # fmt: skip
    Result.objects.create(
        measurement=released, unit=None, scope="all", group="Sygeplejerske", kind="dimension",
        figures={"meaning": {"n": 6, "score": 61.5}},
    )  # fmt: skip
    top = clients["hr"].get(reverse("reports:unit", args=[released.pk, "K"])).content.decode()
    section = top[top.index("By job group") :]
    assert "Sygeplejerske" in section and "(6)" in section and ">62<" in section  # 61.5
    department = clients["hr"].get(reverse("reports:unit", args=[released.pk, "SO"]))
    assert "By job group" not in department.content.decode()


def test_every_number_a_chart_draws_is_shown_by_the_report(
    released: Measurement, org: dict[str, Unit]
) -> None:
    """The charts' text alternatives and labels: scores and comparisons the report shows
    (a comparison's value is the score less the shown difference) and the axis ticks."""
    report = unit_report(released, org["SO"])
    shown = {f.score for f in [*report.indices, *report.dimensions] if f.score is not None}
    against = {
        f.score - c.difference
        for f in [*report.indices, *report.dimensions]
        for c in f.comparisons.values()
        if f.score is not None and c.difference is not None
    }
    allowed = {float(v) for v in shown | against} | {0.0, 25.0, 50.0, 75.0, 100.0}
    charts = report_charts(report)
    assert charts["indices"] and charts["dimensions"] and charts["compass"]
    assert "lower is better" in charts["dimensions"]  # burnout, work pace
    for name, svg in charts.items():
        drawn = re.findall(r">(-?\d+(?:\.\d+)?)<", svg) + re.findall(
            r"(?<![\w.#-])(-?\d+(?:\.\d+)?)(?=[;,)]|$| \()", _label(svg)
        )
        assert bool(drawn) == bool(svg), name
        assert {float(value) for value in drawn} <= allowed, name


def _label(svg: str) -> str:
    found = re.search(r'aria-label="([^"]*)"', svg)
    return found.group(1) if found else ""
