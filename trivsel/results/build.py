"""Building a measurement's stored results, in steps (`build_results` reads top to bottom):
read the questionnaire once (`Questions`), load a compact response matrix, run the pure
computation (`compute`, the same as `score_file`), compare with the previous measurement
through HR's unit mapping, list the comments, and replace the measurement's rows in one
transaction. Idempotent: building twice gives the same rows. Reports read the stored
results (`results.read`), never answers. The background job around it: `results.tasks`."""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, islice

import numpy as np
import scipy.sparse as sparse
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from trivsel.engine.columns import column_under, engine_items, option_values
from trivsel.engine.compute import (
    Data,
    Earlier,
    Spec,
    all_comparisons,
    combine_previous,
    comment_visibility,
    compute,
    with_organisation,
)
from trivsel.engine.rows import BLOCKS, ORGANISATION, Record, Units, hidden_records, records
from trivsel.engine.stats import compare
from trivsel.engine.suppression import PROTECTS
from trivsel.engine.tree import Tree
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import Dimension, Index, ItemVersion
from trivsel.measurements.models import Measurement, Participant
from trivsel.organisation.models import Unit
from trivsel.results.models import Build, Hidden, Kind, Result, UnitMapping
from trivsel.results.read import COMPARISONS, every_figure, units_shown
from trivsel.survey.models import Answer, Response
from trivsel.survey.sealing import seal


@dataclass(frozen=True)
class Questions:
    """A measurement's questionnaire as the build needs it, read once: the engine's columns
    (`engine_items`: scored questions, exposure questions, one column per option of a
    multiple-choice question) and each column's version (a multiple-choice question's
    version once per option, in the scale's order); its dimensions, the composite indices
    made of them, reference values; the comment questions; each question's comparison key
    (what makes it comparable with an earlier measurement's question)."""

    spec: Spec
    columns: list[ItemVersion]
    free_text: list[ItemVersion]
    comparison_keys: dict[str, str]

    @classmethod
    def load(cls, measurement: Measurement) -> "Questions":
        versions = [v for page in pages_of(measurement.questionnaire) for v in page]
        candidates = [v for v in versions if v.kind == ItemVersion.Kind.SCALE and v.scale]
        dimension_ids = sorted({v.dimension_id for v in candidates if v.dimension_id is not None})
        dimensions = {d.pk: d for d in Dimension.objects.filter(pk__in=dimension_ids)}
        used = [pk for pk in dimension_ids if dimensions[pk].rule != "none"]
        keys = [dimensions[pk].key for pk in used]
        all_indices = list(Index.objects.order_by("key"))
        indices = [
            (index.key, [keys.index(part) for part in index.parts if part in keys])
            for index in all_indices
            if any(part in keys for part in index.parts)
        ]
        entries = [(d.key, d.references) for d in (dimensions[pk] for pk in used)]
        entries += [(index.key, index.references) for index in all_indices]
        references = {key: float(refs[0]["value"]) for key, refs in entries if refs}
        spec = Spec(
            dimensions=[(dimensions[pk].key, dimensions[pk].rule) for pk in used],
            indices=indices,
            references=references,
            outcome=settings.RESULTS_DRIVER_OUTCOME,
        )
        columns = []
        for version in candidates:
            assert version.scale is not None
            items = engine_items(
                version.item.key, version.scale.options, version.scale.multiple,
                version.reverse,
                used.index(version.dimension_id) if version.dimension_id in used else -1,
                version.sensitive,
            )  # fmt: skip
            spec.items += items
            columns += [version] * len(items)
        return cls(
            spec, columns, [v for v in versions if v.kind == ItemVersion.Kind.FREE_TEXT],
            comparison_keys(versions),
        )  # fmt: skip


def comparison_keys(versions: list[ItemVersion]) -> dict[str, str]:
    """Item key -> comparison key for the scale questions among `versions`."""
    return {v.item.key: v.comparison_key() for v in versions if v.kind == ItemVersion.Kind.SCALE}


