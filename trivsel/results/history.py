"""Importing a previous vendor's respondent-level export as a closed past measurement, so this
year's results compare with it (`manage.py import_history`; format in
docs/history-import-format.md).

The file is read and checked exactly like `score_file`'s (every problem with its row and
column: unknown question column, value outside the scale, non-numeric value, missing or
unknown unit, empty file); with any problem nothing is written. Otherwise, in one
transaction: the item-bank document goes into the bank (unchanged entries are left alone),
a locked questionnaire holds the file's scored questions, and a closed measurement holds
one submitted response per row, dated the day it closed. Its results are then built like
any closed measurement's.
"""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.engine.compute import Spec
from trivsel.instruments import builder
from trivsel.instruments.bank import BankRejected, import_document, parse_json
from trivsel.instruments.models import ItemVersion, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.importing.files import Table
from trivsel.organisation.importing.problems import Problem
from trivsel.organisation.models import Unit
from trivsel.results import scorefile
from trivsel.survey.models import Answer, Response


@dataclass(frozen=True)
class Imported:
    measurement: Measurement
    responses: int
    answers: int


def check(
    document_bytes: bytes, filename: str, table: Table, unit_column: str, group_column: str | None
) -> tuple[Spec | None, scorefile.Responses | None, list[Problem]]:
    """Everything that can be wrong with the two files, nothing written."""
    spec, problems = scorefile.load_questionnaire(document_bytes, filename)
    if spec is None:
        return None, None, problems
    known = set(Unit.objects.values_list("code", flat=True))
    responses, problems = scorefile.read_responses(table, spec, unit_column, group_column, known)
    return spec, responses, problems


@transaction.atomic
def import_history(
    document_bytes: bytes, spec: Spec, responses: scorefile.Responses, name: str,
    closed_on: datetime.date,
) -> Imported:  # fmt: skip
    try:
        import_document(parse_json(document_bytes))
    except BankRejected as rejected:
        raise ValueError("; ".join(f"{p.path}: {p.message}" for p in rejected.problems)) from None
    keys = [item.key for item in spec.items]
    used = [c for c, key in enumerate(keys) if not np.isnan(responses.answers[:, c]).all()]
    latest: dict[str, ItemVersion] = {}
    for version in ItemVersion.objects.filter(item__key__in=[keys[c] for c in used]).order_by(
        "version"
    ):
        latest[version.item.key] = version
    questionnaire = builder.create_questionnaire(_("%(name)s (imported)") % {"name": name}, None)
    page = questionnaire.pages.get()
    for column in used:
        builder.add_item(page, latest[keys[column]])
    Questionnaire.objects.filter(pk=questionnaire.pk).update(locked_at=timezone.now())
    moment = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(12)))
    measurement = Measurement.objects.create(
        name=name, kind=Measurement.Kind.MAIN, questionnaire=questionnaire,
        state=Measurement.State.CLOSED, validation_starts=moment, opens_at=moment,
        closes_at=moment, results_release_at=moment,
    )  # fmt: skip
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    created = Response.objects.bulk_create(
        [
            Response(
                measurement=measurement,
                unit_id=unit_ids[code],
                job_group=group,
                submitted=True,
            )
            for code, group in zip(responses.unit_codes, responses.groups, strict=True)
        ],
        batch_size=2000,
    )
    if any(response.pk is None for response in created):  # backends without RETURNING
        created = list(Response.objects.filter(measurement=measurement).order_by("pk"))
    answers = []
    for row, response in enumerate(created):
        for column in used:
            value = responses.answers[row, column]
            if not np.isnan(value):
                answers.append(
                    Answer(response=response, item_version=latest[keys[column]], value=int(value))
                )
    Answer.objects.bulk_create(answers, batch_size=5000)
    return Imported(measurement, len(created), len(answers))
