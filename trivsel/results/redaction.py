"""HR redacts a comment (PRODUCT.md: "HR can redact a comment before release"): after close,
HR reads a measurement's comments — by their text alone, in alphabetical order, never with
a unit, a group or a time — and removes one that could identify a person, or edits out the
name. Comments of the same question with exactly the same text change together (they say
the same thing). The change is audited (which measurement and question, not the text), and
the stored comment lists are changed in the same transaction, so no report or export made
afterwards shows the old text."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trivsel.core.audit import record
from trivsel.instruments.models import ItemVersion
from trivsel.instruments.preview import FREE_TEXT_MAX
from trivsel.measurements.models import Measurement
from trivsel.results.build import alphabetical
from trivsel.results.models import Kind, Result
from trivsel.survey.models import Answer

OPEN_FOR_REDACTION = (Measurement.State.CLOSED, Measurement.State.RELEASED)


def removed_text() -> str:
    """What a removed comment says, in the installation's language (the reports' language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("(Removed by HR because the comment could identify a person.)")


class Refused(ValueError):
    pass


def comments(measurement: Measurement, search: str = "") -> "QuerySet[Answer]":
    """The submitted comments of a closed measurement, by their text."""
    answers = Answer.objects.filter(
        response__measurement=measurement, response__submitted=True,
        item_version__kind=ItemVersion.Kind.FREE_TEXT,
    ).exclude(text="")  # fmt: skip
    if search.strip():
        answers = answers.filter(text__icontains=search.strip())
    return answers.select_related("item_version__item").order_by("text", "pk")


@dataclass(frozen=True)
class Change:
    removed: bool
    comments: int  # answers changed (identical texts change together)


def redact(measurement: Measurement, answer_id: int, text: str | None) -> Change:
    """Replace a comment's text: `None` removes it (a fixed sentence takes its place), a
    text edits it (1 to FREE_TEXT_MAX characters). Refused before close, for an answer that is
    not one of the measurement's comments, and for an edit that changes nothing."""
    if measurement.state not in OPEN_FOR_REDACTION:
        raise Refused(_("Comments can be read and redacted once the measurement has closed."))
    with transaction.atomic():
        answer = comments(measurement).select_for_update().filter(pk=answer_id).first()
        if answer is None:
            raise Refused(_("That comment is not among this measurement's comments."))
        new = removed_text() if text is None else text.strip()
        if not new:
            raise Refused(_("Write the comment's new text, or remove the comment."))
        if len(new) > FREE_TEXT_MAX:
            raise Refused(
                _("The text is longer than %(max)s characters.") % {"max": f"{FREE_TEXT_MAX:,}"}
            )
        if new == answer.text:
            raise Refused(_("The text is unchanged."))
        old, key = answer.text, answer.item_version.item.key
        changed = comments(measurement).filter(item_version=answer.item_version, text=old)
        count = changed.update(text=new)
        _replace_in_stored_lists(measurement, key, old.strip(), new)
        record(
            "comment redacted", f"{measurement.pk} {measurement.name}",
            f"question {key}: {'removed' if text is None else 'edited'}"
            + (f" ({count} identical comments)" if count > 1 else ""),
        )  # fmt: skip
    return Change(removed=text is None, comments=count)


def _replace_in_stored_lists(measurement: Measurement, key: str, old: str, new: str) -> None:
    """Every stored list of the question that holds the old text gets the new one instead,
    in its alphabetical place (the build stores each comment's text stripped, sorted)."""
    rows = Result.objects.filter(measurement=measurement, kind=Kind.COMMENTS)
    for row in rows.select_for_update():
        figure = row.figures.get(key)
        if not figure or old not in figure.get("texts", []):
            continue
        figure["texts"] = sorted(
            (new if text == old else text for text in figure["texts"]), key=alphabetical
        )
        row.save(update_fields=["figures"])