@dataclass(frozen=True)
class Register:
    """Every unit of the register (open or closed: old responses point at closed ones)."""

    ids: list[int]
    units: Units
    parents: list[int]

    @classmethod
    def load(cls) -> "Register":
        rows = list(Unit.objects.order_by("pk").values_list("pk", "code", "name", "parent_id"))
        at = {pk: number for number, (pk, *_rest) in enumerate(rows)}
        return cls(
            [pk for pk, *_r in rows],
            Units([code for _pk, code, *_r in rows], [name for _pk, _c, name, _p in rows]),
            [at[parent] if parent is not None else -1 for *_r, parent in rows],
        )


def load_data(
    measurement: Measurement, versions: list[ItemVersion], register: Register
) -> tuple[Data, list[int]] | None:
    """The response matrix: one row per submitted response, one column per engine column
    (`measurement_spec`); and the responses' ids, row by row."""
    at = {pk: number for number, pk in enumerate(register.ids)}
    column: dict[int, int] = {}  # one-choice version -> column
    chosen: dict[int, dict[int, int]] = {}  # multiple-choice version -> option value -> column
    for number, version in enumerate(versions):
        if version.scale is not None and version.scale.multiple:
            options = chosen.setdefault(version.pk, {})
            options[option_values(version.scale.options)[len(options)]] = number
        else:
            column[version.pk] = number
    responses = list(
        Response.objects.filter(measurement=measurement, submitted=True)
        .order_by("pk")
        .values_list("pk", "unit_id", "job_group")
    )
    if not responses:
        return None
    row = {pk: number for number, (pk, _unit, _group) in enumerate(responses)}
    answers = np.full((len(responses), len(versions)), np.nan)
    found = Answer.objects.filter(
        response__measurement=measurement,
        response__submitted=True,
        item_version_id__in=list(column),
        value__isnull=False,
        not_relevant=False,
    ).values_list("response_id", "item_version_id", "value")
    rows, cols = [], []
    values: list[float | None] = []
    for response_id, version_id, value in found.iterator(chunk_size=20_000):
        rows.append(row[response_id])
        cols.append(column[version_id])
        values.append(value)
    # A multiple-choice answer (`Answer.values`) fills each of its question's option
    # columns: 1 where the option was named, 0 where it was not; no choice is no answer.
    named = Answer.objects.filter(
        response__measurement=measurement,
        response__submitted=True,
        item_version_id__in=list(chosen),
        not_relevant=False,
    ).values_list("response_id", "item_version_id", "values")
    for response_id, version_id, choices in named.iterator(chunk_size=20_000):
        if not choices:
            continue
        options = chosen[version_id]
        if not set(choices) <= set(options):  # never silently missing, as in the engine
            raise ValueError(f"{choices} are not all options of version {version_id}'s scale")
        for option, number in options.items():
            rows.append(row[response_id])
            cols.append(number)
            values.append(float(option in choices))
    answers[rows, cols] = values
    invited = list(
        Participant.objects.filter(measurement=measurement)
        .values("unit_id", "job_group")
        .annotate(count=Count("pk"))
        .values_list("unit_id", "job_group", "count")
    )
    groups = {group for _pk, _unit, group in responses} | {group for _u, group, _c in invited}
    slices = sorted(groups - {""}) + ([""] if "" in groups else [])
    position = {name: number for number, name in enumerate(slices)}
    invited_counts = np.zeros((len(register.ids) + 1, len(slices)))
    for unit_id, group, count in invited:
        invited_counts[at[unit_id], position[group]] += count
    data = Data(
        answers=answers,
        unit_of=np.array([at[unit] for _pk, unit, _g in responses], dtype=np.int64),
        slice_of=np.array([position[group] for *_r, group in responses], dtype=np.int64),
        slices=slices,
        invited=invited_counts,
    )
    return data, [pk for pk, _unit, _group in responses]


DANISH_LAST = str.maketrans({"æ": "{", "ø": "|", "å": "}"})  # after z, in Danish order


def alphabetical(text: str) -> tuple[str, str]:
    """A comment's place in its list: by its text alone, in Danish alphabetical order."""
    return text.casefold().translate(DANISH_LAST), text


