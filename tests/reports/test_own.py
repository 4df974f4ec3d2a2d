"""An employee's front page: their open questionnaire (through their login, no token in any
address) and their own unit's released summary — only figures the anonymity rules show,
nothing of other units, no questions or comments; where the unit's results are hidden, the
true reason and the nearest unit above whose results are shown. Leaders, who read the full
report in their panel, are not given the summary again."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EMPLOYEES_CSV, UNITS_CSV, import_csv
from tests.reports.test_build_state import unbuilt
from tests.reports.test_unit_report import visible_numbers
from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.measurements.models import Measurement
from trivsel.organisation.access import Access, Capability
from trivsel.organisation.models import Employee, Unit
from trivsel.results.models import Build, Kind
from trivsel.results.read import figures, units_shown
from trivsel.survey.models import Invitation
from trivsel.survey.views import LINK_COOKIE

pytestmark = pytest.mark.django_db

# Six more people in Lokalcenter Bøgely (U2): with Sune and Bo, 8 answer there, enough for
# U2's results to be shown; Lokalcenter Egebakken (U1, 4 people) stays hidden.
MORE_IN_U2 = "".join(
    f"{2000 + i};Kollega {i};;;Social- og sundhedshjælper;U2;nej;\n" for i in range(6)
)


def client_for(number: str) -> Client:
    user = User.objects.create_user(f"employee-{number}", password="pw")
    Employee.objects.filter(number=number).update(user=user)
    client = Client()
    client.force_login(user)
    return client


def close_with_u2(measurement: Measurement, captured: Any) -> None:
    import_csv(UNITS_CSV, EMPLOYEES_CSV + MORE_IN_U2)
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3, 2, 4, 3, 1, 2, 3])
    with captured(execute=True):
        close_measurement(measurement)


@pytest.fixture
def bogely(
    measurement: Measurement, users: dict[str, User], django_capture_on_commit_callbacks: Any
) -> Measurement:
    """Sundhed og Omsorg with 14 people, 8 of them in U2; everyone answers; released."""
    close_with_u2(measurement, django_capture_on_commit_callbacks)
    release_results(measurement)
    measurement.refresh_from_db()
    return measurement


def own_results(page: str) -> str:
    """The "your unit's results" section of the front page, as text."""
    section = page.split('id="own-results"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"<[^>]+>", " ", section)


def home(client: Client) -> str:
    return client.get(reverse("home")).content.decode()


def test_employee_sees_their_units_shown_summary_and_nothing_else(bogely: Measurement) -> None:
    u2 = Unit.objects.get(code="U2")
    assert u2.pk in units_shown(bogely)
    page = home(client_for("1008"))  # Bo Borger, U2, no role
    assert "<h1>Lokalcenter Bøgely</h1>" in page
    assert "Your unit's results: Trivselsmåling 2026" in page
    summary = own_results(page)
    respondents = figures(bogely, [u2], [Kind.RESPONDENTS]).get(u2.pk, Kind.RESPONDENTS)
    assert respondents is not None and f" {respondents.n} " in summary
    assert "Response rate" in summary and "Dimensions" in summary
    # Only the summary: no questions, comments, sub-units, other units or report links.
    for absent in ("Every question", "Comments", "Units below", "Lokalcenter Egebakken",
                   "Område Nord", "/reports/", "You are not responsible"):  # fmt: skip
        assert absent not in page, absent
    text = summary.replace("(0-16)", "")  # the scale in the dimension's name
    numbers = {float(n) for n in re.findall(r"(?<![\w.])[-+]?\d+(?:\.\d+)?", text)}
    allowed = visible_numbers(bogely, "U2") | {0.0, 100.0, 5.0, 2026.0}  # from the wording
    assert numbers <= allowed, numbers - allowed


def test_employee_may_not_open_the_full_report_or_another_unit(
    bogely: Measurement, clients: dict[str, Client]
) -> None:
    employee = client_for("1008")
    for code in ("U2", "U1", "SO"):
        assert employee.get(reverse("reports:unit", args=[bogely.pk, code])).status_code == 404
        assert employee.get(reverse("reports:xlsx", args=[bogely.pk, code])).status_code == 404
    assert employee.get(reverse("reports:overview", args=[bogely.pk])).status_code == 404
    access = Access.for_user(User.objects.get(username="employee-1008"))
    assert access.can(Capability.VIEW_SUMMARY, Unit.objects.get(code="U2"))
    assert not access.can(Capability.VIEW_SUMMARY, Unit.objects.get(code="U1"))
    assert not access.can(Capability.VIEW_UNIT, Unit.objects.get(code="U2"))
    assert access.visible_units().count() == 0 and not access.is_anybody


def test_employee_of_a_hidden_unit_is_told_why_and_where_the_results_are(
    bogely: Measurement,
) -> None:
    u1 = Unit.objects.get(code="U1")
    assert u1.pk not in units_shown(bogely)
    summary = own_results(home(client_for("1005")))  # Karl Kollega, U1
    assert "Results cannot be shown for this unit: fewer than 5 answered" in summary
    shown = units_shown(bogely)
    nearest = next(a for a in reversed(u1.ancestors()) if a.pk in shown)
    assert f"The nearest unit above whose results are shown is {nearest.name}." in summary
    assert "Response rate" not in summary and "Indices" not in summary


def test_a_unit_hidden_to_protect_a_smaller_group_says_so(released: Measurement) -> None:
    # The conftest's 8: Område Nord (7) is hidden to protect Område Syd's one person.
    Employee.objects.filter(number="1008").update(unit=Unit.objects.get(code="SO-N"))
    summary = own_results(home(client_for("1008")))
    assert "Results are not shown for this unit although at least 5 answered" in summary
    assert "The nearest unit above whose results are shown is Sundhed og Omsorg." in summary


@pytest.mark.parametrize(
    ("build", "says"),
    [
        ({"status": Build.Status.QUEUED, "queued_at": timezone.now()}, "waiting to be built"),
        ({"status": Build.Status.RUNNING, "step": Build.Step.COMPUTE,
          "started_at": timezone.now()}, "The results are being built now"),
        ({"status": Build.Status.FAILED, "error": "MemoryError",
          "finished_at": timezone.now()}, "HR can start the build again"),
    ],
)  # fmt: skip
def test_a_missing_build_is_never_called_suppression(
    released: Measurement, build: dict[str, Any], says: str
) -> None:
    unbuilt(released, **build)
    summary = own_results(home(client_for("1005")))
    assert says in summary
    assert "fewer than" not in summary and "not shown" not in summary.lower()
    assert "MemoryError" not in summary  # the error is for HR
    assert "Response rate" not in summary


def test_employee_finds_their_open_questionnaire_without_a_token_in_any_address(
    measurement: Measurement, users: dict[str, User], clients: dict[str, Client]
) -> None:
    open_measurement(measurement)
    employee = client_for("1005")
    own = reverse("survey:own", args=[measurement.pk])
    page = home(employee)
    assert "Your questionnaire: Trivselsmåling 2026" in page and own in page
    invitation = Invitation.objects.get(participant__employee__number="1005")
    assert invitation.token not in page and invitation.short_code not in page
    response = employee.get(own)
    assert response.status_code == 302 and response["Location"] == reverse("survey:page")
    assert invitation.token not in response["Location"]
    assert response.cookies[LINK_COOKIE].value  # the same signed cookie as the link gives
    survey = employee.get(reverse("survey:page"))
    assert survey.status_code == 200 and "Trivselsmåling 2026" in survey.content.decode()
    # Answered: the questionnaire is no longer offered.
    Invitation.objects.filter(pk=invitation.pk).update(responded=True)
    assert own not in home(employee)
    # Nobody reaches an invitation that is not their own; anonymous must log in.
    assert clients["outsider"].get(own).status_code == 404  # not in the population
    anonymous = clients["anonymous"].get(own)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_outsider_without_results_is_told_so_and_anonymous_must_log_in(
    released: Measurement, clients: dict[str, Client]
) -> None:
    page = home(clients["outsider"])  # Otto, Borgmesterens Afdeling: not in the measurement
    assert "There are no released results for your unit yet." in page
    assert "Trivselsmåling 2026" not in page and "Response rate" not in page
    assert clients["anonymous"].get(reverse("home")).status_code == 302


def test_leaders_get_their_panel_not_the_summary_again(
    released: Measurement, clients: dict[str, Client]
) -> None:
    page = home(clients["unit_leader"])
    assert 'id="own-results"' not in page
    assert reverse("reports:unit", args=[released.pk, "U1"]) in page


def test_results_are_for_employees_only_once_released(
    measurement: Measurement, users: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    close_with_u2(measurement, django_capture_on_commit_callbacks)
    page = home(client_for("1008"))
    assert "There are no released results for your unit yet." in page
    assert "Response rate" not in page


def test_the_front_page_reads_a_fixed_number_of_queries(
    bogely: Measurement, django_assert_max_num_queries: Any
) -> None:
    employee = client_for("1008")
    home(employee)  # warm the questionnaire cache
    with django_assert_max_num_queries(30):
        home(employee)
    import_csv(
        UNITS_CSV + "".join(f"X{i};U2;Team {i};team\n" for i in range(30)),
        EMPLOYEES_CSV + MORE_IN_U2,
    )
    with django_assert_max_num_queries(30):
        page = home(employee)
    assert "Your unit's results" in page
