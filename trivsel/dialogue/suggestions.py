"""Suggested actions per dimension: Trivsel's own catalogue (bundled/suggested-actions.json,
at least three for every bundled dimension) and, where loaded, the organisation's own
(`manage.py load_suggested_actions FILE`, same format, checked first like the item bank:
every problem with its path, nothing loaded unless there is none)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from trivsel.dialogue.models import Suggestion
from trivsel.instruments.models import localised

BUNDLED = Path(__file__).parent / "bundled" / "suggested-actions.json"
FORMAT = "trivsel-suggested-actions/1"
LANGUAGES = ("da", "en")


@dataclass(frozen=True)
class Suggested:
    key: str
    dimension: str
    titles: dict[str, str]
    descriptions: dict[str, str]

    @property
    def title(self) -> str:
        return localised(self.titles)

    @property
    def description(self) -> str:
        return localised(self.descriptions)


def check(document: Any) -> list[str]:
    """Every problem of a catalogue document, each with its path; empty: it may be loaded."""
    if not isinstance(document, dict):
        return [_("the file must hold a JSON object")]
    problems = []
    if document.get("format") != FORMAT:
        problems.append("format: " + _("must be") + f" {FORMAT!r}")
    actions = document.get("actions")
    if not isinstance(actions, list) or not actions:
        return [*problems, "actions: " + _("must be a non-empty list")]
    seen: set[str] = set()
    for at, entry in enumerate(actions):
        path = f"actions[{at}]"
        if not isinstance(entry, dict):
            problems.append(f"{path}: " + _("must be an object"))
            continue
        key = entry.get("key")
        if not isinstance(key, str) or not key.strip() or len(key) > 100:
            problems.append(f"{path}.key: " + _("must be a text of 1-100 characters"))
        elif key in seen:
            problems.append(f"{path}.key: " + _("repeats") + f" {key!r}")
        else:
            seen.add(key)
        if not isinstance(entry.get("dimension"), str) or not entry["dimension"]:
            problems.append(f"{path}.dimension: " + _("must name a dimension"))
        for field, limit in (("title", 255), ("description", 2000)):
            if field == "description" and "description" not in entry:
                continue  # a title may say it all
            texts = entry.get(field)
            if not isinstance(texts, dict) or not isinstance(texts.get("da"), str):
                problems.append(f"{path}.{field}: " + _("must have a Danish text (da)"))
                continue
            for language, text in texts.items():
                if language not in LANGUAGES or not isinstance(text, str):
                    problems.append(f"{path}.{field}.{language}: " + _("unknown language"))
                elif not text.strip() or len(text) > limit:
                    problems.append(
                        f"{path}.{field}.{language}: "
                        + _("must be 1-%(limit)s characters") % {"limit": limit}
                    )
    return problems


def _parse(document: dict[str, Any]) -> list[Suggested]:
    return [
        Suggested(e["key"], e["dimension"], e["title"], e.get("description") or {"da": ""})
        for e in document["actions"]
    ]


@cache
def bundled() -> list[Suggested]:
    document = json.loads(BUNDLED.read_text(encoding="utf-8"))
    problems = check(document)
    assert not problems, problems  # the content test keeps the bundled file valid
    return _parse(document)


def load_own(document: Any) -> int:
    """The organisation's own catalogue replaces any loaded before; refused (ValueError with
    every problem) unless valid."""
    problems = check(document)
    if problems:
        raise ValueError("\n".join(problems))
    with transaction.atomic():
        Suggestion.objects.all().delete()
        Suggestion.objects.bulk_create(
            Suggestion(key=s.key, dimension=s.dimension, titles=s.titles,
                       descriptions=s.descriptions)
            for s in _parse(document)
        )  # fmt: skip
    return len(document["actions"])


def for_dimension(dimension: str) -> list[Suggested]:
    """The organisation's own suggestions for a dimension first, then Trivsel's."""
    own = [
        Suggested(s.key, s.dimension, s.titles, s.descriptions)
        for s in Suggestion.objects.filter(dimension=dimension).order_by("key")
    ]
    return own + [s for s in bundled() if s.dimension == dimension]


def find(key: str) -> Suggested | None:
    own = Suggestion.objects.filter(key=key).first()
    if own is not None:
        return Suggested(own.key, own.dimension, own.titles, own.descriptions)
    return next((s for s in bundled() if s.key == key), None)
