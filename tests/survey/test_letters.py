"""Printable letters: one page per person with neither e-mail nor mobile, with their short
code and a QR code of their link; HR only."""

import base64
import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trivsel.cycle.lifecycle import open_measurement
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee
from trivsel.survey.answering import submit
from trivsel.survey.letters import grouped, needs_letter, render_letters
from trivsel.survey.models import Invitation

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """The page contents of a reportlab PDF, decompressed."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\s*endstream", pdf, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):  # reportlab wraps the compressed stream in ASCII85
            data = base64.a85decode(data[:-2])
        try:
            parts.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


@pytest.fixture
def opened(measurement: Measurement) -> Measurement:
    # Karl (U1) and Tove (U1-T1) have no e-mail and no mobile.
    Employee.objects.filter(number__in=["1005", "1006"]).update(email="", mobile="")
    open_measurement(measurement)
    return measurement


def test_one_page_per_person_who_cannot_be_reached(opened: Measurement) -> None:
    invitations = list(needs_letter(opened))
    names = [i.participant.employee.name for i in invitations]
    assert names == ["Karl Kollega", "Tove Team"]  # by unit, then name
    pdf = render_letters(opened, invitations)
    assert pdf.startswith(b"%PDF") and page_count(pdf) == 2
    text = pdf_text(pdf)
    for invitation in invitations:
        assert f"({grouped(invitation.short_code)})" in text
        assert invitation.participant.employee.name in text
    assert "Din personlige kode / Your personal code" in text
    assert "(Trivselsm\\345ling 2026)" in text  # å in Helvetica's WinAnsi encoding
    # The exact closing time, not only the day (collection may close in the morning).
    closes = timezone.localtime(opened.closes_at)
    flat = re.sub(r"\)\s*Tj\s*[^()]*\(", " ", text)  # the wrapped lines joined
    assert f"{closes:%H:%M}" in flat and str(closes.year) in flat


def test_the_letters_do_not_tell_who_has_answered(
    clients: dict[str, Client], opened: Measurement
) -> None:
    """Everyone without e-mail and mobile gets a letter, answered or not, and the PDF is the
    same bytes before and after one of them answers: printing twice tells HR nothing."""
    url = reverse("measurements:letters", args=[opened.pk]) + "?unit=U1"
    before = clients["hr"].get(url).content
    submit(Invitation.objects.get(participant__employee__number="1005"), 0)
    after = clients["hr"].get(url).content
    assert page_count(after) == 2 and after == before
    assert [i.participant.employee.number for i in needs_letter(opened)] == ["1005", "1006"]
    assert "If you have already answered: thank you" in pdf_text(after)


def test_hr_downloads_letters_for_all_or_one_unit(
    clients: dict[str, Client], opened: Measurement
) -> None:
    url = reverse("measurements:letters", args=[opened.pk])
    detail = clients["hr"].get(reverse("measurements:detail", args=[opened.pk])).content.decode()
    assert "2 people have neither e-mail nor mobile" in detail
    everyone = clients["hr"].get(url)
    assert everyone["Content-Type"] == "application/pdf"
    assert page_count(everyone.content) == 2
    team = clients["hr"].get(url + "?unit=U1-T1")
    assert page_count(team.content) == 1 and "Tove Team" in pdf_text(team.content)
    unknown = clients["hr"].get(url + "?unit=NOPE", follow=True).content.decode()
    assert "There is no unit with the code “NOPE”" in unknown
    nobody = clients["hr"].get(url + "?unit=U3", follow=True).content.decode()
    assert "Nobody here needs a letter" in nobody


@pytest.mark.parametrize("persona", ["area_chief", "unit_leader", "trio", "outsider"])
def test_only_hr_prints_letters(
    clients: dict[str, Client], opened: Measurement, persona: str
) -> None:
    response = clients[persona].get(reverse("measurements:letters", args=[opened.pk]))
    assert response.status_code == 403


def test_letters_only_while_open(clients: dict[str, Client], measurement: Measurement) -> None:
    url = reverse("measurements:letters", args=[measurement.pk])
    page = clients["hr"].get(url, follow=True).content.decode()
    assert "Letters are printed only while the measurement is open" in page
