"""The texts of invitations, reminders and SMS: HR's own per measurement, in Danish and
English, or the default ones. A text has placeholders in braces ({name}, {link}, ...); the
defaults say what a person needs to trust the message and answer: the purpose, the time it
takes, that the answers are anonymous, the closing date and time, whom to ask, and where to
read about data protection. An e-mail gives the Danish text with the English below it."""

import math
import string
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trivsel.instruments.builder import pages_of
from trivsel.measurements.models import Measurement

KINDS = ("invitation", "reminder", "sms")
LANGUAGES = ("da", "en")
PLACEHOLDERS = ("name", "measurement", "link", "closes", "minutes", "contact", "privacy")
SECONDS_PER_QUESTION = 10  # for "it takes about N minutes"


def default_text(kind: str, language: str, measurement_kind: str = Measurement.Kind.MAIN) -> str:
    """The default text of a kind of message; a follow-up's and a pulse's invitation say
    what they are (a few questions on how the agreed actions are going; a short measurement
    the leader started)."""
    with translation.override(language):
        if kind == "invitation" and measurement_kind == Measurement.Kind.FOLLOW_UP:
            return _(
                "Dear {name},\n\n"
                "You are invited to answer {measurement}: a short follow-up on the last "
                "workplace wellbeing survey. How are things going with what your unit agreed "
                "to work on? It takes about {minutes} minutes.\n\n"
                "Your answers are anonymous: they are stored without your name, and results "
                "are shown only for groups large enough that no one can be recognised.\n\n"
                "Answer by {closes} here: {link}\n"
                "The link is personal; do not pass it on.\n\n"
                "Questions: {contact}. About data protection: {privacy}"
            )
        if kind == "invitation" and measurement_kind == Measurement.Kind.PULSE:
            return _(
                "Dear {name},\n\n"
                "You are invited to answer {measurement}: a short pulse measurement your "
                "leader has started for your unit, a few questions about how things are now. "
                "It takes about {minutes} minutes.\n\n"
                "Your answers are anonymous: they are stored without your name, and results "
                "are shown only for groups large enough that no one can be recognised.\n\n"
                "Answer by {closes} here: {link}\n"
                "The link is personal; do not pass it on.\n\n"
                "Questions: {contact}. About data protection: {privacy}"
            )
        if kind == "invitation":
            return _(
                "Dear {name},\n\n"
                "You are invited to answer {measurement}: the workplace wellbeing survey "
                "that your unit's dialogue and action plan will build on. It takes about "
                "{minutes} minutes.\n\n"
                "Your answers are anonymous: they are stored without your name, and results "
                "are shown only for groups large enough that no one can be recognised.\n\n"
                "Answer by {closes} here: {link}\n"
                "The link is personal; do not pass it on.\n\n"
                "Questions: {contact}. About data protection: {privacy}"
            )
        if kind == "reminder":
            return _(
                "Dear {name},\n\n"
                "A reminder: {measurement} is open until {closes}. It takes about {minutes} "
                "minutes, and your answers are anonymous. If you have already answered, thank "
                "you, and please ignore this message.\n\n"
                "Your personal link: {link}\n\n"
                "Questions: {contact}. About data protection: {privacy}"
            )
        return _(
            "{measurement} from your employer: answer anonymously by {closes} (about {minutes} "
            "min.). Your personal link: {link} Questions: {contact}"
        )


def text_of(measurement: Measurement, kind: str, language: str) -> str:
    return str((measurement.message_texts.get(kind) or {}).get(language) or "") or default_text(
        kind, language, measurement.kind
    )


def problems_in(text: str) -> list[str]:
    """What is wrong with a text's placeholders, in words (empty: nothing)."""
    try:
        names = [field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field]
    except ValueError:
        return [_("A brace { or } is unmatched; write {{ or }} for a brace itself.")]
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        return [
            _("Unknown placeholders: %(names)s. You can use: %(allowed)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        ]
    return []


def minutes(measurement: Measurement) -> int:
    questions = sum(len(versions) for versions in pages_of(measurement.questionnaire))
    return max(5, 5 * math.ceil(questions * SECONDS_PER_QUESTION / 60 / 5))


def values(measurement: Measurement, name: str, link: str, language: str) -> dict[str, object]:
    with translation.override(language):
        closes = date_format(timezone.localtime(measurement.closes_at), "DATETIME_FORMAT")
        contact = measurement.contact or settings.SURVEY_CONTACT or _("your HR department")
        privacy = settings.PRIVACY_URL or _("ask your HR department")
    return {
        "name": name, "measurement": measurement.name, "link": link, "closes": closes,
        "minutes": minutes(measurement), "contact": contact, "privacy": privacy,
    }  # fmt: skip


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # the e-mail: Danish, then English
    sms: str  # Danish


class Composer:
    """Makes one kind of message ("invitation" or "reminder") for many people: the texts and
    the measurement's values are read once, each person's name and link filled in."""

    def __init__(self, measurement: Measurement, kind: str):
        self.subject = measurement.name
        self.texts = {language: text_of(measurement, kind, language) for language in LANGUAGES}
        self.sms = text_of(measurement, "sms", "da")
        self.values = {language: values(measurement, "", "", language) for language in LANGUAGES}

    def message(self, name: str, link: str) -> Message:
        parts = [
            self.texts[language].format_map(self.values[language] | {"name": name, "link": link})
            for language in LANGUAGES
        ]
        sms = self.sms.format_map(self.values["da"] | {"name": name, "link": link})
        return Message(self.subject, "\n\n---\n\n".join(parts), sms)
