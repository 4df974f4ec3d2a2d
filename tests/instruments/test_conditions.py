"""Conditional questions in the builder and the bank: set, checked, kept in order, copied,
exported and loaded again; the pure rules checked against a brute force."""

import itertools
import random
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.instruments.bank import (
    BankRejected,
    export_document,
    import_document,
    load_bundled,
)
from trivsel.instruments.builder import (
    BuilderRefused,
    QuestionnaireLocked,
    add_instrument,
    add_item,
    add_page,
    copy_questionnaire,
    create_questionnaire,
    lock_questionnaire,
    move_element,
    remove_element,
    rules_of,
    screens_of,
    set_condition,
)
from trivsel.instruments.conditions import Rule, asked, misplaced, screens
from trivsel.instruments.models import (
    Condition,
    Instrument,
    InstrumentItem,
    ItemVersion,
    Questionnaire,
)

EXPOSED = [1, 2, 3, 4]  # "Ja, dagligt" ... "Ja, få gange"; 5 is "Nej"


def version(key: str) -> ItemVersion:
    return ItemVersion.objects.select_related("scale").get(item__key=key)


@pytest.fixture
def apv(db: None) -> Questionnaire:
    """A questionnaire with the APV instrument on page 1 and a free question on page 2."""
    load_bundled()
    questionnaire = create_questionnaire("APV 2026", None)
    add_instrument(questionnaire.pages.get(), Instrument.objects.get(key="apv"))
    page = add_page(questionnaire, {"da": "Til sidst", "en": "Finally"})
    add_item(page, version("free.comments"))
    return questionnaire


# The pure rules ------------------------------------------------------------------------


def test_asked_follows_answers_and_chains() -> None:
    rules = {2: Rule(1, frozenset({1, 2})), 3: Rule(2, frozenset({4}))}
    order = [1, 2, 3, 4]
    assert asked(order, rules, {}) == {1, 4}
    assert asked(order, rules, {1: {"value": 5}}) == {1, 4}
    assert asked(order, rules, {1: {"value": 2}}) == {1, 2, 4}
    assert asked(order, rules, {1: {"value": 2}, 2: {"values": [3, 4]}}) == {1, 2, 3, 4}
    # An answer left behind on a question no longer asked does not ask its follower.
    assert asked(order, rules, {1: {"value": 5}, 2: {"values": [4]}}) == {1, 4}


def test_asked_against_a_brute_force_over_every_answer() -> None:
    """Oracle: a question is asked exactly when there is a chain of met conditions from an
    unconditional question to it, each link's question being answered with a listed value."""
    rng = random.Random(7)
    for _round in range(200):
        size = rng.randint(1, 6)
        order = list(range(1, size + 1))
        rules = {
            q: Rule(rng.randint(1, q - 1), frozenset(rng.sample([1, 2, 3], rng.randint(1, 2))))
            for q in order[1:]
            if rng.random() < 0.6
        }
        for values in itertools.product([None, 1, 2, 3], repeat=size):
            answers: dict[int, dict[str, object]] = {
                q: {"value": v} for q, v in zip(order, values, strict=True) if v is not None
            }

            assert asked(order, rules, answers) == {q for q in order if reached(q, rules, answers)}


def reached(question: int, rules: dict[int, Rule], answers: dict[int, dict[str, object]]) -> bool:
    rule = rules.get(question)
    if rule is None:
        return True
    value = answers.get(rule.depends_on, {}).get("value")
    return reached(rule.depends_on, rules, answers) and value in rule.values


class V:
    def __init__(self, pk: int):
        self.pk = pk

    def __repr__(self) -> str:
        return f"V{self.pk}"


def test_screens_split_a_page_only_where_it_depends_on_itself() -> None:
    one, two, three, four, five = (V(n) for n in range(1, 6))
    pages = [[one, two, three], [four, five]]
    assert screens(pages, {}) == pages
    # 2 depends on 1 (same page): a follow-up screen; 4 depends on 1 (earlier page): stays.
    rules = {2: Rule(1, frozenset({1})), 4: Rule(1, frozenset({1}))}
    assert screens(pages, rules) == [[one, three], [two], [four, five]]
    # A chain on one page: one follow-up screen per step.
    rules = {2: Rule(1, frozenset({1})), 3: Rule(2, frozenset({1}))}
    assert screens(pages, rules) == [[one], [two], [three], [four, five]]


def test_misplaced_finds_rules_pointing_forward_or_away() -> None:
    rules = {2: Rule(1, frozenset({1})), 3: Rule(4, frozenset({1})), 5: Rule(9, frozenset({1}))}
    assert sorted(misplaced([1, 2, 3, 4, 5], rules)) == [3, 5]


# The builder ---------------------------------------------------------------------------


