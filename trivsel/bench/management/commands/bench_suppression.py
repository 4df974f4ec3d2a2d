"""What the anonymity rules hide, and why: `bench_suppression [--measurement PK]
[--employees 45000 --units 3000 --items 60]`.

For a stored measurement (by default the newest closed one in the database: after `make
demo`, the demo's) and for a synthetic organisation (bench_results's generator), it runs
the app's own computation (`compute`, suppression included) and prints: units with ≥ 5, ≥
20 and ≥ 100 respondents and how many of each are shown; every hidden unit with ≥ 20
respondents with the cell it would give away beside and how many people that would leave;
hidden cells that a smaller shown cell could have replaced (the target: none); the share
of figures hidden by the differencing rules; and where the offensive-behaviour questions
are shown (the organisation, and every department and area with ≥ 10 answers)."""

import time

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.bench.management.commands.bench_results import (
    organisation,
    questionnaire,
    responses,
)
from trivsel.engine.compute import Data, Outcome, Spec, compute, with_organisation
from trivsel.engine.suppression import PROTECTS, TOO_FEW
from trivsel.engine.tree import Tree
from trivsel.engine.utility import Explanation, summarise
from trivsel.measurements.models import Measurement
from trivsel.results.build import Questions, Register, load_data

SHOWN_AT_20 = 0.98  # share of units with ≥ 20 respondents that must be shown