def comment_records(
    measurement: Measurement, questions: list[ItemVersion], data: Data,
    response_ids: list[int], tree: Tree, register: Register,
) -> tuple[list[Record], list[Record]]:  # fmt: skip
    """Comment lists (of the free-text `questions`) for the cells where they may be shown (k
    for comments, and the differencing rules); each list sorted by text, undated, without
    any link to a person. And the lists hidden to protect a smaller group."""
    if not questions:
        return [], []
    row = {pk: number for number, pk in enumerate(response_ids)}
    question_at = {v.pk: number for number, v in enumerate(questions)}
    texts: dict[tuple[int, int], str] = {}
    for response_id, version_id, text in Answer.objects.filter(
        response__measurement=measurement, response__submitted=True,
        item_version_id__in=list(question_at),
    ).exclude(text="").values_list("response_id", "item_version_id", "text"):  # fmt: skip
        if text.strip():
            texts[(row[response_id], question_at[version_id])] = text.strip()
    written = np.zeros((len(response_ids), len(questions)), dtype=bool)
    for r, c in texts:
        written[r, c] = True
    seen = comment_visibility(written, data, tree, settings.RESULTS_MIN_GROUP_COMMENTS)
    top = len(tree) - 1
    # Every text belongs to its unit's cells and to those of every unit above it.
    below: dict[tuple[int, int, int], list[str]] = defaultdict(list)  # unit, column, slice
    for (r, c), text in texts.items():
        unit = int(data.unit_of[r])
        while unit >= 0:
            below[(unit, c, int(data.slice_of[r]))].append(text)
            unit = int(tree.parent[unit])
    own_texts: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for (r, c), text in texts.items():
        own_texts[(int(data.unit_of[r]), c, int(data.slice_of[r]))].append(text)
    slices = len(data.slices)
    found: list[Record] = []
    for part, flags, lists in ((0, seen.own, own_texts), (1, seen.subtree, below)):
        for unit, c, column in zip(*np.nonzero(flags), strict=True):
            unit, c, column = int(unit), int(c), int(column)
            if part == 0 and unit == top:
                continue
            columns = range(slices) if column == slices else [column]
            chosen = [text for s in columns for text in lists.get((unit, c, s), [])]
            group = "" if column == slices else data.slices[column]
            where = (
                {"unit": ORGANISATION, "scope": "all"} if unit == top
                else {"unit": register.units.codes[unit],
                      "scope": "own" if part == 0 else "subtree"}
            )  # fmt: skip
            # Sorted by their text: no order of groups or of arrival survives (a shuffle
            # seeded with public values could be inverted).
            chosen.sort(key=alphabetical)
            found.append(where | {
                "group": group, "kind": "comments", "metric": questions[c].item.key,
                "n": len(chosen), "options": {"texts": chosen},
            })  # fmt: skip
    hidden: list[Record] = []
    for unit, c in zip(*np.nonzero(seen.reason == PROTECTS), strict=True):
        partner = int(seen.partner[unit, c])
        hidden.append({
            "unit": ORGANISATION if unit == top else register.units.codes[unit],
            "scope": "all" if unit == top else "subtree", "group": "", "kind": "comments",
            "metric": questions[c].item.key, "reason": "protects",
            "partner": register.units.codes[partner] if 0 <= partner < top else "",
        })  # fmt: skip
    return found, hidden


def previous_measurement(measurement: Measurement) -> Measurement | None:
    """HR's choice, else a follow-up's baseline, else the latest measurement that closed
    before this one and has results."""
    if measurement.previous_id is not None:
        return measurement.previous
    if measurement.baseline_id is not None:
        return measurement.baseline
    return (
        Measurement.objects.filter(
            closes_at__lt=measurement.closes_at,
            state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED],
        )
        .exclude(pk=measurement.pk)
        .filter(Q(kind=Measurement.Kind.MAIN) | Q(kind=measurement.kind))
        .order_by("-closes_at")
        .first()
    )