def test_the_apv_instrument_brings_its_from_whom_conditions(apv: Questionnaire) -> None:
    rules = rules_of(apv)
    assert {version(key).pk: version(key[: -len(".from")]).pk for key in (
        "apv.bullying.from", "apv.sexual_harassment.from", "apv.threats.from",
        "apv.violence.from",
    )} == {question: rule.depends_on for question, rule in rules.items()}  # fmt: skip
    assert all(rule.values == frozenset(EXPOSED) for rule in rules.values())
    # The APV page becomes the page and one follow-up screen with the four "from whom?".
    shown = screens_of(apv)
    assert len(shown) == 3
    assert [v.item.key for v in shown[1]] == [
        "apv.bullying.from", "apv.sexual_harassment.from", "apv.threats.from",
        "apv.violence.from",
    ]  # fmt: skip
    assert "apv.bullying.from" not in {v.item.key for v in shown[0]}


def test_set_condition_refuses_what_could_not_work(apv: Questionnaire) -> None:
    last = version("free.comments")
    bullying = version("apv.bullying")
    with pytest.raises(BuilderRefused, match="before"):
        set_condition(apv, bullying, last, [1])  # depends on a later question
    with pytest.raises(BuilderRefused, match="at least one"):
        set_condition(apv, last, bullying, [9])  # not an answer it offers
    with pytest.raises(BuilderRefused, match="everyone"):
        set_condition(apv, last, bullying, [1, 2, 3, 4, 5])
    with pytest.raises(BuilderRefused, match="score"):  # a scored question: never conditional
        set_condition(apv, version("apv.conduct.1"), bullying, [1])
    with pytest.raises(BuilderRefused, match="in this questionnaire"):
        set_condition(apv, version("sc.short.1"), bullying, [1])
    assert Condition.objects.filter(questionnaire=apv).count() == 4  # unchanged
    set_condition(apv, last, bullying, [5])
    assert rules_of(apv)[last.pk] == Rule(bullying.pk, frozenset({5}))
    set_condition(apv, last, bullying, [4, 1])  # replaces it, in the scale's order
    assert Condition.objects.get(questionnaire=apv, question=last).values == [1, 4]


def test_a_move_that_puts_a_question_before_its_condition_is_refused(
    db: None,
) -> None:
    load_bundled()
    questionnaire = create_questionnaire("Rækkefølge", None)
    page = questionnaire.pages.get()
    first = add_item(page, version("apv.bullying"))
    add_item(page, version("apv.bullying.from"))
    set_condition(questionnaire, version("apv.bullying.from"), version("apv.bullying"), EXPOSED)
    with pytest.raises(BuilderRefused, match="must come after"):
        move_element(first, 1)
    assert [e.item_version_id for e in page.elements.order_by("order")] == [
        version("apv.bullying").pk,
        version("apv.bullying.from").pk,
    ]
    # Removing the question it depends on removes the condition (and says so).
    assert remove_element(first) == 1
    assert not Condition.objects.filter(questionnaire=questionnaire).exists()


def test_a_question_is_in_a_questionnaire_once(apv: Questionnaire) -> None:
    """Else a condition's question could sit before the question it depends on (adding the
    follow-up again on an earlier page), and one person would answer one question twice."""
    first_page = apv.pages.order_by("order").first()
    assert first_page is not None
    with pytest.raises(BuilderRefused, match="already in the questionnaire"):
        add_item(first_page, version("apv.bullying.from"))
    with pytest.raises(BuilderRefused, match="already in the questionnaire"):
        add_instrument(first_page, Instrument.objects.get(key="apv"))
    assert first_page.elements.count() == 1


def test_malformed_ids_in_the_builder_are_404_not_500(
    clients: dict[str, Client], hr_apv: Questionnaire
) -> None:
    hr = clients["hr"]
    change = reverse("instruments:builder_action", args=[hr_apv.pk])
    for data in (
        {"action": "up", "element": "abc"},
        {"action": "remove", "element": "1.5"},
        {"action": "rename_page", "page": "abc", "title_da": "x", "title_en": "y"},
        {"action": "remove_page", "page": "abc"},
    ):
        assert hr.post(change, data).status_code == 404, data
    url = conditions_url(hr_apv)
    assert hr.post(url, {"action": "remove_condition", "condition": "abc"}).status_code == 404
    assert hr.get(url, {"question": "abc", "depends_on": "x"}).status_code == 200


def test_copy_keeps_the_conditions_and_a_locked_questionnaire_refuses_changes(
    apv: Questionnaire,
) -> None:
    lock_questionnaire(apv)
    apv.refresh_from_db()
    with pytest.raises(QuestionnaireLocked):
        set_condition(apv, version("free.comments"), version("apv.bullying"), [5])
    copy = copy_questionnaire(apv, "APV 2027", None)
    assert rules_of(copy) == rules_of(apv)


# The bank file -------------------------------------------------------------------------


def test_a_questionnaire_file_carries_its_conditions_there_and_back(apv: Questionnaire) -> None:
    set_condition(apv, version("free.comments"), version("apv.threats"), [1, 2])
    document = export_document([], [apv])
    assert len(document["questionnaires"][0]["conditions"]) == 5
    entries = document["instruments"][0]["items"]
    assert {"item": "apv.bullying", "values": EXPOSED} in [e.get("shown_if") for e in entries]
    document["questionnaires"][0]["name"] = "APV 2026 (indlæst)"
    import_document(document)
    loaded = Questionnaire.objects.get(name="APV 2026 (indlæst)")
    assert rules_of(loaded) == rules_of(apv)