class Command(BaseCommand):
    help = "What the anonymity rules hide, and why (a stored measurement and a synthetic one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--measurement", type=int, help="closed measurement (default: newest)")
        parser.add_argument("--employees", type=int, default=45000)
        parser.add_argument("--units", type=int, default=3000)
        parser.add_argument("--items", type=int, default=60)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--skip-stored", action="store_true")
        parser.add_argument("--skip-synthetic", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        k, k_sensitive = settings.RESULTS_MIN_GROUP, settings.RESULTS_MIN_GROUP_SENSITIVE
        met = True
        if not options["skip_stored"]:
            measurement = self._measurement(options["measurement"])
            if measurement is None:
                self.stdout.write("No closed measurement in the database (run `make demo`).")
            else:
                questions = Questions.load(measurement)
                spec = questions.spec
                register = Register.load()
                loaded = load_data(measurement, questions.columns, register)
                if loaded is None:
                    raise CommandError("The measurement has no answers.")
                names = [*register.units.names, "Hele organisationen"]
                title = f"{measurement.name} (stored, measurement {measurement.pk})"
                met &= self._report(title, spec, loaded[0], register.parents, names, k,
                                    k_sensitive, shares=True)  # fmt: skip
        if not options["skip_synthetic"]:
            rng = np.random.default_rng(int(str(options["seed"])))
            employees, units = int(str(options["employees"])), int(str(options["units"]))
            org = organisation(employees, units, rng)
            spec = questionnaire(int(str(options["items"])))
            data = responses(org, spec, rng)
            names = [*org.codes, "organisation"]
            title = f"Synthetic: {employees} employees, {units} units"
            met &= self._report(title, spec, data, org.parents, names, k, k_sensitive, False)
        self.stdout.write("Targets: " + ("met." if met else "NOT met."))

    def _measurement(self, pk: object) -> Measurement | None:
        closed = Measurement.objects.filter(
            state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED]
        )
        if pk is not None:
            return closed.filter(pk=int(str(pk))).first()
        return closed.order_by("-closes_at").first()

    def _report(
        self, title: str, spec: Spec, data: Data, parents: list[int], names: list[str],
        k: int, k_sensitive: int, shares: bool,
    ) -> bool:  # fmt: skip
        """shares: hold the organisation to the share targets too (the demo; a random
        synthetic tree has many units whose own few people force a child to be hidden)."""
        tree = with_organisation(parents)
        started = time.perf_counter()
        outcome = compute(spec, data, tree, k, k_sensitive)
        seconds = time.perf_counter() - started
        assert outcome.seen is not None
        thresholds = [k] * (1 + len(spec.dimensions) + len(spec.indices)) + [
            k_sensitive if item.sensitive else k for item in spec.items
        ]
        summary = summarise(outcome.seen, tree, thresholds)
        write = self.stdout.write
        write(f"\n{title}: {len(parents)} units, {len(data.unit_of)} respondents, "
              f"{len(spec.items)} questions (computed in {seconds:.2f} s)")  # fmt: skip
        for bar, (count, shown) in summary.sizes.items():
            percent = f"{100 * shown / count:.1f} %" if count else "-"
            write(f"  units with ≥ {bar:>3} respondents: {count:>5}, shown {shown:>5} ({percent})")
        people = outcome.seen.subtree_n[:, 0, -1]
        write(f"  hidden units with ≥ 20 respondents: {len(summary.hidden)}")
        for explanation in summary.hidden:
            write("    " + _explain(explanation, people, names, outcome.seen.partner[:, 0], k))
        share = 100 * summary.protected_cells / max(1, summary.eligible_cells)
        write(f"  cells hidden by the differencing rules: {summary.protected_cells} of "
              f"{summary.eligible_cells} cells with n ≥ k ({share:.2f} %)")  # fmt: skip
        write(f"  the organisation's job-group slices: {summary.group_slices[1]} of "
              f"{summary.group_slices[0]} with n ≥ k shown")  # fmt: skip
        write(f"  avoidable hiding (a smaller shown cell would have done): {summary.avoidable}")
        offensive_ok = self._offensive(outcome, spec, tree, names, k_sensitive)
        count20, shown20 = summary.sizes[20]
        count100, shown100 = summary.sizes[100]
        met = summary.avoidable == 0
        targets = "no avoidable hiding"
        if shares:
            met &= (not count20 or shown20 / count20 >= SHOWN_AT_20) and shown100 == count100
            targets += f"; ≥ {SHOWN_AT_20:.0%} of units with ≥ 20 shown; every unit with ≥ 100"
        write(f"  targets ({targets}; offensive behaviour where ≥ {k_sensitive} answered, each "
              f"exception named): {'met' if met and offensive_ok else 'NOT met'}")  # fmt: skip
        return met and offensive_ok

    def _offensive(
        self, outcome: Outcome, spec: Spec, tree: Tree, names: list[str], k: int
    ) -> bool:
        """The offensive-behaviour (sensitive) questions for the organisation and every unit
        one and two levels below the top: shown where at least k answered, or why not."""
        sensitive = [i for i, item in enumerate(spec.items) if item.sensitive]
        write = self.stdout.write
        if not sensitive:
            write("  offensive behaviour: no sensitive questions in this questionnaire")
            return True
        assert outcome.seen is not None
        first = 1 + len(spec.dimensions) + len(spec.indices)
        root = len(tree) - 1
        tops = tree.children(root)
        levels = {int(u): "department" for top in tops for u in tree.children(int(top))}
        levels |= {int(u): "area" for d in list(levels) for u in tree.children(d)}
        if len(tops) > 1:  # several roots: they are the departments
            levels = {int(u): "department" for u in tops}
            levels |= {int(u): "area" for d in tops for u in tree.children(int(d))}
        places = [root, *levels]
        items = outcome.subtree.items
        write(f"  offensive behaviour ({len(sensitive)} questions, k = {k}):")
        named_all = True
        for kind in ("organisation", "department", "area"):
            at = [u for u in places if (u == root) == (kind == "organisation")
                  and (u == root or levels[u] == kind)]  # fmt: skip
            cells = [(u, i) for u in at for i in sensitive if items.n[u, -1, i] >= k]
            shown = [(u, i) for u, i in cells if items.visible[u, -1, i]]
            write(f"    {kind}: {len(shown)} of {len(cells)} figures with ≥ {k} answers shown")
            for unit, item in sorted(set(cells) - set(shown)):
                reason = outcome.seen.reason[unit, first + item]
                if reason == PROTECTS or not outcome.subtree.visible[unit, -1]:
                    why = "hidden to protect a smaller group"
                elif reason == TOO_FEW:
                    why = "fewer than k"
                else:
                    why = "the unit's respondents are hidden"
                    named_all = False
                write(f"      {names[unit]} · {spec.items[item].key} "
                      f"(n = {int(items.n[unit, -1, item])}): {why}")  # fmt: skip
        return named_all


def _explain(
    explanation: Explanation, people: np.ndarray, names: list[str], partner: np.ndarray, k: int
) -> str:
    unit = explanation.unit
    text = f"{names[unit]} ({int(people[unit])}): "
    if not explanation.conflicts:
        return text + "hidden although nothing requires it (AVOIDABLE)"
    parts = []
    for conflict in explanation.conflicts:
        below = ", ".join(f"{names[b]} ({int(people[b])})" for b in conflict.below) or "nothing"
        if conflict.at == unit:
            parts.append(f"shown beside {below} it would leave {conflict.left} of its own")
        else:
            parts.append(
                f"shown beside {names[conflict.at]} ({int(people[conflict.at])}) it would "
                f"leave {conflict.left} there (with {below} shown below it)"
            )
    if explanation.instead is not None:
        parts.append(f"AVOIDABLE: hiding {names[explanation.instead]} would have done")
    elif partner[unit] >= 0:
        parts.append(f"forced: {names[int(partner[unit])]} holds all but fewer than {k} of "
                     "its people and is itself made of shown units")  # fmt: skip
    return text + "; ".join(parts)