def previous_figures(
    questions: Questions, previous: Measurement, slices: list[str], register: Register
) -> dict[tuple[int, str], Earlier]:
    """Last time's stored figures (n, mean, sd), pooled onto this time's units through the
    unit mapping, per (scope part, block); `slices`: this time's job groups, in order. Only
    the subtree part (1): a unit's own figures are never shown, so never compared."""
    spec = questions.spec
    codes = register.units.codes
    code_at = {code: number for number, code in enumerate(codes)}
    top = len(codes)
    # This time's units × earlier units: an explicit mapping, else the same code.
    id_at = {pk: number for number, pk in enumerate(register.ids)}
    mapped: dict[int, list[int]] = defaultdict(list)
    for unit_id, previous_code in UnitMapping.objects.values_list("unit_id", "previous_code"):
        if previous_code in code_at:
            mapped[id_at[unit_id]].append(code_at[previous_code])
    rows, cols = [], []
    for unit in range(top + 1):
        for source in mapped.get(unit, [unit]):
            rows.append(unit)
            cols.append(source)
    parts = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(top + 1, top + 1))
    now_keys = questions.comparison_keys
    then_versions = [v for page in pages_of(previous.questionnaire) for v in page]
    then_keys = {v: k for k, v in comparison_keys(then_versions).items()}
    metrics = {
        "dimension": [key for key, _rule in spec.dimensions],
        "index": [key for key, _parts in spec.indices],
        # an earlier item key, looked up through the comparison key of this time's version
        # (a multiple-choice option's column keeps its option: `apv.bullying.from:3`)
        "item": [
            column_under(item.key, then_keys.get(now_keys.get(v.item.key, ""), ""))
            for item, v in zip(spec.items, questions.columns, strict=True)
        ],
    }
    groups = {group: number for number, group in enumerate(slices)}
    groups[""] = len(slices)  # "" in stored rows is everyone
    index = {
        kind: {metric: at for at, metric in enumerate(keys) if metric}
        for kind, keys in metrics.items()
    }
    found: dict[str, list[tuple[int, int, float, float]]] = {kind: [] for kind in metrics}
    code_of = dict(zip(register.ids, codes, strict=True))
    for figure in every_figure(previous, kinds=list(metrics)):
        if figure.score is None or figure.scope == "own" or not figure.n:
            continue
        code = None if figure.unit_id is None else code_of.get(figure.unit_id)
        found_at = top if figure.scope == "all" else code_at.get(code or "")
        metric = index[figure.kind].get(figure.metric)
        if found_at is None or metric is None or figure.group not in groups:
            continue
        column = groups[figure.group]
        cell = (found_at * (len(slices) + 1) + column) * len(metrics[figure.kind]) + metric
        found[figure.kind].append((cell, figure.n, figure.score, figure.sd or 0.0))
    result = {}
    for block, kind in BLOCKS:
        cells = np.array(found[kind], dtype=np.float64).reshape(-1, 4)
        cells = cells[np.argsort(cells[:, 0], kind="stable")]
        shape = (top + 1, len(slices) + 1, len(metrics[kind]))
        earlier = Earlier(shape, cells[:, 0].astype(np.intp), cells[:, 1], cells[:, 2], cells[:, 3])
        result[(1, block)] = combine_previous(earlier, parts)
    return result


Step = Build.Step


def build_results(
    measurement: Measurement, on_step: Callable[[str], None] = lambda step: None
) -> int:
    """Rebuild the stored results of a closed measurement; returns the number of figures.
    `on_step` hears each step as it starts (the job shows it). Once the responses are
    sealed (generalised, trivsel/survey/sealing.py) the figures stay as they were computed
    from the full data; only the comparison with an earlier measurement, which HR's unit
    mapping changes, is recomputed (`refresh_previous`)."""
    if measurement.sealed_at is not None:
        on_step(Step.COMPARE)
        return refresh_previous(measurement)
    on_step(Step.LOAD)
    questions = Questions.load(measurement)
    register = Register.load()
    loaded = load_data(measurement, questions.columns, register)
    if loaded is None:
        return store(measurement, [], [], register, on_step)
    data, response_ids = loaded
    tree: Tree = with_organisation(register.parents)
    on_step(Step.COMPUTE)
    outcome = compute(
        questions.spec, data, tree, settings.RESULTS_MIN_GROUP,
        settings.RESULTS_MIN_GROUP_SENSITIVE, own_figures=False,
    )  # fmt: skip
    on_step(Step.COMPARE)
    previous = previous_measurement(measurement)
    earlier = (
        previous_figures(questions, previous, outcome.slices, register)
        if previous is not None
        else None
    )
    comparisons = all_comparisons(outcome, questions.spec, earlier)
    del earlier
    on_step(Step.COMMENTS)
    comments, hidden_comments = comment_records(
        measurement, questions.free_text, data, response_ids, tree, register
    )
    # The records are made as they are converted (one figure at a time, not all at once).
    found = chain(records(outcome, questions.spec, register.units, comparisons), comments)
    hidden = [*hidden_records(outcome, questions.spec, register.units), *hidden_comments]
    return store(measurement, found, hidden, register, on_step)


