"""HR's pulse templates (1-15 questions from the bank) and a leader starting a pulse from one
for their unit: refused for a unit too small to be shown (the page says why), never for a
unit outside the leader's own (404), not for those who lead nothing (403)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.instruments.bank import load_bundled
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement, PulseTemplate, ScopeUnit
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(clients: dict[str, Client]) -> PulseTemplate:
    load_bundled()
    items = list(ItemVersion.objects.filter(item__key__startswith="sc.short.").order_by("pk"))
    url = reverse("measurements:pulse_templates")
    too_many = list(ItemVersion.objects.filter(kind="scale", sensitive=False)[:16])
    bad = clients["hr"].post(url, {"name": "For mange", "days_open": "7",
                                   "items": [v.pk for v in too_many]})  # fmt: skip
    assert bad.status_code == 400 and "Choose 1 to 15 questions." in bad.content.decode()
    done = clients["hr"].post(url, {"name": "Social kapital-puls", "days_open": "7",
                                    "items": [v.pk for v in items]})  # fmt: skip
    assert done.status_code == 302
    assert clients["unit_leader"].get(url).status_code == 403
    return PulseTemplate.objects.get(name="Social kapital-puls")


def test_a_leader_starts_a_pulse_for_their_unit(
    template: PulseTemplate, clients: dict[str, Client], org: dict[str, Unit]
) -> None:
    url = reverse("measurements:pulse_start")
    chief = clients["area_chief"]  # leads Område Nord: 7 people
    assert "Start a pulse measurement for your unit" in chief.get("/").content.decode()
    seen = chief.post(url, {"template": template.pk, "unit": "SO-N", "preview": ""})
    assert "All 7 people would be asked." in seen.content.decode()
    started = chief.post(url, {"template": template.pk, "unit": "SO-N", "start": ""})
    assert started.status_code == 302
    pulse = Measurement.objects.get(kind=Measurement.Kind.PULSE)
    assert [s.unit.code for s in ScopeUnit.objects.filter(measurement=pulse)] == ["SO-N"]
    assert pulse.results_release_at == pulse.closes_at
    items = [v.item.key for page in pages_of(pulse.questionnaire) for v in page]
    assert items == ["sc.short.1", "sc.short.2", "sc.short.3", "sc.short.4"]
    # No job groups in a pulse unless the template asks for them: not even kept.
    assert not pulse.by_job_group
    from trivsel.cycle.lifecycle import open_measurement
    from trivsel.measurements.models import Participant

    open_measurement(pulse)
    groups = set(Participant.objects.filter(measurement=pulse).values_list("job_group", flat=True))
    assert groups == {""}
    from trivsel.organisation.models import Employee

    assert Employee.objects.filter(unit__path__startswith=org["SO-N"].path).exclude(job_group="")


def test_too_small_outside_or_not_a_leader(
    template: PulseTemplate, clients: dict[str, Client]
) -> None:
    url = reverse("measurements:pulse_start")
    small = clients["unit_leader"].post(url, {"template": template.pk, "unit": "U1-T1",
                                              "start": ""})  # fmt: skip
    assert small.status_code == 400 and "fewer than 5" in small.content.decode()
    outside = clients["unit_leader"].post(url, {"template": template.pk, "unit": "U3",
                                                "start": ""})  # fmt: skip
    assert outside.status_code == 404
    for persona in ("trio", "outsider"):
        assert clients[persona].get(url).status_code == 403, persona
    assert not Measurement.objects.filter(kind=Measurement.Kind.PULSE).exists()


def test_the_pulse_s_report_is_mailed_to_the_leader_and_trio_at_release(
    template: PulseTemplate, clients: dict[str, Client], org: dict[str, Unit],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from django.core import mail

    from trivsel.cycle.lifecycle import close_measurement, release_results

    clients["area_chief"].post(reverse("measurements:pulse_start"),
                               {"template": template.pk, "unit": "SO-N", "start": ""})  # fmt: skip
    pulse = Measurement.objects.get(kind=Measurement.Kind.PULSE)
    with django_capture_on_commit_callbacks(execute=True):
        from trivsel.cycle.lifecycle import open_measurement

        open_measurement(pulse)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(pulse)
    with django_capture_on_commit_callbacks(execute=True):
        release_results(pulse)
    # Its heatmap (with the pulse's whole population on top) is for those who may see
    # Område Nord: not for the leader of a unit in it, nor anyone elsewhere.
    heatmap = reverse("reports:overview", args=[pulse.pk])
    assert clients["area_chief"].get(heatmap).status_code == 200
    assert clients["hr"].get(heatmap).status_code == 200
    for persona in ("unit_leader", "trio", "outsider"):
        assert clients[persona].get(heatmap).status_code == 404, persona
        xlsx = reverse("reports:overview_xlsx", args=[pulse.pk])
        assert clients[persona].get(xlsx).status_code == 404, persona
    # HR's dashboard links the pulse to the unit it was for, with no dialogue of its own.
    dashboard = clients["hr"].get("/").content.decode()
    assert reverse("reports:unit", args=[pulse.pk, "SO-N"]) in dashboard
    assert reverse("reports:unit", args=[pulse.pk, "K"]) not in dashboard
    assert reverse("dialogue:dialogue", args=[pulse.pk, "K"]) not in dashboard
    told = [m for m in mail.outbox if "results of" in m.subject]
    assert [m.to for m in told] == [["ole@testby.dk"]]  # Område Nord's leader; no TRIO there
    assert f"/reports/{pulse.pk}/units/SO-N/" in told[0].body


def test_a_pulse_that_differs_from_a_recent_one_by_fewer_than_k_is_refused(
    template: PulseTemplate, users: dict[str, Any], org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    """Sundhed og Omsorg (8 people) has had a pulse; Område Nord (7 of the same 8) a week
    later would give the eighth person's answers away by the difference of the two."""
    from datetime import timedelta

    from django.utils import timezone

    from trivsel.cycle.lifecycle import TransitionRefused
    from trivsel.cycle.pulses import preview, start_pulse

    now = timezone.now()
    start_pulse(template, org["SO"], users["hr"], now=now - timedelta(days=7))
    assert preview(org["SO-N"], now).too_close is not None
    with pytest.raises(TransitionRefused, match="asked nearly the same people: fewer than 5"):
        start_pulse(template, org["SO-N"], users["area_chief"], now=now)
    asked = {"template": template.pk, "unit": "SO-N", "preview": ""}
    page = clients["area_chief"].post(reverse("measurements:pulse_start"), asked)
    assert page.status_code == 400 and "nearly the same people" in page.content.decode()
    # The same people again is no difference; three months later the two are far apart.
    assert preview(org["SO"], now).too_close is None
    assert preview(org["SO-N"], now + timedelta(days=91)).too_close is None
    start_pulse(template, org["SO-N"], users["area_chief"], now=now + timedelta(days=91))


def test_a_pulse_of_the_same_unit_after_two_left_is_refused(
    template: PulseTemplate, users: dict[str, Any], org: dict[str, Unit]
) -> None:
    """The attacker's case: a pulse of Sundhed og Omsorg (8 asked) is opened; two of them
    leave; the same unit a month later would ask the other 6, and the difference of the two
    reports would be those two's answers. Compared with whom the first one asked, not with
    who is there now."""
    from datetime import timedelta

    from django.utils import timezone

    from trivsel.cycle.lifecycle import TransitionRefused, open_measurement
    from trivsel.cycle.pulses import preview, start_pulse
    from trivsel.organisation.models import Employee

    now = timezone.now()
    first = start_pulse(template, org["SO"], users["hr"], now=now - timedelta(days=40))
    assert open_measurement(first) == 8
    Employee.objects.filter(number__in=["1008", "1009"]).update(is_active=False)
    assert preview(org["SO"], now).too_close == first
    with pytest.raises(TransitionRefused, match="asked nearly the same people"):
        start_pulse(template, org["SO"], users["hr"], now=now)
