"""The item bank's JSON: bundled content, round trips, and rejected files."""

import copy
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from trivsel.instruments.bank import (
    BUNDLED,
    BankRejected,
    export_bank,
    export_document,
    import_document,
    load_bundled,
    parse_json,
)
from trivsel.instruments.models import (
    Dimension,
    Index,
    Instrument,
    InstrumentItem,
    Item,
    ItemVersion,
    Scale,
)

pytestmark = pytest.mark.django_db
BANK_MODELS = (Scale, Dimension, Index, Item, ItemVersion, Instrument, InstrumentItem)


def bundled() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(BUNDLED.read_text(encoding="utf-8"))
    return document


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in BANK_MODELS}


def empty_bank() -> None:
    InstrumentItem.objects.all().delete()
    Instrument.objects.all().delete()
    ItemVersion.objects.all().delete()
    for model in (Item, Index, Dimension, Scale):
        model.objects.all().delete()


def test_bundled_bank_loads_and_exports_to_the_same_json() -> None:
    created = load_bundled()
    assert created["instruments"] == 8 and created["items"] == 82
    assert export_bank() == bundled()
    assert set(load_bundled().values()) == {0}  # loading again changes nothing


@pytest.mark.parametrize(
    "key",
    ["social_capital", "social_capital_short", "wellbeing", "apv", "followup", "theme_citizens",
     "comments", "action_followup"],
)  # fmt: skip
def test_every_bundled_instrument_round_trips(key: str) -> None:
    load_bundled()
    exported = export_document([Instrument.objects.get(key=key)])
    empty_bank()
    import_document(copy.deepcopy(exported))
    assert export_document([Instrument.objects.get(key=key)]) == exported


def test_bundled_content_is_complete() -> None:
    load_bundled()
    social = Instrument.objects.get(key="social_capital")
    assert 19 <= social.entries.count() <= 23
    dimensions = {
        e.item_version.dimension.key  # type: ignore[union-attr]
        for e in social.entries.select_related("item_version__dimension")
    }
    assert dimensions == {"sc_bonding", "sc_bridging", "sc_linking_leader", "sc_linking_management"}
    short = Dimension.objects.get(key="sc_short")
    assert short.rule == "sum" and short.references[0]["value"] == 10.2
    assert Scale.objects.get(key="extent0to4").scores() == {4: 4, 3: 3, 2: 2, 1: 1, 0: 0}
    for version in ItemVersion.objects.all():
        assert version.text.get("da") and version.text.get("en"), version
        assert version.measures and version.inspired_by, version
    offensive = ItemVersion.objects.filter(dimension__key="apv_offensive")
    assert offensive.count() == 8 and all(v.sensitive for v in offensive)
    assert ItemVersion.objects.filter(item__key="followup.expectation").exists()
    for scale in Scale.objects.all():
        assert all(o["labels"].get("da") and o["labels"].get("en") for o in scale.options)
    assert {"agree7", "scale0to10", "yesno", "frequency5", "perpetrator"} <= {
        s.key for s in Scale.objects.all()
    }


def minimal() -> dict[str, Any]:
    return {
        "schema": "trivsel.itembank/1",
        "scales": [{"key": "s", "labels": {"da": "S"}, "options": [
            {"value": 1, "score": 100, "labels": {"da": "Ja"}},
            {"value": 0, "score": 0, "labels": {"da": "Nej"}}]}],
        "dimensions": [{"key": "d", "names": {"da": "D"}}],
        "items": [{"key": "i.1", "text": {"da": "Spørgsmål", "en": "Question"}, "scale": "s",
                   "dimension": "d"}],
        "instruments": [{"key": "x", "names": {"da": "X"}, "items": ["i.1"]}],
    }  # fmt: skip


def rejected(document: Any) -> list[str]:
    before = counts()
    with pytest.raises(BankRejected) as caught:
        import_document(document)
    assert counts() == before
    return [str(problem) for problem in caught.value.problems]


def test_minimal_document_loads() -> None:
    assert import_document(minimal())["items"] == 1


def test_unknown_scale() -> None:
    document = minimal()
    document["items"][0]["scale"] = "nope"
    assert rejected(document) == ['items[0].scale: unknown scale "nope"']