def store(
    measurement: Measurement, found: Iterable[Record], hidden: Iterable[Record],
    register: Register, on_step: Callable[[str], None] = lambda step: None,
) -> int:  # fmt: skip
    """Replace the measurement's stored results in one transaction and mark it built: the
    figures of each cell (unit, scope, group) and kind together in one row (`Result`);
    returns the number of figures."""
    on_step(Step.CONVERT)
    unit_ids = dict(zip(register.units.codes, register.ids, strict=True))
    cells, count = encode_cells(found, unit_ids)
    on_step(Step.STORE)
    with transaction.atomic():
        Result.objects.filter(measurement=measurement).delete()
        Hidden.objects.filter(measurement=measurement).delete()
        _write(measurement, cells)
        Hidden.objects.bulk_create(
            (_hidden(measurement, record, unit_ids) for record in hidden), batch_size=5000
        )
        _mark_built(measurement, count)
    return count


Values = dict[str, object]  # one figure as stored in `Result.figures`
CellKey = tuple[int | None, str, str, str]  # unit id (None: organisation), scope, group, kind


def encode_cells(
    records: Iterable[Record], unit_ids: dict[str, int]
) -> tuple[dict[CellKey, str], int]:
    """Each cell's figures as the JSON text stored in `Result.figures`, and the number of
    figures. A cell is encoded as soon as the records move on to another (the engine gives
    a cell's figures one after another), so only one cell is ever held as objects: a large
    organisation's figures would take several times the memory as dictionaries. A cell
    that comes back (comment lists) is merged."""
    cells: dict[CellKey, str] = {}
    current: CellKey | None = None
    figures: dict[str, Values] = {}

    def finish() -> None:
        if current is None:
            return
        if current in cells:
            figures.update(
                (m, f) for m, f in json.loads(cells[current]).items() if m not in figures
            )
        cells[current] = json.dumps(figures)

    count = 0
    for record in records:
        unit = str(record["unit"])
        where = (None if unit == ORGANISATION else unit_ids[unit], str(record["scope"]),
                 str(record["group"]), str(record["kind"]))  # fmt: skip
        if where != current:
            finish()
            current, figures = where, {}
        figures[str(record["metric"])] = figure_of(record)
        count += 1
    finish()
    return cells, count


