"""The unit report's comments: every shown comment can be read on the page, 50 at a time,
and searched (?q=, case-insensitive, the count shown); a list the anonymity rules hide
stays hidden whatever is asked; the PDF keeps a clear number; the page's queries do not
grow with the number of comments."""

import re
import subprocess
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.instruments.builder import add_instrument
from trivsel.instruments.models import Instrument, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.comments import COMMENTS_PER_PAGE, comment_page
from trivsel.reports.content import COMMENTS_SHOWN
from trivsel.results.models import Kind, Result, Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_comments(
    measurement: Measurement, questionnaire: Questionnaire, django_capture_on_commit_callbacks: Any
) -> Measurement:
    """The conftest's 8 answer the short form (no comment written: the comment lists are
    hidden), released."""
    add_instrument(questionnaire.pages.get(), Instrument.objects.get(key="comments"))
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    release_results(measurement)
    return measurement


def store_comments(measurement: Measurement, code: str, texts: list[str]) -> None:
    """As if at least 10 had written comments for the unit (the build stores them sorted)."""
    Result.objects.update_or_create(
        measurement=measurement, unit=Unit.objects.get(code=code), scope=Scope.SUBTREE,
        group="", kind=Kind.COMMENTS,
        defaults={"figures": {"free.comments": {"n": len(texts), "texts": sorted(texts)}}},
    )  # fmt: skip


def texts(count: int) -> list[str]:
    return [
        f"Kommentar {i:03d} om {'Kaffen' if i % 3 == 0 else 'vagtplanen'}" for i in range(count)
    ]


def page(client: Client, measurement: Measurement, code: str = "SO", **params: str) -> str:
    url = reverse("reports:unit", args=[measurement.pk, code])
    return client.get(url, params).content.decode()


def listed(html: str) -> list[str]:
    block = html.split('<ul class="comments"', 1)
    if len(block) == 1:
        return []
    return re.findall(r"<li>(.*?)</li>", block[1].split("</ul>", 1)[0])


def test_comments_are_paged_and_every_one_can_be_read(
    with_comments: Measurement, clients: dict[str, Client]
) -> None:
    store_comments(with_comments, "SO", texts(120))
    seen = []
    for number in (1, 2, 3):
        html = page(clients["hr"], with_comments, comments_page=str(number))
        seen += listed(html)
        assert "120 comments." in html
    assert seen == sorted(texts(120))  # all of them, in order, none twice
    first = page(clients["hr"], with_comments)
    assert len(listed(first)) == COMMENTS_PER_PAGE and "Showing 1–50." in first
    assert "Page 1 of 3" in first and 'href="?comments_page=2#comments"' in first
    assert "Previous page" not in first
    last = page(clients["hr"], with_comments, comments_page="3")
    assert "Showing 101–120." in last and "Next page" not in last
    # A page number out of range or not a number shows a real page, never an error.
    assert listed(page(clients["hr"], with_comments, comments_page="99")) == listed(last)
    assert listed(page(clients["hr"], with_comments, comments_page="x")) == listed(first)
    assert "the Excel file has them all" not in first


def test_search_filters_the_comments_case_insensitively_and_keeps_its_place(
    with_comments: Measurement, clients: dict[str, Client]
) -> None:
    store_comments(with_comments, "SO", [*texts(120), "Æbler og ØL på fredag"])
    html = page(clients["hr"], with_comments, q="KAFFEN")
    found = listed(html)
    assert len(found) == 40 and all("Kaffen" in text for text in found)
    assert "40 of 121 comments contain “KAFFEN”." in html
    assert 'value="KAFFEN"' in html and 'action="#comments"' in html  # a plain GET form
    assert "Show every comment" in html and "Page" not in html.split("comments-count")[1][:200]
    assert listed(page(clients["hr"], with_comments, q="øl")) == ["Æbler og ØL på fredag"]
    markup = page(clients["hr"], with_comments, q='<b id="x">')
    assert '<b id="x">' not in markup and "&lt;b id=&quot;x&quot;&gt;" in markup  # escaped
    none = page(clients["hr"], with_comments, q="ingen sådan tekst")
    assert listed(none) == [] and "0 of 121 comments contain" in none
    # Paging within a search keeps the search.
    many = page(clients["hr"], with_comments, q="vagtplanen")
    assert "80 of 121" in many and 'href="?q=vagtplanen&amp;comments_page=2#comments"' in many
    second = page(clients["hr"], with_comments, q="vagtplanen", comments_page="2")
    assert len(listed(second)) == 30 and "Page 2 of 2" in second


def test_a_hidden_comment_list_stays_hidden_whatever_is_asked(
    with_comments: Measurement, clients: dict[str, Client]
) -> None:
    store_comments(with_comments, "SO", texts(12))  # SO's are shown; U1's stay hidden
    for params in ({}, {"q": "Kommentar"}, {"comments_page": "2"}, {"q": "", "comments_page": "1"}):
        html = page(clients["unit_leader"], with_comments, "U1", **params)
        assert listed(html) == [] and "Kommentar 0" not in html, params
        assert "Search the comments" not in html
    hr = page(clients["hr"], with_comments, "SO-N", q="Kommentar")
    assert listed(hr) == [] and "Kommentar 0" not in hr
    assert comment_page(None, QueryDict("q=x")) is None


def test_the_pdf_shows_a_clear_number_and_says_where_the_rest_are(
    with_comments: Measurement, clients: dict[str, Client], tmp_path: Any
) -> None:
    store_comments(with_comments, "SO", texts(COMMENTS_SHOWN + 20))
    response = clients["hr"].get(reverse("reports:pdf", args=[with_comments.pk, "SO"]), {"q": "x"})
    path = tmp_path / "so.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    pdf = text.decode()
    assert "Kommentar 000" in pdf and "Kommentar 119" not in pdf
    assert "And 20 more comments" in " ".join(pdf.split())


def test_the_report_page_reads_a_fixed_number_of_queries_whatever_the_comments(
    with_comments: Measurement, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    store_comments(with_comments, "SO", texts(12))
    page(clients["hr"], with_comments)  # warm the questionnaire cache
    with django_assert_max_num_queries(30):
        few = page(clients["hr"], with_comments, q="kommentar")
    store_comments(with_comments, "SO", texts(3000))
    with django_assert_max_num_queries(30):
        many = page(clients["hr"], with_comments, q="kommentar", comments_page="40")
    assert "12 of 12" in few and "3000 of 3000" in many and "Page 40 of 60" in many