def test_duplicate_keys() -> None:
    document = minimal()
    document["items"].append(copy.deepcopy(document["items"][0]))
    document["scales"].append(copy.deepcopy(document["scales"][0]))
    problems = rejected(document)
    assert 'items[1].key: duplicate item "i.1" version 1 (also items[0])' in problems
    assert 'scales[1].key: duplicate key "s" (also scales[0])' in problems


def test_missing_danish_text() -> None:
    document = minimal()
    document["items"][0]["text"] = {"en": "Question"}
    assert rejected(document) == ["items[0].text.da: Danish text is missing"]


def test_dimension_with_no_items() -> None:
    document = minimal()
    document["dimensions"].append({"key": "empty", "names": {"da": "Tom"}})
    assert rejected(document) == ['dimensions[1]: dimension "empty" has no items']


def test_wrong_schema_version() -> None:
    document = minimal()
    document["schema"] = "trivsel.itembank/0"
    assert rejected(document) == [
        "schema: unsupported schema 'trivsel.itembank/0'; expected \"trivsel.itembank/1\""
    ]


def test_not_json_at_all() -> None:
    with pytest.raises(BankRejected) as caught:
        parse_json(b"\x89PNG not json")
    assert str(caught.value.problems[0]).startswith("$: not JSON")


def test_every_problem_is_listed_at_once() -> None:
    document = minimal()
    document["items"][0]["scale"] = "nope"
    document["items"][0]["text"] = {"en": "x"}
    document["instruments"][0]["items"] = ["ghost"]
    document["dimensions"][0]["rule"] = "median"
    assert len(rejected(document)) == 4


def test_changed_wording_must_be_a_new_version() -> None:
    import_document(minimal())
    changed = minimal()
    changed["items"][0]["text"]["da"] = "Nyt spørgsmål"
    assert rejected(changed) == [
        'items[0]: item "i.1" version 1 exists with other content; a changed wording must be a '
        "new version"
    ]
    changed["items"][0]["version"] = 2
    changed["instruments"][0]["version"] = 2
    import_document(changed)
    assert [v.version for v in Item.objects.get(key="i.1").versions.all()] == [1, 2]
    assert Instrument.objects.get(key="x", version=2).entries.get().item_version.version == 2


def test_reference_values_can_be_added_to_a_dimension() -> None:
    import_document(minimal())
    reference = {"source": "Landsgennemsnit", "value": 61.5}
    dimension = {"key": "d", "names": {"da": "D"}, "references": [reference]}
    update = {"schema": "trivsel.itembank/1", "dimensions": [dimension]}
    import_document(update)
    assert Dimension.objects.get(key="d").references == [
        {"source": "Landsgennemsnit", "value": 61.5}
    ]


def test_commands_load_and_export(tmp_path: Any) -> None:
    call_command("load_instruments")
    out = tmp_path / "bank.json"
    call_command("export_instruments", output=out)
    assert json.loads(out.read_text(encoding="utf-8")) == bundled()
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "nope"}')
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_instruments", file=bad)


def test_comparison_key_follows_versions_same_as_and_breaks() -> None:
    document = minimal()
    import_document(document)
    v2 = copy.deepcopy(document["items"][0]) | {"version": 2, "text": {"da": "Lidt anderledes"}}
    v3 = copy.deepcopy(document["items"][0]) | {
        "version": 3, "text": {"da": "Helt nyt"}, "comparable_with_previous": False}  # fmt: skip
    official = {"key": "nfa.official.1", "text": {"da": "Officiel tekst"}, "scale": "s",
                "dimension": "d", "same_as": "i.1"}  # fmt: skip
    import_document({"schema": "trivsel.itembank/1", "items": [v2, v3, official]})
    keys = {
        (v.item.key, v.version): v.comparison_key()
        for v in ItemVersion.objects.select_related("item")
    }
    assert keys == {
        ("i.1", 1): "i.1",
        ("i.1", 2): "i.1",
        ("i.1", 3): "i.1@3",
        ("nfa.official.1", 1): "i.1",
    }
