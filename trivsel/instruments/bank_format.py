"""The item bank's JSON format, `trivsel.itembank/1` (see docs/itembank-format.md).

`check_document` is pure: it takes the parsed JSON and the keys the bank already has, and
returns every problem with its path (`items[3].scale: unknown scale "x"`). Nothing is
imported unless that list is empty.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

SCHEMA = "trivsel.itembank/1"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,99}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
RULES = ("mean", "sum", "none")
KINDS = ("scale", "free_text")
NOT_RELEVANT = ("", "not_relevant", "no_leader")


@dataclass(frozen=True)
class PathProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class KnownKeys:
    """What the bank already holds, so a document may refer to it."""

    scales: set[str] = field(default_factory=set)
    dimensions: set[str] = field(default_factory=set)
    items: dict[str, set[int]] = field(default_factory=dict)  # key -> versions
    instruments: dict[str, set[int]] = field(default_factory=dict)
    dimensions_with_items: set[str] = field(default_factory=set)


class _Checker:
    def __init__(self, known: KnownKeys):
        self.known = known
        self.problems: list[PathProblem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(PathProblem(path, message))

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, _("must be an object"))
            return None
        return value

    def array(self, parent: dict[str, Any], name: str, path: str) -> list[Any]:
        value = parent.get(name, [])
        if not isinstance(value, list):
            self.add(f"{path}{name}", _("must be a list"))
            return []
        return value

    def key(self, entry: dict[str, Any], path: str) -> str | None:
        value = entry.get("key")
        if not isinstance(value, str) or not KEY_PATTERN.match(value):
            self.add(
                f"{path}.key",
                _("missing or not a key (lower-case letters, digits, '.', '_', '-')"),
            )
            return None
        return value

    def texts(self, entry: dict[str, Any], name: str, path: str, required: bool = True) -> None:
        value = entry.get(name)
        if value is None and not required:
            return
        if not isinstance(value, dict):
            self.add(
                f"{path}.{name}", _('must be an object of texts per language, e.g. {"da": "…"}')
            )
            return
        for language, text in value.items():
            if not LANGUAGE_PATTERN.match(str(language)):
                self.add(f"{path}.{name}.{language}", _("not a two-letter language code"))
            elif not isinstance(text, str) or not text.strip():
                self.add(f"{path}.{name}.{language}", _("must be a non-empty text"))
        if required and "da" not in value:
            self.add(f"{path}.{name}.da", _("Danish text is missing"))

    def boolean(self, entry: dict[str, Any], name: str, path: str) -> None:
        if name in entry and not isinstance(entry[name], bool):
            self.add(f"{path}.{name}", _("must be true or false"))

    def number(self, value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    def version(self, entry: dict[str, Any], path: str) -> int:
        value = entry.get("version", 1)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.add(f"{path}.version", _("must be a whole number from 1"))
            return 1
        return value

    def string(self, entry: dict[str, Any], name: str, path: str) -> None:
        if name in entry and not isinstance(entry[name], str):
            self.add(f"{path}.{name}", _("must be a text"))


def check_document(document: Any, known: KnownKeys | None = None) -> list[PathProblem]:
    check = _Checker(known or KnownKeys())
    root = check.obj(document, "$")
    if root is None:
        return check.problems
    if root.get("schema") != SCHEMA:
        check.add(
            "schema",
            _('unsupported schema %(found)r; expected "%(expected)s"')
            % {"found": root.get("schema"), "expected": SCHEMA},
        )
        return check.problems
    allowed = {
        "schema",
        "scales",
        "dimensions",
        "indices",
        "items",
        "instruments",
        "questionnaires",
    }
    for name in sorted(set(root) - allowed):
        check.add(name, _("unknown section"))

    scales = _check_scales(check, root)
    dimensions = _check_dimensions(check, root)
    _check_indices(check, root, dimensions)
    items, dimensions_used = _check_items(check, root, scales, dimensions)
    _check_dimensions_have_items(check, root, dimensions, dimensions_used)
    instruments = _check_instruments(check, root, items)
    _check_questionnaires(check, root, items, instruments)
    return check.problems


def _check_dimensions_have_items(
    check: _Checker, root: dict[str, Any], dimensions: set[str], used: set[str]
) -> None:
    entries = root.get("dimensions", [])
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or entry.get("key") not in dimensions:
            continue
        scored = entry.get("rule", "mean") != "none"
        has_items = entry["key"] in used or entry["key"] in check.known.dimensions_with_items
        if scored and not has_items:
            check.add(
                f"dimensions[{index}]",
                _('dimension "%(key)s" has no items') % {"key": entry["key"]},
            )


def _keyed_entries(
    check: _Checker, root: dict[str, Any], section: str
) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    """Each object of a section with its path and key, duplicates reported."""
    seen: dict[Any, int] = {}
    for index, value in enumerate(check.array(root, section, "")):
        path = f"{section}[{index}]"
        entry = check.obj(value, path)
        if entry is None:
            continue
        key = check.key(entry, path)
        if key:
            _unique(check, seen, key, f"{path}.key", _('key "%(key)s"') % {"key": key}, section)
            seen.setdefault(key, index)
        yield path, entry, key


def _versioned_entries(
    check: _Checker, root: dict[str, Any], section: str, what: str, pool: dict[str, set[int]]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each object of a section keyed by (key, version), recorded in `pool`."""
    seen: dict[Any, int] = {}
    for index, value in enumerate(check.array(root, section, "")):
        path = f"{section}[{index}]"
        entry = check.obj(value, path)
        if entry is None:
            continue
        key = check.key(entry, path)
        version = check.version(entry, path)
        if key:
            label = _('%(what)s "%(key)s" version %(version)s') % {
                "what": what,
                "key": key,
                "version": version,
            }
            _unique(check, seen, (key, version), f"{path}.key", label, section)
            seen.setdefault((key, version), index)
            pool.setdefault(key, set()).add(version)
        yield path, entry


