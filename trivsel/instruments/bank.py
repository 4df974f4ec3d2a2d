"""Loading and exporting the item bank. A document is checked completely (format, and
against what the bank already holds) before anything is written, in one transaction.

Items and instruments are never edited in place: loading an existing key and version
with other content is refused; a changed wording must come as a new version. Loading the
same content again changes nothing, so the bundled bank can be loaded on every deploy.
"""

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from trivsel.instruments.bank_format import KnownKeys, PathProblem, check_document
from trivsel.instruments.builder import BuilderRefused, set_condition
from trivsel.instruments.models import (
    Dimension,
    Index,
    Instrument,
    InstrumentItem,
    Item,
    ItemVersion,
    Questionnaire,
    QuestionnaireElement,
    QuestionnairePage,
    Scale,
)

BUNDLED = Path(__file__).parent / "bundled" / "trivsel-itembank.json"
SCHEMA = "trivsel.itembank/1"


class BankRejected(Exception):
    def __init__(self, problems: list[PathProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


# Canonical shapes: what export writes and what import compares, defaults filled in.


def scale_dict(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": entry["key"],
        "labels": entry["labels"],
        "multiple": entry.get("multiple", False),
        "options": [
            {"value": o["value"], "score": o.get("score"), "labels": o["labels"]}
            for o in entry["options"]
        ],
    }


def dimension_dict(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": entry["key"],
        "names": entry["names"],
        "description": entry.get("description", {}),
        "rule": entry.get("rule", "mean"),
        "higher_is_better": entry.get("higher_is_better", True),
        "references": entry.get("references", []),
        "bands": entry.get("bands", []),
    }


def index_dict(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": entry["key"],
        "names": entry["names"],
        "parts": entry["parts"],
        "references": entry.get("references", []),
    }


def item_dict(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": entry["key"],
        "version": entry.get("version", 1),
        "kind": entry.get("kind", "scale"),
        "text": entry["text"],
        "scale": entry.get("scale"),
        "reverse": entry.get("reverse", False),
        "not_relevant": entry.get("not_relevant", ""),
        "sensitive": entry.get("sensitive", False),
        "dimension": entry.get("dimension"),
        "measures": entry.get("measures", ""),
        "inspired_by": entry.get("inspired_by", ""),
        "comparable_with_previous": entry.get("comparable_with_previous", True),
        "same_as": entry.get("same_as"),
    }


def instrument_dict(entry: dict[str, Any], latest: dict[str, int]) -> dict[str, Any]:
    def ref(item: Any) -> dict[str, Any]:
        if isinstance(item, str):
            return {"key": item, "version": latest[item]}
        result = {"key": item["key"], "version": item.get("version") or latest[item["key"]]}
        if item.get("shown_if"):
            result["shown_if"] = item["shown_if"]
        return result

    return {
        "key": entry["key"],
        "version": entry.get("version", 1),
        "names": entry["names"],
        "description": entry.get("description", {}),
        "licence": entry.get("licence", ""),
        "items": [ref(item) for item in entry["items"]],
    }


def _from_scale(scale: Scale) -> dict[str, Any]:
    return scale_dict(
        {
            "key": scale.key,
            "labels": scale.labels,
            "multiple": scale.multiple,
            "options": scale.options,
        }
    )


def _from_dimension(dimension: Dimension) -> dict[str, Any]:
    return dimension_dict(
        {
            "key": dimension.key,
            "names": dimension.names,
            "description": dimension.description,
            "rule": dimension.rule,
            "higher_is_better": dimension.higher_is_better,
            "references": dimension.references,
            "bands": dimension.bands,
        }
    )


def _from_index(index: Index) -> dict[str, Any]:
    return index_dict(
        {
            "key": index.key,
            "names": index.names,
            "parts": index.parts,
            "references": index.references,
        }
    )


def _from_item(version: ItemVersion) -> dict[str, Any]:
    return item_dict(
        {
            "key": version.item.key,
            "version": version.version,
            "kind": version.kind,
            "text": version.text,
            "scale": version.scale.key if version.scale else None,
            "reverse": version.reverse,
            "not_relevant": version.not_relevant,
            "sensitive": version.sensitive,
            "dimension": version.dimension.key if version.dimension else None,
            "measures": version.measures,
            "inspired_by": version.inspired_by,
            "comparable_with_previous": version.comparable_with_previous,
            "same_as": version.item.same_as.key if version.item.same_as else None,
        }
    )


def _from_instrument(instrument: Instrument) -> dict[str, Any]:
    entries = instrument.entries.select_related("item_version__item").order_by("order")
    return {
        "key": instrument.key,
        "version": instrument.version,
        "names": instrument.names,
        "description": instrument.description,
        "licence": instrument.licence,
        "items": [
            {"key": e.item_version.item.key, "version": e.item_version.version}
            | ({"shown_if": e.shown_if} if e.shown_if else {})
            for e in entries
        ],
    }


def known_keys() -> KnownKeys:
    items: dict[str, set[int]] = {}
    for key, version in ItemVersion.objects.values_list("item__key", "version"):
        items.setdefault(key, set()).add(version)
    instruments: dict[str, set[int]] = {}
    for key, version in Instrument.objects.values_list("key", "version"):
        instruments.setdefault(key, set()).add(version)
    return KnownKeys(
        scales=set(Scale.objects.values_list("key", flat=True)),
        dimensions=set(Dimension.objects.values_list("key", flat=True)),
        items=items,
        instruments=instruments,
        dimensions_with_items=set(
            ItemVersion.objects.exclude(dimension=None).values_list("dimension__key", flat=True)
        ),
    )


def _without_conditions(instrument: dict[str, Any]) -> dict[str, Any]:
    items = [{k: v for k, v in item.items() if k != "shown_if"} for item in instrument["items"]]
    return instrument | {"items": items}


def _conflicts(document: dict[str, Any]) -> list[PathProblem]:
    """Existing entries that the document would change."""
    problems = []
    scales = {s.key: s for s in Scale.objects.all()}
    for index, entry in enumerate(document.get("scales", [])):
        if entry["key"] in scales and _from_scale(scales[entry["key"]]) != scale_dict(entry):
            problems.append(
                PathProblem(
                    f"scales[{index}]",
                    _('scale "%(key)s" exists with other content; give it a new key')
                    % {"key": entry["key"]},
                )
            )
    dimensions = {d.key: d for d in Dimension.objects.all()}
    for index, entry in enumerate(document.get("dimensions", [])):
        existing = dimensions.get(entry["key"])
        if existing is not None and existing.rule != entry.get("rule", "mean"):
            problems.append(
                PathProblem(
                    f"dimensions[{index}].rule",
                    _('dimension "%(key)s" exists with the rule "%(rule)s"')
                    % {"key": entry["key"], "rule": existing.rule},
                )
            )
    versions = {
        (v.item.key, v.version): v
        for v in ItemVersion.objects.select_related("item", "scale", "dimension", "item__same_as")
    }
    for index, entry in enumerate(document.get("items", [])):
        existing_version = versions.get((entry["key"], entry.get("version", 1)))
        if existing_version is not None and _from_item(existing_version) != item_dict(entry):
            problems.append(
                PathProblem(
                    f"items[{index}]",
                    _(
                        'item "%(key)s" version %(version)s exists with other content; a '
                        "changed wording must be a new version"
                    )
                    % {"key": entry["key"], "version": entry.get("version", 1)},
                )
            )
    latest = _latest_versions(document)
    for index, entry in enumerate(document.get("instruments", [])):
        existing_instrument = Instrument.objects.filter(
            key=entry["key"], version=entry.get("version", 1)
        ).first()
        # Its items are fixed; its conditions may change (they change who is asked, not
        # what an answer means), and loading the file again updates them.
        if existing_instrument is not None and _without_conditions(
            _from_instrument(existing_instrument)
        ) != _without_conditions(instrument_dict(entry, latest)):
            problems.append(
                PathProblem(
                    f"instruments[{index}]",
                    _(
                        'instrument "%(key)s" version %(version)s exists with other content; '
                        "give it a new version"
                    )
                    % {"key": entry["key"], "version": entry.get("version", 1)},
                )
            )
    return problems


def _latest_versions(document: dict[str, Any]) -> dict[str, int]:
    latest: dict[str, int] = {}
    for key, version in ItemVersion.objects.values_list("item__key", "version"):
        latest[key] = max(version, latest.get(key, 0))
    for entry in document.get("items", []):
        latest[entry["key"]] = max(entry.get("version", 1), latest.get(entry["key"], 0))
    return latest


def parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        message = _("not JSON: %(error)s") % {"error": error}
        raise BankRejected([PathProblem("$", message)]) from None


@transaction.atomic
def import_document(document: Any) -> dict[str, int]:
    """Check, then write. Returns how many entries of each kind were new."""
    problems = check_document(document, known_keys())
    if not problems:
        problems = _conflicts(document)
    if problems:
        raise BankRejected(problems)
    created = {
        "scales": 0,
        "dimensions": 0,
        "indices": 0,
        "items": 0,
        "instruments": 0,
        "questionnaires": 0,
    }
    for entry in map(scale_dict, document.get("scales", [])):
        _, new = Scale.objects.get_or_create(
            key=entry["key"],
            defaults={
                "labels": entry["labels"],
                "multiple": entry["multiple"],
                "options": entry["options"],
            },
        )
        created["scales"] += new
    for entry in map(dimension_dict, document.get("dimensions", [])):
        key = entry.pop("key")
        _, new = Dimension.objects.update_or_create(key=key, defaults=entry)
        created["dimensions"] += new
    for entry in map(index_dict, document.get("indices", [])):
        key = entry.pop("key")
        _, new = Index.objects.update_or_create(key=key, defaults=entry)
        created["indices"] += new
    scales = {s.key: s for s in Scale.objects.all()}
    dimensions = {d.key: d for d in Dimension.objects.all()}
    items = [item_dict(entry) for entry in document.get("items", [])]
    for entry in items:
        item, _ = Item.objects.get_or_create(key=entry["key"])
        _, new = ItemVersion.objects.get_or_create(
            item=item,
            version=entry["version"],
            defaults={
                "kind": entry["kind"],
                "text": entry["text"],
                "scale": scales.get(entry["scale"]) if entry["scale"] else None,
                "reverse": entry["reverse"],
                "not_relevant": entry["not_relevant"],
                "sensitive": entry["sensitive"],
                "dimension": dimensions.get(entry["dimension"]) if entry["dimension"] else None,
                "measures": entry["measures"],
                "inspired_by": entry["inspired_by"],
                "comparable_with_previous": entry["comparable_with_previous"],
            },
        )
        created["items"] += new
    for entry in items:
        if entry["same_as"]:
            Item.objects.filter(key=entry["key"]).update(
                same_as=Item.objects.get(key=entry["same_as"])
            )
    latest = _latest_versions(document)
    versions = {(v.item.key, v.version): v for v in ItemVersion.objects.select_related("item")}
    for entry in (instrument_dict(e, latest) for e in document.get("instruments", [])):
        instrument, new = Instrument.objects.get_or_create(
            key=entry["key"],
            version=entry["version"],
            defaults={
                "names": entry["names"],
                "description": entry["description"],
                "licence": entry["licence"],
                "bundled": False,
            },
        )
        if new:
            InstrumentItem.objects.bulk_create(
                InstrumentItem(
                    instrument=instrument,
                    order=order,
                    item_version=versions[(ref["key"], ref["version"])],
                    shown_if=ref.get("shown_if", {}),
                )
                for order, ref in enumerate(entry["items"])
            )
        else:  # the same instrument again: its items are fixed, its conditions may be new
            for order, ref in enumerate(entry["items"]):
                InstrumentItem.objects.filter(
                    instrument=instrument,
                    order=order,
                    item_version=versions[(ref["key"], ref["version"])],
                ).update(shown_if=ref.get("shown_if", {}))
        created["instruments"] += new
    for index, entry in enumerate(document.get("questionnaires", [])):
        _create_questionnaire(entry, latest, versions, f"questionnaires[{index}]")
        created["questionnaires"] += 1
    return created


def _create_questionnaire(
    entry: dict[str, Any],
    latest: dict[str, int],
    versions: dict[tuple[str, int], ItemVersion],
    path: str,
) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(name=entry["name"])
    for order, page_entry in enumerate(entry["pages"]):
        page = QuestionnairePage.objects.create(
            questionnaire=questionnaire, order=order, title=page_entry["title"]
        )
        for position, element in enumerate(page_entry.get("elements", [])):
            if "instrument" in element:
                instrument = Instrument.objects.filter(key=element["instrument"])
                if element.get("version"):
                    instrument = instrument.filter(version=element["version"])
                QuestionnaireElement.objects.create(
                    page=page, order=position, instrument=instrument.order_by("-version")[0]
                )
            else:
                version = element.get("version") or latest[element["item"]]
                QuestionnaireElement.objects.create(
                    page=page, order=position, item_version=versions[(element["item"], version)]
                )
    for position, condition in enumerate(entry.get("conditions", [])):
        question = versions[
            (condition["item"], condition.get("item_version") or latest[condition["item"]])
        ]
        depends_on = versions[
            (
                condition["depends_on"],
                condition.get("depends_on_version") or latest[condition["depends_on"]],
            )
        ]
        try:  # the same checks as when HR sets it
            set_condition(questionnaire, question, depends_on, condition["values"])
        except BuilderRefused as refused:
            raise BankRejected(
                [PathProblem(f"{path}.conditions[{position}]", str(refused))]
            ) from None
    return questionnaire


def export_document(
    instruments: list[Instrument],
    questionnaires: list[Questionnaire] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """A self-contained document: the instruments and questionnaires with every item,
    scale, dimension and index they use, in a fixed order."""
    item_versions: dict[tuple[str, int], ItemVersion] = {}
    chosen_instruments = {(i.key, i.version): i for i in instruments}
    for questionnaire in questionnaires:
        for page in questionnaire.pages.all():
            for element in page.elements.select_related("instrument", "item_version__item"):
                if element.instrument is not None:
                    chosen_instruments[(element.instrument.key, element.instrument.version)] = (
                        element.instrument
                    )
                elif element.item_version is not None:
                    version = element.item_version
                    item_versions[(version.item.key, version.version)] = version
    for instrument in chosen_instruments.values():
        for entry in instrument.entries.select_related("item_version__item"):
            version = entry.item_version
            item_versions[(version.item.key, version.version)] = version
    related = ItemVersion.objects.select_related("item", "scale", "dimension", "item__same_as")
    versions = [related.get(pk=v.pk) for _, v in sorted(item_versions.items())]
    dimension_keys = {v.dimension.key for v in versions if v.dimension}
    indices = [i for i in Index.objects.all() if set(i.parts) <= dimension_keys]
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "scales": [
            _from_scale(s)
            for s in Scale.objects.filter(key__in={v.scale.key for v in versions if v.scale})
        ],
        "dimensions": [
            _from_dimension(d) for d in Dimension.objects.filter(key__in=dimension_keys)
        ],
        "indices": [_from_index(i) for i in indices],
        "items": [_from_item(v) for v in versions],
        "instruments": [_from_instrument(i) for _, i in sorted(chosen_instruments.items())],
    }
    if questionnaires:
        document["questionnaires"] = [_questionnaire_dict(q) for q in questionnaires]
    return document


def export_bank() -> dict[str, Any]:
    """Everything in the bank, including scales and dimensions no item uses yet."""
    document = export_document(list(Instrument.objects.all()))
    versions = ItemVersion.objects.select_related("item", "scale", "dimension", "item__same_as")
    document["scales"] = [_from_scale(scale) for scale in Scale.objects.all()]
    document["dimensions"] = [_from_dimension(d) for d in Dimension.objects.all()]
    document["indices"] = [_from_index(index) for index in Index.objects.all()]
    document["items"] = [_from_item(version) for version in versions]
    return document


def _questionnaire_dict(questionnaire: Questionnaire) -> dict[str, Any]:
    pages = []
    for page in questionnaire.pages.all():
        elements = []
        for element in page.elements.select_related("instrument", "item_version__item"):
            if element.instrument is not None:
                elements.append(
                    {"instrument": element.instrument.key, "version": element.instrument.version}
                )
            elif element.item_version is not None:
                elements.append(
                    {"item": element.item_version.item.key, "version": element.item_version.version}
                )
        pages.append({"title": page.title, "elements": elements})
    conditions = [
        {
            "item": c.question.item.key,
            "item_version": c.question.version,
            "depends_on": c.depends_on.item.key,
            "depends_on_version": c.depends_on.version,
            "values": c.values,
        }
        for c in questionnaire.conditions.select_related("question__item", "depends_on__item")
    ]
    return {"name": questionnaire.name, "pages": pages} | (
        {"conditions": conditions} if conditions else {}
    )


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def load_bundled() -> dict[str, int]:
    created = import_document(parse_json(BUNDLED.read_text(encoding="utf-8")))
    Instrument.objects.filter(
        key__in=[i["key"] for i in json.loads(BUNDLED.read_text(encoding="utf-8"))["instruments"]]
    ).update(bundled=True)
    return created