def test_a_bad_condition_in_a_file_is_reported_where_it_is(db: None) -> None:
    load_bundled()
    document: dict[str, Any] = {
        "schema": "trivsel.itembank/1",
        "instruments": [
            {
                "key": "mini",
                "names": {"da": "Mini"},
                "items": [
                    {
                        "key": "apv.bullying.from",
                        "shown_if": {"item": "apv.bullying", "values": [1]},
                    },
                    {"key": "apv.bullying", "shown_if": {"item": "apv.bullying", "values": []}},
                ],
            }
        ],
    }
    with pytest.raises(BankRejected) as rejected:
        import_document(document)
    problems = [str(problem) for problem in rejected.value.problems]
    assert any("instruments[0].items[0].shown_if.item" in p for p in problems), problems
    assert any("instruments[0].items[1].shown_if.values" in p for p in problems), problems
    assert not Instrument.objects.filter(key="mini").exists()


def test_loading_the_bank_again_gives_an_older_installation_the_conditions(db: None) -> None:
    load_bundled()
    InstrumentItem.objects.update(shown_if={})  # as installed before conditions existed
    load_bundled()
    assert InstrumentItem.objects.exclude(shown_if={}).count() == 4


# The pages -----------------------------------------------------------------------------


def conditions_url(questionnaire: Questionnaire) -> str:
    return reverse("instruments:conditions", args=[questionnaire.pk])


@pytest.fixture
def hr_apv(clients: dict[str, Client], apv: Questionnaire) -> Questionnaire:
    return apv


@pytest.mark.parametrize("persona", ["area_chief", "unit_leader", "trio", "outsider"])
def test_only_hr_reaches_the_conditions(
    clients: dict[str, Client], hr_apv: Questionnaire, persona: str
) -> None:
    url = conditions_url(hr_apv)
    assert clients[persona].get(url).status_code == 403
    assert clients[persona].post(url, {"action": "remove_condition"}).status_code == 403
    assert Condition.objects.filter(questionnaire=hr_apv).count() == 4


def test_hr_sets_changes_and_removes_a_condition_in_two_steps(
    clients: dict[str, Client], hr_apv: Questionnaire
) -> None:
    hr, url = clients["hr"], conditions_url(hr_apv)
    page = hr.get(url).content.decode()
    assert "have you been subjected to bullying at work?" in page
    assert page.count('name="action" value="remove_condition"') == 4
    last, threats = version("free.comments"), version("apv.threats")
    # Step one: the two questions; the answers of the second are offered.
    step = hr.get(url, {"question": last.pk, "depends_on": threats.pk}).content.decode()
    assert "Yes, weekly" in step and 'name="values"' in step
    assert "field-error" not in step
    # No answer chosen: said at the field, nothing saved.
    refused = hr.post(url, {"question": last.pk, "depends_on": threats.pk})
    assert refused.status_code == 400
    assert "Choose at least one answer." in refused.content.decode()
    # A condition that cannot work: the builder's reason, nothing saved.
    bullying = version("apv.bullying")
    backwards = hr.post(url, {"question": bullying.pk, "depends_on": threats.pk, "values": ["1"]})
    assert backwards.status_code == 400
    assert "must come before it" in backwards.content.decode()
    assert not Condition.objects.filter(question=last).exists()
    response = hr.post(url, {"question": last.pk, "depends_on": threats.pk, "values": ["1", "2"]})
    assert response.status_code == 302
    assert Condition.objects.get(questionnaire=hr_apv, question=last).values == [1, 2]
    # "Change" shows the answers chosen now.
    change = hr.get(url, {"question": last.pk, "depends_on": threats.pk}).content.decode()
    assert change.count("checked") == 2
    builder = hr.get(reverse("instruments:builder", args=[hr_apv.pk])).content.decode()
    assert "Conditional questions (5)" in builder
    condition = Condition.objects.get(question=last)
    assert (
        hr.post(url, {"action": "remove_condition", "condition": condition.pk}).status_code == 302
    )
    assert not Condition.objects.filter(question=last).exists()


def test_the_preview_says_whom_a_conditional_question_is_asked(
    clients: dict[str, Client], hr_apv: Questionnaire
) -> None:
    url = reverse("instruments:preview", args=[hr_apv.pk])
    # As respondents meet it: the APV page, its "from whom?" screen, then the last page.
    first = clients["hr"].get(url, {"lang": "da"}).content.decode()
    assert "Side 1 af 3" in first and "fra hvem?" not in first
    danish = clients["hr"].get(url, {"lang": "da", "page": "2"}).content.decode()
    assert "Side 2 af 3" in danish and "APV" in danish  # the follow-up has its page's title
    assert "Stilles kun til dem, der svarede" in danish and "»Ja, dagligt«" in danish
    english = clients["hr"].get(url, {"lang": "en", "page": "2"}).content.decode()
    assert "Asked only of those who answered" in english and "Yes, daily" in english