def _unique(
    check: _Checker, seen: dict[Any, int], identity: Any, path: str, what: str, section: str
) -> None:
    if identity in seen:
        check.add(
            path,
            _("duplicate %(what)s (also %(where)s)")
            % {"what": what, "where": f"{section}[{seen[identity]}]"},
        )


def _check_scales(check: _Checker, root: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for path, entry, key in _keyed_entries(check, root, "scales"):
        keys.add(key or "")
        check.texts(entry, "labels", path)
        check.boolean(entry, "multiple", path)
        options = check.array(entry, "options", f"{path}.")
        if not options:
            check.add(f"{path}.options", _("a scale needs at least two options"))
        values: dict[Any, int] = {}
        for number, option_value in enumerate(options):
            option_path = f"{path}.options[{number}]"
            option = check.obj(option_value, option_path)
            if option is None:
                continue
            value = option.get("value")
            if not isinstance(value, int) or isinstance(value, bool):
                check.add(f"{option_path}.value", _("must be a whole number"))
            else:
                _unique(
                    check,
                    values,
                    value,
                    f"{option_path}.value",
                    _("value %(value)s") % {"value": value},
                    f"{path}.options",
                )
                values.setdefault(value, number)
            if (
                "score" in option
                and option["score"] is not None
                and not check.number(option["score"])
            ):
                check.add(f"{option_path}.score", _("must be a number or null"))
            check.texts(option, "labels", option_path)
        if len(options) == 1:
            check.add(f"{path}.options", _("a scale needs at least two options"))
    return (keys - {""}) | check.known.scales


def _check_dimensions(check: _Checker, root: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for path, entry, key in _keyed_entries(check, root, "dimensions"):
        keys.add(key or "")
        check.texts(entry, "names", path)
        check.texts(entry, "description", path, required=False)
        check.boolean(entry, "higher_is_better", path)
        if entry.get("rule", "mean") not in RULES:
            check.add(
                f"{path}.rule", _("must be one of %(choices)s") % {"choices": ", ".join(RULES)}
            )
        for number, reference in enumerate(check.array(entry, "references", f"{path}.")):
            ref_path = f"{path}.references[{number}]"
            ref = check.obj(reference, ref_path)
            if ref is not None:
                if not isinstance(ref.get("source"), str) or not ref["source"].strip():
                    check.add(f"{ref_path}.source", _("must name where the value comes from"))
                if not check.number(ref.get("value")):
                    check.add(f"{ref_path}.value", _("must be a number"))
        for number, band in enumerate(check.array(entry, "bands", f"{path}.")):
            band_path = f"{path}.bands[{number}]"
            band_obj = check.obj(band, band_path)
            if band_obj is not None:
                for edge in ("from", "to"):
                    if not check.number(band_obj.get(edge)):
                        check.add(f"{band_path}.{edge}", _("must be a number"))
                check.texts(band_obj, "labels", band_path)
    return (keys - {""}) | check.known.dimensions


def _check_indices(check: _Checker, root: dict[str, Any], dimensions: set[str]) -> None:
    for path, entry, _key in _keyed_entries(check, root, "indices"):
        check.texts(entry, "names", path)
        parts = check.array(entry, "parts", f"{path}.")
        if len(parts) < 2:
            check.add(f"{path}.parts", _("an index needs at least two dimensions"))
        for number, part in enumerate(parts):
            if part not in dimensions:
                check.add(
                    f"{path}.parts[{number}]", _('unknown dimension "%(key)s"') % {"key": part}
                )


def _check_items(
    check: _Checker, root: dict[str, Any], scales: set[str], dimensions: set[str]
) -> tuple[dict[str, set[int]], set[str]]:
    versions: dict[str, set[int]] = {key: set(v) for key, v in check.known.items.items()}
    dimensions_used: set[str] = set()
    same_as: list[tuple[str, Any]] = []
    for path, entry in _versioned_entries(check, root, "items", _("item"), versions):
        kind = entry.get("kind", "scale")
        if kind not in KINDS:
            check.add(
                f"{path}.kind", _("must be one of %(choices)s") % {"choices": ", ".join(KINDS)}
            )
        check.texts(entry, "text", path)
        scale = entry.get("scale")
        if kind == "scale":
            if scale is None:
                check.add(f"{path}.scale", _("a scale item needs a scale"))
            elif scale not in scales:
                check.add(f"{path}.scale", _('unknown scale "%(key)s"') % {"key": scale})
        elif scale is not None:
            check.add(f"{path}.scale", _("a free-text item has no scale"))
        dimension = entry.get("dimension")
        if dimension is not None:
            if dimension not in dimensions:
                check.add(
                    f"{path}.dimension", _('unknown dimension "%(key)s"') % {"key": dimension}
                )
            else:
                dimensions_used.add(dimension)
        if entry.get("not_relevant", "") not in NOT_RELEVANT:
            check.add(f"{path}.not_relevant", _('must be "", "not_relevant" or "no_leader"'))
        for flag in ("reverse", "sensitive", "comparable_with_previous"):
            check.boolean(entry, flag, path)
        for text in ("measures", "inspired_by"):
            check.string(entry, text, path)
        if entry.get("same_as") is not None:
            check.string(entry, "same_as", path)
            same_as.append((f"{path}.same_as", entry["same_as"]))
    for path, target in same_as:
        if target not in versions:
            check.add(path, _('unknown item "%(key)s"') % {"key": target})
    return versions, dimensions_used


def _check_reference(
    check: _Checker, ref: Any, path: str, pool: dict[str, set[int]], what: str
) -> None:
    key, version = (ref, None) if isinstance(ref, str) else (None, None)
    if isinstance(ref, dict):
        key, version = ref.get("key"), ref.get("version")
    if not isinstance(key, str):
        check.add(path, _('must be a %(what)s key or {"key": …, "version": …}') % {"what": what})
    elif key not in pool:
        check.add(path, _('unknown %(what)s "%(key)s"') % {"what": what, "key": key})
    elif version is not None and version not in pool[key]:
        check.add(
            path,
            _('%(what)s "%(key)s" has no version %(version)s')
            % {"what": what, "key": key, "version": version},
        )


def _check_instruments(
    check: _Checker, root: dict[str, Any], items: dict[str, set[int]]
) -> dict[str, set[int]]:
    instruments: dict[str, set[int]] = {k: set(v) for k, v in check.known.instruments.items()}
    for path, entry in _versioned_entries(check, root, "instruments", _("instrument"), instruments):
        check.texts(entry, "names", path)
        check.texts(entry, "description", path, required=False)
        check.string(entry, "licence", path)
        refs = check.array(entry, "items", f"{path}.")
        if not refs:
            check.add(f"{path}.items", _("an instrument needs at least one item"))
        earlier: set[str] = set()
        for number, ref in enumerate(refs):
            _check_reference(check, ref, f"{path}.items[{number}]", items, _("item"))
            if isinstance(ref, dict) and "shown_if" in ref:
                _check_shown_if(check, ref["shown_if"], f"{path}.items[{number}].shown_if", earlier)
            key = ref if isinstance(ref, str) else ref.get("key") if isinstance(ref, dict) else None
            if isinstance(key, str):
                earlier.add(key)
    return instruments


def _check_shown_if(check: _Checker, value: Any, path: str, earlier: set[str]) -> None:
    """{"item": an earlier item of the same instrument, "values": its answers that ask it}."""
    if not isinstance(value, dict) or set(value) != {"item", "values"}:
        check.add(path, _('must be an object with "item" and "values"'))
        return
    if value["item"] not in earlier:
        check.add(f"{path}.item", _("must be an earlier item of the same instrument"))
    values = value["values"]
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    ):
        check.add(f"{path}.values", _("must be a non-empty list of whole numbers"))


def _check_questionnaires(
    check: _Checker,
    root: dict[str, Any],
    items: dict[str, set[int]],
    instruments: dict[str, set[int]],
) -> None:
    for index, value in enumerate(check.array(root, "questionnaires", "")):
        path = f"questionnaires[{index}]"
        entry = check.obj(value, path)
        if entry is None:
            continue
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            check.add(f"{path}.name", _("must be a non-empty text"))
        pages = check.array(entry, "pages", f"{path}.")
        if not pages:
            check.add(f"{path}.pages", _("a questionnaire needs at least one page"))
        for number, page_value in enumerate(pages):
            page_path = f"{path}.pages[{number}]"
            page = check.obj(page_value, page_path)
            if page is None:
                continue
            check.texts(page, "title", page_path)
            for position, element_value in enumerate(
                check.array(page, "elements", f"{page_path}.")
            ):
                element_path = f"{page_path}.elements[{position}]"
                element = check.obj(element_value, element_path)
                if element is None:
                    continue
                if ("instrument" in element) == ("item" in element):
                    check.add(element_path, _('must have either "instrument" or "item"'))
                elif "instrument" in element:
                    ref = {"key": element["instrument"], "version": element.get("version")}
                    _check_reference(
                        check, ref, f"{element_path}.instrument", instruments, _("instrument")
                    )
                else:
                    ref = {"key": element["item"], "version": element.get("version")}
                    _check_reference(check, ref, f"{element_path}.item", items, _("item"))
        for position, condition_value in enumerate(check.array(entry, "conditions", f"{path}.")):
            condition_path = f"{path}.conditions[{position}]"
            condition = check.obj(condition_value, condition_path)
            if condition is None:
                continue
            for name in ("item", "depends_on"):
                ref = {"key": condition.get(name), "version": condition.get(f"{name}_version")}
                _check_reference(check, ref, f"{condition_path}.{name}", items, _("item"))
            values = condition.get("values")
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in values)
            ):
                check.add(
                    f"{condition_path}.values", _("must be a non-empty list of whole numbers")
                )
