"""The demo's reference values: an illustrative set for the demo questionnaire's dimensions
and indices, so that the report's "against the reference value" column and chart have
something to show. They are made up and say so in their source; real reference values (such
as the published 10.2 for the social capital short form, bundled with the item bank) are
never overwritten."""

import hashlib

from trivsel.instruments.models import Dimension, Index

SOURCE = "Illustrativt referencesæt til demoen – ikke rigtige tal"


def _value(key: str, higher_is_better: bool) -> float:
    """A steady made-up value near a typical Danish public-sector level."""
    spread = int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) % 9
    return float(60 + spread if higher_is_better else 32 + spread)


def load_illustrative_references(dimension_keys: set[str]) -> None:
    """Give the dimensions (and the indices made of them) that have no reference value an
    illustrative one."""
    for dimension in Dimension.objects.filter(key__in=dimension_keys, references=[]):
        if dimension.rule == "none":
            continue
        value = _value(dimension.key, dimension.higher_is_better)
        dimension.references = [{"source": SOURCE, "value": value}]
        dimension.save(update_fields=["references"])
    for index in Index.objects.filter(references=[]):
        if set(index.parts) <= dimension_keys:
            index.references = [{"source": SOURCE, "value": _value(index.key, True)}]
            index.save(update_fields=["references"])
