"""The computed outcome as flat records, one per figure that may be shown: what `score_file`
writes and what the app stores. Hidden cells produce no record. Pure."""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from trivsel.engine.compute import Block, Outcome, Scope, Spec, all_comparisons
from trivsel.engine.stats import Differences
from trivsel.engine.suppression import PROTECTS

COLUMNS = ["unit", "unit_name", "scope", "group", "kind", "metric", "n", "invited", "score",
           "sd", "favourable", "neutral", "unfavourable", "options",
           "vs_parent", "p_parent", "flag_parent",
           "vs_organisation", "p_organisation", "flag_organisation",
           "vs_reference", "p_reference", "flag_reference",
           "vs_previous", "p_previous", "flag_previous"]  # fmt: skip
COMPARISONS = ("parent", "organisation", "reference", "previous")
BLOCKS = (("dimensions", "dimension"), ("indices", "index"), ("items", "item"))
ORGANISATION = "*"


@dataclass(frozen=True)
class Units:
    codes: list[str]  # per real unit (the organisation comes after them)
    names: list[str]


Record = dict[str, object]
# (scope part 0 own / 1 subtree, block name) -> comparison name -> differences
Comparisons = Mapping[tuple[int, str], Mapping[str, Differences]]


def records(
    outcome: Outcome, spec: Spec, units: Units, comparisons: Comparisons | None = None
) -> Iterator[Record]:
    """`comparisons` from `all_comparisons` (computed here without last time if omitted)."""
    if comparisons is None:
        comparisons = all_comparisons(outcome, spec)
    top = outcome.organisation
    groups = [*outcome.slices, ""]
    metrics = {
        "dimensions": [key for key, _rule in spec.dimensions],
        "indices": [key for key, _parts in spec.indices],
        "items": [item.key for item in spec.items],
    }
    option_values: dict[int, list[tuple[int, int]]] = {}
    for column, (item, value) in enumerate(outcome.option_columns):
        option_values.setdefault(item, []).append((column, value))
    for part, scope in ((0, outcome.own), (1, outcome.subtree)):
        for unit, column in zip(*np.nonzero(scope.visible), strict=True):
            unit, column = int(unit), int(column)
            if unit == top and part == 0:
                continue  # the organisation has no respondents of its own
            if column < len(outcome.slices) and not outcome.slices[column]:
                continue
            yield _where(units, unit, top, part, groups[column]) | {
                "kind": "respondents", "metric": "",
                "n": int(scope.respondents[unit, column]),
                "invited": int(scope.invited[unit, column]),
            }  # fmt: skip
        for block, kind in BLOCKS:
            figures: Block = getattr(scope, block)
            if not figures.n.shape[2]:
                continue
            against = comparisons[(part, block)]
            yield from _block(
                outcome, scope, figures, part, kind, metrics[block], against, units, groups,
                option_values,
            )  # fmt: skip
    for number, (key, _rule) in enumerate(spec.dimensions):
        alpha, n = outcome.alpha[number]
        visible = outcome.subtree.dimensions.visible[top, -1, number]
        if n >= 2 and visible and not np.isnan(alpha):
            yield _where(units, top, top, 1, "") | {
                "kind": "alpha", "metric": key, "n": n, "score": float(alpha)
            }  # fmt: skip
    r, r_n = outcome.drivers
    for unit, number in zip(*np.nonzero(~np.isnan(r)), strict=True):
        if not outcome.subtree.dimensions.visible[unit, -1, number]:
            continue
        yield _where(units, int(unit), top, 1, "") | {
            "kind": "driver", "metric": spec.dimensions[number][0],
            "n": int(r_n[unit, number]), "score": float(r[unit, number]),
        }  # fmt: skip


def _where(units: Units, unit: int, top: int, part: int, group: str) -> Record:
    if unit == top:
        return {"unit": ORGANISATION, "unit_name": "", "scope": "all", "group": group}
    scope = "own" if part == 0 else "subtree"
    return {"unit": units.codes[unit], "unit_name": units.names[unit], "scope": scope,
            "group": group}  # fmt: skip


def _block(
    outcome: Outcome, scope: Scope, figures: Block, part: int, kind: str,
    keys: Sequence[str], against: Mapping[str, Differences], units: Units,
    groups: Sequence[str], option_values: Mapping[int, list[tuple[int, int]]],
) -> Iterator[Record]:  # fmt: skip
    top = outcome.organisation
    unit, column, metric = np.nonzero(figures.visible)
    keep = ~((unit == top) & (part == 0))
    named = np.array([bool(g) for g in groups[:-1]] + [True])
    keep &= named[column]
    unit, column, metric = unit[keep], column[keep], metric[keep]
    at = (unit, column, metric)
    n, mean, sd = figures.n[at].tolist(), figures.mean[at].tolist(), figures.sd[at].tolist()
    cells = np.ravel_multi_index(at, figures.n.shape)
    comparisons = {
        name: tuple(array.tolist() for array in d.at(cells)) for name, d in against.items()
    }
    if kind == "item":
        shares = [share.tolist() for share in scope.shares(at)]
    for row, (u, c, m) in enumerate(zip(unit.tolist(), column.tolist(), metric.tolist(),
                                        strict=True)):  # fmt: skip
        record = _where(units, u, top, part, groups[c]) | {
            "kind": kind, "metric": keys[m], "n": int(n[row]), "score": _num(mean[row]),
            "sd": _num(sd[row]),
        }  # fmt: skip
        if kind == "item":
            record["favourable"] = _num(shares[0][row])
            record["neutral"] = _num(shares[1][row])
            record["unfavourable"] = _num(shares[2][row])
            answered = n[row]
            record["options"] = {
                str(value): float(scope.options[u, c, option]) / answered
                for option, value in option_values.get(m, [])
            } if answered else {}  # fmt: skip
        for name, (value, p, flagged) in comparisons.items():
            if u == top and name in ("parent", "organisation"):
                continue
            if not np.isnan(value[row]):
                record[f"vs_{name}"] = value[row]
                record[f"p_{name}"] = _num(p[row])
                record[f"flag_{name}"] = bool(flagged[row])
        yield record


def _num(value: float) -> float | None:
    return None if value != value else value  # nan -> None


def hidden_records(outcome: Outcome, spec: Spec, units: Units) -> Iterator[Record]:
    """The figures hidden to protect a smaller group (not those with fewer than k answers),
    each with the shown unit that holds all but fewer than k of its people, if there is
    one: the subtree totals and the organisation's group slices. Nothing else about a
    hidden figure is given."""
    seen = outcome.seen
    if seen is None:
        return
    metrics = [("respondents", "")]
    metrics += [("dimension", key) for key, _rule in spec.dimensions]
    metrics += [("index", key) for key, _parts in spec.indices]
    metrics += [("item", item.key) for item in spec.items]
    top = outcome.organisation
    for unit, metric in zip(*np.nonzero(seen.reason == PROTECTS), strict=True):
        kind, key = metrics[metric]
        partner = int(seen.partner[unit, metric])
        yield _where(units, int(unit), top, 1, "") | {
            "kind": kind, "metric": key, "reason": "protects",
            "partner": units.codes[partner] if 0 <= partner < top else "",
        }  # fmt: skip
    for metric, group in zip(*np.nonzero(seen.group_reason == PROTECTS), strict=True):
        kind, key = metrics[metric]
        yield _where(units, top, top, 1, outcome.slices[group]) | {
            "kind": kind, "metric": key, "reason": "protects", "partner": "",
        }  # fmt: skip
