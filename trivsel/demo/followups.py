"""The demo's follow-up and pulse: HR's March follow-up of last year's measurement for one
department (three themes asked again and the forward-looking questions; its reports open
with the actions the units agreed), and the leader persona's pulse from one of HR's
templates, answered over three weeks and reported at close. Both run through the real
services (`create_follow_up`, `start_pulse`) and the lifecycle, like the main measurements."""

import random
from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from trivsel.cycle import lifecycle
from trivsel.cycle.followups import create_follow_up, forward_questions, themes
from trivsel.cycle.pulses import preview, start_pulse
from trivsel.demo.measurements import DemoPlan, collect, unit_levels
from trivsel.dialogue.models import Action
from trivsel.instruments.builder import pages_of
from trivsel.measurements.models import Measurement, PulseTemplate
from trivsel.organisation.models import Employee, Unit

FOLLOW_UP_THEMES = ["recognition", "influence", "social_support", "demands"]
PULSE_TEMPLATE = "Puls: anerkendelse, indflydelse og samarbejde"
PULSE_DIMENSIONS = ["recognition", "influence", "social_support", "sc_bonding", "meaning"]


def seed_follow_up(baseline: Measurement, department: Unit, seed: int) -> Measurement | None:
    """The March follow-up after `baseline` for `department`: answered, closed and released
    once March is over; a planned draft before that. Skipped when it exists."""
    tz = timezone.get_current_timezone()
    opens = datetime(timezone.localtime(baseline.closes_at).year + 1, 3, 2, 8, tzinfo=tz)
    name = f"Opfølgning marts {opens.year}: {department.name}"
    if Measurement.objects.filter(name=name).exists():
        return None
    # The themes the department's units chose to work on after the baseline, most often
    # chosen first (as HR would pick them), else a fixed few.
    worked_on = Counter(
        Action.objects.filter(
            dialogue__measurement=baseline, unit__path__startswith=department.path
        ).values_list("metric", flat=True)
    )
    offered = {t.dimension.key for t in themes(baseline)}
    chosen = [key for key, _n in worked_on.most_common() if key in offered][:4]
    chosen = chosen or [key for key in FOLLOW_UP_THEMES if key in offered]
    measurement = create_follow_up(
        baseline=baseline, units=[department], theme_keys=chosen, forward=forward_questions(),
        name=name, opens_at=opens, first_reminder_at=opens + timedelta(days=7),
        closes_at=opens + timedelta(days=14), results_release_at=opens + timedelta(days=16),
        dialogue_deadline=(opens + timedelta(days=45)).date(),
        user=get_user_model().objects.filter(username="hr").first(),
    )  # fmt: skip
    if measurement.results_release_at > timezone.now():
        return measurement  # the clock runs it when March comes
    lifecycle.open_measurement(measurement)
    plan = DemoPlan(name, measurement.questionnaire, opens, 14, (0.55, 0.9), -1, close=True)
    collect(measurement, plan, unit_levels(seed), random.Random(seed + 17), set())
    lifecycle.close_measurement(measurement)
    lifecycle.release_results(measurement)
    return measurement


def seed_pulse(questionnaire_pages_from: Measurement, leader: Employee, seed: int) -> Measurement:
    """HR's pulse template (five questions of the yearly questionnaire, unchanged) and the
    leader's pulse from it for their unit (or the unit above, where too few would be asked),
    opened 45 days ago for 21 days, answered over three weeks, closed and released."""
    versions = [v for page in pages_of(questionnaire_pages_from.questionnaire) for v in page]
    template, created = PulseTemplate.objects.get_or_create(
        name=PULSE_TEMPLATE, defaults={"days_open": 21}
    )
    if created:
        picked = []
        for key in PULSE_DIMENSIONS:
            first = next((v for v in versions if v.dimension and v.dimension.key == key
                          and not v.sensitive and v.scale is not None), None)  # fmt: skip
            if first is not None:
                picked.append(first)
        template.items.set(picked)
    existing = Measurement.objects.filter(
        kind=Measurement.Kind.PULSE, name__startswith=PULSE_TEMPLATE
    )
    if existing.exists():
        return existing.get()
    unit = leader.unit
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    start -= timedelta(days=45)  # closed three weeks ago: the leader can try a pulse now
    while not preview(unit, start).possible and unit.parent is not None:
        unit = unit.parent
    user = leader.user or get_user_model().objects.filter(username="leder").first()
    pulse = start_pulse(template, unit, user, now=start)
    lifecycle.open_measurement(pulse)
    plan = DemoPlan(pulse.name, pulse.questionnaire, start, 21, (0.6, 0.9), 1, close=True)
    collect(pulse, plan, unit_levels(seed), random.Random(seed + 29), set())
    lifecycle.close_measurement(pulse)
    lifecycle.release_results(pulse)
    return pulse