def _write(measurement: Measurement, cells: dict[CellKey, str]) -> None:
    """Write the rows from their JSON text: COPY on PostgreSQL (bulk loading, no statement
    per batch), batched inserts elsewhere (no model objects: they would all be held at
    once)."""
    table = connection.ops.quote_name(Result._meta.db_table)
    names = ("measurement_id", "unit_id", "scope", "group", "kind", "figures")
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    rows = (
        (measurement.pk, unit, scope, group, kind, figures)
        for (unit, scope, group, kind), figures in cells.items()
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
        while batch := list(islice(rows, 1000)):
            cursor.executemany(insert, batch)


VALUES = ("n", "score", "sd", "favourable", "neutral", "unfavourable", "invited")


def figure_of(record: Record) -> Values:
    """A record's values as stored (`Result.figures`): only those it has."""
    figure: Values = {name: record[name] for name in VALUES if record.get(name) is not None}
    options = record.get("options")
    if record["kind"] == Kind.COMMENTS:
        figure["texts"] = list(options["texts"]) if isinstance(options, dict) else []
    elif options:
        figure["options"] = options
    versus = {
        name: [record[f"vs_{name}"], record.get(f"p_{name}"), record[f"flag_{name}"]]
        for name in COMPARISONS
        if f"vs_{name}" in record
    }
    if versus:
        figure["versus"] = versus
    return figure


def _mark_built(measurement: Measurement, rows: int) -> None:
    now = timezone.now()
    Build.objects.update_or_create(
        measurement=measurement,
        defaults={"status": Build.Status.DONE, "step": "", "error": "", "built_at": now,
                  "finished_at": now, "rows": rows},
    )  # fmt: skip


def _hidden(measurement: Measurement, record: Record, unit_ids: dict[str, int]) -> Hidden:
    unit, partner = str(record["unit"]), str(record.get("partner") or "")
    return Hidden(
        measurement=measurement,
        unit_id=None if unit == ORGANISATION else unit_ids[unit],
        **{name: str(record[name]) for name in ("scope", "group", "kind", "metric")},
        reason=str(record["reason"]),
        partner_id=unit_ids[partner] if partner else None,
    )


def refresh_previous(measurement: Measurement) -> int:
    """Recompute every stored figure's comparison with the previous measurement from the
    stored figures alone (n, mean, sd on both sides, through the unit mapping): what a
    rebuild of a sealed measurement does. Nothing else changes, so a rebuild shows nothing
    that was not shown before. Returns the number of figures."""
    questions = Questions.load(measurement)
    spec = questions.spec
    register = Register.load()
    cells = list(Result.objects.filter(measurement=measurement))
    blocks = [cell for cell in cells if cell.kind in {kind for _block, kind in BLOCKS}]
    scored = [
        (cell, metric, figure)
        for cell in blocks
        for metric, figure in cell.figures.items()
        if figure.get("score") is not None
    ]
    previous = previous_measurement(measurement)
    slices = sorted({cell.group for cell in blocks} - {""})
    earlier = (
        previous_figures(questions, previous, slices, register)
        if previous is not None and scored
        else None
    )
    top = len(register.ids)
    at = {pk: number for number, pk in enumerate(register.ids)}
    groups = {group: number for number, group in enumerate(slices)} | {"": len(slices)}
    metric_at = {
        "dimension": {key: number for number, (key, _rule) in enumerate(spec.dimensions)},
        "index": {key: number for number, (key, _parts) in enumerate(spec.indices)},
        "item": {item.key: number for number, item in enumerate(spec.items)},
    }
    then = np.zeros((len(scored), 3))  # n, mean, sd last time (n = 0: none)
    for block, kind in BLOCKS:
        wanted = [
            (number, at[cell.unit_id] if cell.unit_id is not None else top, cell.group, metric)
            for number, (cell, key, _figure) in enumerate(scored)
            if cell.kind == kind and cell.scope != "own"
            and (metric := metric_at[kind].get(key)) is not None
        ]  # fmt: skip
        if earlier is None or not wanted:
            continue
        figures = earlier[(1, block)]
        width, metrics = figures.shape[1:]
        numbers = np.array([number for number, *_rest in wanted])
        flat = np.array([(unit * width + groups[group]) * metrics + metric
                         for _number, unit, group, metric in wanted])  # fmt: skip
        then[numbers] = np.column_stack(figures.at(flat))
    now = np.array(
        [[f["n"], f["score"], f.get("sd") or 0.0] for _c, _k, f in scored], dtype=float
    ).reshape(-1, 3)
    differences = compare(
        now[:, 1], now[:, 2], now[:, 0], then[:, 1], then[:, 2], then[:, 0],
        where=then[:, 0] > 0,
    )  # fmt: skip
    value, p, flagged = differences.value, differences.p, differences.flagged
    for number, (_cell, _key, figure) in enumerate(scored):
        versus = dict(figure.get("versus") or {})
        versus.pop("previous", None)
        if not np.isnan(value[number]):
            p_value = None if np.isnan(p[number]) else float(p[number])
            versus["previous"] = [float(value[number]), p_value, bool(flagged[number])]
        if versus:
            figure["versus"] = versus
        else:
            figure.pop("versus", None)
    with transaction.atomic():
        Result.objects.bulk_update(blocks, ["figures"], batch_size=500)
        count = sum(len(cell.figures) for cell in cells)
        _mark_built(measurement, count)
    return count


def seal_after_build(measurement: Measurement) -> bool:
    """Seal a closed measurement's responses along what its built results publish
    (trivsel/survey/sealing.py); False if there is nothing to do."""
    if not Build.objects.filter(measurement=measurement, built_at__isnull=False).exists():
        return False
    return seal(measurement, units_shown(measurement))
