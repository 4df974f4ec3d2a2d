"""Which heading in an HR export means what. Danish and English headings are both
accepted, in any case, with spaces, hyphens or underscores."""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trivsel.organisation.importing.files import Table
from trivsel.organisation.importing.problems import Problem


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    aliases: frozenset[str]
    required: bool


def normalise_heading(heading: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", heading.replace("\ufeff", "")).strip().lower()


def _column(key: str, label: Promise, required: bool, *aliases: str) -> Column:
    return Column(key, label, frozenset(normalise_heading(a) for a in aliases), required)


UNIT_COLUMNS = [
    _column("code", gettext_lazy("unit code"), True,
            "code", "unit code", "unit id", "enhedskode", "kode", "enhedsnummer", "enhed id"),
    _column("parent", gettext_lazy("parent code"), True,
            "parent", "parent code", "parent unit", "parent unit code", "overordnet",
            "overordnet enhed", "overordnet kode", "overordnet enhedskode", "forælder",
            "forældrekode"),
    _column("name", gettext_lazy("name"), True,
            "name", "unit name", "navn", "enhedsnavn"),
    _column("kind", gettext_lazy("kind"), False,
            "kind", "type", "level", "unit kind", "unit type", "niveau", "enhedstype", "art"),
]  # fmt: skip

EMPLOYEE_COLUMNS = [
    _column("number", gettext_lazy("employee number"), True,
            "number", "employee number", "employee no", "employee id", "medarbejdernummer",
            "medarbejdernr", "medarbejder nr", "medarbejder id", "medarbejder nummer",
            "lønnummer", "tjenestenummer", "mednr"),
    _column("name", gettext_lazy("name"), True,
            "name", "full name", "employee name", "navn", "fulde navn", "medarbejdernavn"),
    _column("email", gettext_lazy("e-mail"), False,
            "email", "e-mail", "mail", "email address", "e-mail address", "e-mailadresse",
            "emailadresse", "mailadresse"),
    _column("mobile", gettext_lazy("mobile"), False,
            "mobile", "mobile number", "mobile phone", "phone", "mobil", "mobilnummer",
            "mobilnr", "telefon", "telefonnummer"),
    _column("job_group", gettext_lazy("job group"), False,
            "job group", "jobgroup", "job", "stillingsgruppe", "faggruppe", "jobgruppe",
            "stilling", "stillingsbetegnelse"),
    _column("unit", gettext_lazy("unit code"), True,
            "unit", "unit code", "enhed", "enhedskode", "arbejdssted", "arbejdsstedskode"),
    _column("leader", gettext_lazy("leader"), False,
            "leader", "is leader", "manager", "leder", "er leder"),
    _column("trio", gettext_lazy("TRIO role"), False,
            "trio", "trio role", "rolle", "trio rolle", "med rolle"),
]  # fmt: skip


def map_columns(table: Table, columns: list[Column]) -> tuple[dict[str, int], list[Problem]]:
    """Which cell index holds each known column; unknown headings are ignored (HR exports
    carry many columns we do not need)."""
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    by_alias = {alias: column for column in columns for alias in column.aliases}
    for index, heading in enumerate(table.headers):
        column = by_alias.get(normalise_heading(heading))
        if column is None:
            continue
        if column.key in positions:
            problems.append(
                Problem(
                    table.file,
                    _("Two columns mean %(column)s; keep only one of them.")
                    % {"column": column.label},
                    row=1,
                    column=heading,
                )
            )
            continue
        positions[column.key] = index
    for column in columns:
        if column.required and column.key not in positions:
            problems.append(
                Problem(
                    table.file,
                    _("The required column %(column)s is missing (accepted headings: %(names)s).")
                    % {"column": column.label, "names": ", ".join(sorted(column.aliases)[:6])},
                    row=1,
                )
            )
    return positions, problems
