"""The demo's measurements: the two years before released (so reports have a trend and changes
since last time), this year open, realistic answers that differ between units, and the
personas free to try the survey."""

import io
import re
from statistics import mean

import pytest
from django.core.management import call_command
from django.db.models import Count

from trivsel.measurements.models import Measurement, Turnout
from trivsel.survey.models import Answer, Invitation, Response

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: object) -> str:  # type: ignore[misc]
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        out = io.StringIO()
        call_command("seed_demo", employees=600, stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def test_two_years_released_this_year_open(seeded: str) -> None:
    mains = Measurement.objects.filter(kind=Measurement.Kind.MAIN)
    states = dict(mains.values_list("name", "state"))
    assert sorted(states.values()) == ["open", "released", "released"]
    older, last, now = sorted(mains, key=lambda m: m.opens_at)
    assert older.opens_at.year == last.opens_at.year - 1 == now.opens_at.year - 2
    assert older.questionnaire_id == last.questionnaire_id
    assert last.questionnaire_id == now.questionnaire_id  # so every question compares
    invited = Invitation.objects.filter(measurement=now).count()
    assert invited == now.participants.count() > 500
    answered_now = Invitation.objects.filter(measurement=now, responded=True).count()
    assert answered_now == Response.objects.filter(measurement=now, submitted=True).count()
    # Last year is closed: its invitations are gone, the rates as they may be shown kept.
    top = Turnout.objects.get(measurement=last, unit__parent=None)
    assert top.invited_below == last.participants.count() > 500
    answered_last = top.answered_below or 0
    assert answered_last == Response.objects.filter(measurement=last, submitted=True).count()
    assert not Turnout.objects.filter(measurement=last, answered_below__lt=5).exists()
    rate_last = answered_last / 600
    rate_now = answered_now / 600
    assert 0.6 < rate_last < 0.97 and 0.15 < rate_now < 0.75
    # This year's invitations went out, and the printed link lets medarbejder answer.
    assert not Invitation.objects.filter(measurement=now, invited_at=None).exists()
    assert f"Measurement: {now.name} (open)" in seeded
    token = re.search(r"Answer as medarbejder: \S+/s/([\w-]+)/", seeded)
    assert token is not None
    assert not Invitation.objects.get(token=token.group(1)).responded
    # After close nothing links last year's responses to anyone; they are sealed.
    assert not Invitation.objects.filter(measurement=last).exists()
    assert last.sealed_at is not None
    assert not Response.objects.filter(measurement=last, submitted=False).exists()
    assert not Response.objects.filter(measurement=last, submitted_on__isnull=False).exists()
    # This year's answers were given in the two languages and on several days.
    languages = set(Response.objects.filter(measurement=now).values_list("language", flat=True))
    assert languages == {"da", "en"}
    days = Response.objects.filter(measurement=now).values("submitted_on").distinct().count()
    assert days > 1


def test_answers_are_valid_and_differ_between_units(seeded: str) -> None:
    last = Measurement.objects.filter(state="released", kind="main").latest("opens_at")
    answers = Answer.objects.filter(response__measurement=last).select_related(
        "item_version__scale"
    )
    by_unit: dict[int, list[int]] = {}
    for unit_id, value in answers.filter(
        item_version__scale__key="extent5", value__isnull=False
    ).values_list("response__unit_id", "value"):
        by_unit.setdefault(unit_id, []).append(int(value or 0))
    for answer in answers.iterator():
        version = answer.item_version
        if version.scale is None:
            assert answer.text
        elif answer.not_relevant:
            assert version.not_relevant
        elif version.scale.multiple:
            offered = {o["value"] for o in version.scale.options}
            assert answer.values and set(answer.values) <= offered
        else:
            assert answer.value in {o["value"] for o in version.scale.options}
    unit_means = [mean(values) for values in by_unit.values() if len(values) > 200]
    assert len(unit_means) > 10
    assert max(unit_means) - min(unit_means) > 0.6  # on a 1-5 scale
    per_response = Response.objects.filter(measurement=last).annotate(n=Count("answers"))
    assert min(r.n for r in per_response) > 40


def test_a_march_follow_up_for_one_department_and_a_leaders_pulse(seeded: str) -> None:
    from trivsel.dialogue.models import Action
    from trivsel.organisation.models import Employee
    from trivsel.reports.baseline import changes
    from trivsel.results.read import units_shown

    last = Measurement.objects.filter(state="released", kind="main").latest("opens_at")
    follow_up = Measurement.objects.get(kind=Measurement.Kind.FOLLOW_UP)
    assert follow_up.baseline == last and follow_up.name.startswith("Opfølgning marts")
    assert follow_up.opens_at.month == 3 and follow_up.opens_at.year == last.opens_at.year + 1
    (scope,) = follow_up.scope.all()
    assert scope.unit.depth == 1  # one department
    assert follow_up.state == "released" and follow_up.sealed_at is not None
    shown = units_shown(follow_up)
    assert scope.unit.pk in shown
    _baseline, found = changes(follow_up, scope.unit)
    assert {c.verdict for c in found} <= {"better", "worse", "same", "not comparable"}
    assert any(c.interval is not None for c in found)
    assert Action.objects.filter(dialogue__measurement=last,
                                 unit__path__startswith=scope.unit.path).exists()  # fmt: skip
    pulse = Measurement.objects.get(kind=Measurement.Kind.PULSE)
    leader = Employee.objects.get(user__username="leder")
    assert pulse.created_by == leader.user and pulse.state == "released"
    assert not pulse.by_job_group
    assert Response.objects.filter(measurement=pulse, submitted=True).count() >= 5
    (pulse_scope,) = pulse.scope.all()
    assert leader.unit.path.startswith(pulse_scope.unit.path)
    assert pulse_scope.unit.pk in units_shown(pulse)


def test_the_demo_has_plausible_key_figures(seeded: str) -> None:
    from trivsel.keyfigures.models import MonthFigure, Spell
    from trivsel.keyfigures.read import latest_month, series
    from trivsel.organisation.models import Unit

    assert Spell.objects.count() > 1000
    last = latest_month()
    assert last is not None
    top = series(Unit.objects.get(code="K"), last)
    complete = top.months[-2].month  # the last complete month
    days = top.days_per_fte(complete)
    assert days is not None and 6 < days < 25  # Danish municipalities: 12-16
    assert top.plausible(complete)
    # small units have no figure
    assert MonthFigure.objects.filter(shown=False).exists()
    assert not MonthFigure.objects.filter(shown=False).exclude(figures={}).exists()
