"""`audit_results MEASUREMENT`: the exact audit (`results.audit`, docs/anonymity.md) run on
what a stored measurement shows. For every figure (respondents, each dimension, index and
question, each comment list) it takes the stored, shown cells as sets of atoms (a unit's
own respondents in one job group) with their counts from the answers, and searches the
span of the cells for a set of 1..k-1 respondents. Prints what it found and the
combination of shown cells that gives it; exits with an error if anything is derivable.
Figures whose search would be too large say "not audited" (it is exponential in the worst
case; test-sized and small organisations are audited in full)."""

from collections import defaultdict

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.engine.audit import Finding, TooLarge, audit
from trivsel.engine.compute import figure_values
from trivsel.engine.rows import ORGANISATION
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.results.build import Questions, Register, load_data
from trivsel.results.read import every_figure
from trivsel.survey.models import Answer

MAX_WORK = 4_000_000  # cells × classes² beyond which the exact elimination is not tried
KINDS = {"dimensions": "dimension", "indices": "index", "items": "item"}


class Command(BaseCommand):
    help = "Search what a measurement shows for any derivable group of fewer than k."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("measurement", type=int)
        parser.add_argument("--limit", type=int, default=200_000, help="search steps per figure")

    def handle(self, *args: object, **options: object) -> None:
        measurement = Measurement.objects.filter(pk=int(str(options["measurement"]))).first()
        if measurement is None:
            raise CommandError("No measurement with that number.")
        if measurement.sealed_at is not None:
            raise CommandError(
                "This measurement's responses were sealed after its results were built: their "
                "units and job groups are generalised (docs/anonymity.md), so the shown figures "
                "can no longer be matched to atoms. The audit runs on a measurement that is not "
                "sealed yet (tests and the audit in CI do it right after the build)."
            )
        questions = Questions.load(measurement)
        spec = questions.spec
        register = Register.load()
        loaded = load_data(measurement, questions.columns, register)
        if loaded is None:
            self.stdout.write("No answers: nothing is shown, nothing to audit.")
            return
        data, response_ids = loaded
        units, slices = len(register.ids), len(data.slices)
        atom_of = data.unit_of * slices + data.slice_of  # respondents' atoms
        present: dict[tuple[str, str], np.ndarray] = {
            ("respondents", ""): np.ones(len(atom_of), dtype=bool)
        }
        values = figure_values(spec, data)
        keys = {
            "dimensions": [key for key, _rule in spec.dimensions],
            "indices": [key for key, _parts in spec.indices],
            "items": [item.key for item in spec.items],
        }
        for block, matrix in values.items():
            for column, key in enumerate(keys[block]):
                present[(KINDS[block], key)] = ~np.isnan(matrix[:, column])
        present |= _comment_writers(measurement, questions.free_text, response_ids)
        k_of = {item.key: settings.RESULTS_MIN_GROUP_SENSITIVE for item in spec.items
                if item.sensitive}  # fmt: skip
        below = _descendants(register.parents)
        code_at = {code: number for number, code in enumerate(register.units.codes)}
        group_at = {name: number for number, name in enumerate(data.slices)}
        cells: dict[tuple[str, str], list[tuple[frozenset[int], str]]] = defaultdict(list)
        code_of = dict(zip(register.ids, register.units.codes, strict=True))
        shown = (
            (str(f.kind), f.metric, None if f.unit_id is None else code_of[f.unit_id], f.scope,
             f.group)
            for f in every_figure(measurement)
        )  # fmt: skip
        for kind, metric, code, scope, group in shown:
            if (kind, metric) not in present or (group and group not in group_at):
                continue
            members = range(units) if code is None else (
                below[code_at[code]] if scope == "subtree" else [code_at[code]]
            )  # fmt: skip
            columns = [group_at[group]] if group else range(slices)
            atoms = frozenset(u * slices + s for u in members for s in columns)
            cells[(kind, metric)].append((atoms, f"{code or ORGANISATION} {scope} {group}"))
        found = audited = skipped = 0
        for (kind, metric), shown_cells in sorted(cells.items()):
            if kind == "comments":
                k = settings.RESULTS_MIN_GROUP_COMMENTS
            else:
                k = k_of.get(metric, settings.RESULTS_MIN_GROUP)
            counts = np.bincount(atom_of[present[(kind, metric)]], minlength=units * slices)
            name = f"{kind} {metric}".strip()
            sets = [atoms for atoms, _label in shown_cells]
            classes = len({tuple(c for c, s in enumerate(sets) if a in s)
                           for a in np.flatnonzero(counts)})  # fmt: skip
            if len(sets) * classes * classes > MAX_WORK:
                skipped += 1
                self.stdout.write(f"{name}: not audited ({len(sets)} cells, {classes} classes)")
                continue
            try:
                finding = audit(sets, counts.tolist(), k, int(str(options["limit"])))
            except TooLarge:
                skipped += 1
                self.stdout.write(f"{name}: not audited (the search passed its limit)")
                continue
            audited += 1
            if finding is not None:
                found += 1
                self.stdout.write(_finding(name, finding, shown_cells, register, data.slices))
        self.stdout.write(
            f"{audited} figures audited, {skipped} not audited, {found} with a derivable group "
            "of fewer than k."
        )
        if found:
            raise CommandError("Something small can be derived from what is shown.")


def _descendants(parents: list[int]) -> list[list[int]]:
    below: list[list[int]] = [[u] for u in range(len(parents))]
    for unit in range(len(parents)):
        parent = parents[unit]
        while parent >= 0:
            below[parent].append(unit)
            parent = parents[parent]
    return below


def _comment_writers(
    measurement: Measurement, questions: list[ItemVersion], response_ids: list[int]
) -> dict[tuple[str, str], np.ndarray]:
    row = {pk: number for number, pk in enumerate(response_ids)}
    written = {("comments", v.item.key): np.zeros(len(response_ids), dtype=bool)
               for v in questions}  # fmt: skip
    key_of = {v.pk: v.item.key for v in questions}
    answers = Answer.objects.filter(
        response__measurement=measurement, response__submitted=True,
        item_version_id__in=list(key_of),
    ).exclude(text="").values_list("response_id", "item_version_id", "text")  # fmt: skip
    for response_id, version_id, text in answers:
        if text.strip() and response_id in row:
            written[("comments", key_of[version_id])][row[response_id]] = True
    return written


def _finding(
    name: str, finding: Finding, cells: list[tuple[frozenset[int], str]], register: Register,
    groups: list[str],
) -> str:  # fmt: skip
    """Where the derivable people are (unit/job group) and the combination that gives them."""
    slices = len(groups)
    where = ", ".join(
        f"{register.units.codes[a // slices]}/{groups[a % slices] or '-'}" for a in finding.atoms
    )
    combination = " ".join(
        f"{'+' if value > 0 else '-'}{abs(value)}×[{cells[cell][1]}]"
        for cell, value in sorted(finding.combination.items())
    )
    return f"{name}: FOUND {finding.respondents} respondent(s) in {where}, from {combination}"
