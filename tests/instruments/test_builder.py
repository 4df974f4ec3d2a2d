"""The questionnaire builder: HR only, every change through a service, locked means locked."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.instruments.bank import load_bundled
from trivsel.instruments.builder import lock_questionnaire
from trivsel.instruments.models import Instrument, ItemVersion, Questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(db: None) -> None:
    load_bundled()


@pytest.fixture
def questionnaire(clients: dict[str, Client], bank: None) -> Questionnaire:
    response = clients["hr"].post(reverse("instruments:bank"), {"name": "Trivsel 2026"})
    assert response.status_code == 302
    return Questionnaire.objects.get(name="Trivsel 2026")


def act(client: Client, questionnaire: Questionnaire, **data: Any) -> Any:
    return client.post(reverse("instruments:builder_action", args=[questionnaire.pk]), data)


@pytest.mark.parametrize("persona", ["area_chief", "unit_leader", "trio", "outsider"])
def test_only_hr_reaches_the_builder(
    clients: dict[str, Client], questionnaire: Questionnaire, persona: str
) -> None:
    urls = [
        reverse("instruments:bank"),
        reverse("instruments:builder", args=[questionnaire.pk]),
        reverse("instruments:preview", args=[questionnaire.pk]),
    ]
    for url in urls:
        assert clients[persona].get(url).status_code == 403, url
    assert act(clients[persona], questionnaire, action="add_page").status_code == 403
    assert clients["anonymous"].get(urls[0]).status_code == 302


def test_build_a_questionnaire_with_pages_instruments_items_and_free_text(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    hr = clients["hr"]
    first_page = questionnaire.pages.get()
    social = Instrument.objects.get(key="social_capital")
    expectation = ItemVersion.objects.get(item__key="followup.expectation")
    assert act(hr, questionnaire, action="add_element", page=first_page.pk,
               element=f"instrument:{social.pk}").status_code == 302  # fmt: skip
    assert act(hr, questionnaire, action="add_page", title_da="Opfølgning",
               title_en="Follow-up").status_code == 302  # fmt: skip
    second_page = questionnaire.pages.get(order=1)
    act(
        hr,
        questionnaire,
        action="add_element",
        page=second_page.pk,
        element=f"item:{expectation.pk}",
    )
    act(hr, questionnaire, action="add_free_text", page=second_page.pk,
        text_da="Hvad skal vi blive bedre til?", text_en="What should we improve?")  # fmt: skip
    elements = list(second_page.elements.all())
    assert [e.item_version.item.key for e in elements] == [  # type: ignore[union-attr]
        "followup.expectation",
        f"q{questionnaire.pk}.free.1",
    ]  # type: ignore[union-attr]
    act(hr, questionnaire, action="up", element=elements[1].pk)
    assert second_page.elements.first().item_version.kind == "free_text"  # type: ignore[union-attr]
    page = hr.get(reverse("instruments:builder", args=[questionnaire.pk])).content.decode()
    assert "Social capital" in page and "What should we improve?" in page  # English is preview-only
    act(hr, questionnaire, action="remove", element=elements[0].pk)
    assert second_page.elements.count() == 1


def test_preview_in_danish_and_english(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    page = questionnaire.pages.get()
    apv = Instrument.objects.get(key="apv")
    act(
        clients["hr"],
        questionnaire,
        action="add_element",
        page=page.pk,
        element=f"instrument:{apv.pk}",
    )
    url = reverse("instruments:preview", args=[questionnaire.pk])
    # The APV page, then its follow-up screen ("from whom?" only after an exposure).
    danish = "".join(
        clients["hr"].get(url, {"lang": "da", "page": str(n)}).content.decode() for n in (1, 2)
    )
    english = "".join(
        clients["hr"].get(url, {"lang": "en", "page": str(n)}).content.decode() for n in (1, 2)
    )
    assert "Side 2 af 2" in danish
    assert "været udsat for mobning" in danish and "Kollega" in danish and "Ikke relevant" in danish
    assert (
        "subjected to bullying" in english and "Colleague" in english and "Not relevant" in english
    )
    assert 'type="checkbox"' in english  # who-did-it allows several answers
    assert clients["hr"].get(url, {"lang": "fr"}).status_code == 404


def test_invalid_form_is_shown_with_its_error(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    response = act(clients["hr"], questionnaire, action="add_page", title_da="", title_en="x")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert questionnaire.pages.count() == 1


def test_locked_questionnaire_refuses_every_change(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    page = questionnaire.pages.get()
    social = Instrument.objects.get(key="social_capital")
    act(
        clients["hr"],
        questionnaire,
        action="add_element",
        page=page.pk,
        element=f"instrument:{social.pk}",
    )
    lock_questionnaire(questionnaire)
    element = page.elements.get()
    changes: list[dict[str, Any]] = [
        {"action": "add_page", "title_da": "Ny", "title_en": "New"},
        {"action": "remove", "element": element.pk},
        {"action": "add_free_text", "page": page.pk, "text_da": "x", "text_en": "y"},
    ]
    for data in changes:
        response = act(clients["hr"], questionnaire, **data)
        assert response.status_code == 302
    assert questionnaire.pages.count() == 1 and page.elements.count() == 1
    html = (
        clients["hr"].get(reverse("instruments:builder", args=[questionnaire.pk])).content.decode()
    )
    assert "locked" in html and "Move up" not in html


def test_element_of_another_questionnaire_is_404(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    other = Questionnaire.objects.create(name="Other")
    page = other.pages.create(order=0, title={"da": "x"})
    element = page.elements.create(order=0, instrument=Instrument.objects.first())
    assert act(clients["hr"], questionnaire, action="remove", element=element.pk).status_code == 404


def test_hr_loads_a_json_file_and_sees_every_problem(
    clients: dict[str, Client], bank: None
) -> None:
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    item = {"key": "x", "text": {"en": "X"}, "scale": "nope"}
    bad = json.dumps({"schema": "trivsel.itembank/1", "items": [item]}).encode()
    response = clients["hr"].post(
        reverse("instruments:upload"), {"file": SimpleUploadedFile("bank.json", bad)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "items[0].text.da: Danish text is missing" in html
    assert "items[0].scale: unknown scale &quot;nope&quot;" in html
    names = {
        "da": "Samarbejde i arbejdsgruppen (bonding)",
        "en": "Collaboration within the work group (bonding)",
    }
    dimension = {
        "key": "sc_bonding",
        "names": names,
        "references": [{"source": "Sektor", "value": 70}],
    }
    good = json.dumps({"schema": "trivsel.itembank/1", "dimensions": [dimension]}).encode()
    response = clients["hr"].post(
        reverse("instruments:upload"), {"file": SimpleUploadedFile("ref.json", good)}
    )
    assert response.status_code == 302
    from trivsel.instruments.models import Dimension

    assert Dimension.objects.get(key="sc_bonding").references == [{"source": "Sektor", "value": 70}]


def test_download_instrument_and_questionnaire_json(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    import json

    social = Instrument.objects.get(key="social_capital")
    response = clients["hr"].get(reverse("instruments:download", args=["instrument", social.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="social_capital-v1.json"'
    assert len(json.loads(response.content)["items"]) == 21
    act(clients["hr"], questionnaire, action="add_element", page=questionnaire.pages.get().pk,
        element=f"instrument:{social.pk}")  # fmt: skip
    response = clients["hr"].get(
        reverse("instruments:download", args=["questionnaire", questionnaire.pk])
    )
    document = json.loads(response.content)
    assert document["questionnaires"][0]["pages"][0]["elements"] == [
        {"instrument": "social_capital", "version": 1}
    ]
    assert (
        clients["unit_leader"]
        .get(reverse("instruments:download", args=["instrument", social.pk]))
        .status_code
        == 403
    )


def test_preview_of_a_questionnaire_without_pages_says_so(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    questionnaire.pages.all().delete()
    url = reverse("instruments:preview", args=[questionnaire.pk])
    response = clients["hr"].get(url, follow=True)
    assert response.status_code == 200  # not a server error
    assert "has no pages yet" in response.content.decode()


def test_rename_a_page_and_copy_a_locked_questionnaire_into_a_new_draft(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    page = questionnaire.pages.get()
    apv = Instrument.objects.get(key="apv")
    act(clients["hr"], questionnaire, action="add_element", page=page.pk,
        element=f"instrument:{apv.pk}")  # fmt: skip
    act(clients["hr"], questionnaire, action="rename_page", page=page.pk,
        title_da="Arbejdsmiljø", title_en="Work environment")  # fmt: skip
    page.refresh_from_db()
    assert page.title == {"da": "Arbejdsmiljø", "en": "Work environment"}
    bad = act(clients["hr"], questionnaire, action="rename_page", page=page.pk, title_da="")
    assert bad.status_code == 400
    lock_questionnaire(questionnaire)
    response = act(clients["hr"], questionnaire, action="copy_questionnaire")
    copy = Questionnaire.objects.exclude(pk=questionnaire.pk).get()
    assert response["Location"] == reverse("instruments:builder", args=[copy.pk])
    assert not copy.is_locked and copy.name.startswith(questionnaire.name)
    [copied] = copy.pages.all()
    assert copied.title == page.title
    assert [e.instrument_id for e in copied.elements.all()] == [apv.pk]
    act(clients["hr"], copy, action="rename_page", page=copied.pk, title_da="Ny", title_en="New")
    page.refresh_from_db()
    assert page.title["da"] == "Arbejdsmiljø"  # the locked original is untouched
