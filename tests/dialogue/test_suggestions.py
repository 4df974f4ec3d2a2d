"""Suggested actions: every bundled dimension has at least three, in Danish and English; an
organisation's own catalogue is checked first (every problem with its path, nothing loaded
unless there is none) and comes before Trivsel's."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from trivsel.dialogue.suggestions import BUNDLED, bundled, check, for_dimension
from trivsel.instruments.bank import load_bundled
from trivsel.instruments.models import Dimension


def test_every_bundled_dimension_has_at_least_three_in_both_languages(db: None) -> None:
    load_bundled()
    keys = set(Dimension.objects.values_list("key", flat=True))
    assert len(keys) >= 20
    document = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert check(document) == []
    for key in keys:
        found = [s for s in bundled() if s.dimension == key]
        assert len(found) >= 3, key
        for suggestion in found:
            assert suggestion.titles.get("da") and suggestion.titles.get("en"), suggestion.key
            assert suggestion.descriptions.get("da") and suggestion.descriptions.get("en")
            assert len(suggestion.titles["da"]) <= 255
    assert {s.dimension for s in bundled()} <= keys  # none for a dimension that does not exist


def test_a_broken_catalogue_names_every_problem() -> None:
    document = {
        "format": "other/1",
        "actions": [
            {"key": "a.1", "dimension": "demands", "title": {"da": "God"}},
            {"key": "a.1", "dimension": "", "title": {"en": "No Danish"}},
            {"key": "b.1", "dimension": "demands", "title": {"da": "x" * 300, "sv": "Nej"}},
            "not an object",
        ],
    }
    problems = check(document)
    assert "format: must be 'trivsel-suggested-actions/1'" in problems
    assert "actions[1].key: repeats 'a.1'" in problems
    assert "actions[1].dimension: must name a dimension" in problems
    assert "actions[1].title: must have a Danish text (da)" in problems
    assert "actions[2].title.da: must be 1-255 characters" in problems
    assert "actions[2].title.sv: unknown language" in problems
    assert "actions[3]: must be an object" in problems
    assert check([]) == ["the file must hold a JSON object"]


def test_the_organisation_s_own_come_first_and_a_bad_file_loads_nothing(
    db: None, tmp_path: Path
) -> None:
    own = {"format": "trivsel-suggested-actions/1", "actions": [
        {"key": "kommune.1", "dimension": "demands", "title": {"da": "Vores egen model"},
         "description": {"da": "Som aftalt i MED."}},
    ]}  # fmt: skip
    good = tmp_path / "own.json"
    good.write_text(json.dumps(own), encoding="utf-8")
    call_command("load_suggested_actions", str(good))
    found = for_dimension("demands")
    assert found[0].key == "kommune.1" and len(found) == 1 + len(
        [s for s in bundled() if s.dimension == "demands"]
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "trivsel-suggested-actions/1", "actions": [{}]}))
    with pytest.raises(CommandError, match=r"(?s)nothing was loaded.*actions\[0\]\.key"):
        call_command("load_suggested_actions", str(bad))
    assert for_dimension("demands")[0].key == "kommune.1"  # the earlier one stands
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.json"):
        call_command("load_suggested_actions", str(broken))
