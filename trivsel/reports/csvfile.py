"""The all-units table as CSV, for HR's tools (Power BI, Excel, R): the same header and rows
as the all-units workbook, streamed as it is read.

The format is what Excel and Power BI in a Danish locale read without an import dialogue:
UTF-8 with a byte-order mark (without it Excel reads æøå as Latin-1), `;` between fields
(Excel's list separator where the comma is the decimal sign), CRLF line ends, and numbers
with the decimal sign of the language the file is made in (a comma in Danish: "0,85", a
point in English), so that a Danish Excel reads them as numbers and not as dates or text.
Whole numbers have no decimals. Every text goes through `core.exports.csv_text`: no text can
become a formula."""

import csv
from collections.abc import Iterator

from django.utils.translation import get_language

from trivsel.core.exports import csv_text
from trivsel.measurements.models import Measurement
from trivsel.reports.table import figure_rows

BOM = "\ufeff"


class _Line:
    """A file-like object whose write returns the line (the csv module writes one row)."""

    def write(self, line: str) -> str:
        return line


def _cell(value: object, comma: bool) -> object:
    """Text made safe (`csv_text`), numbers in the language's decimal sign."""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    text = str(int(value)) if value.is_integer() else repr(value)
    return text.replace(".", ",") if comma else text


def all_units_csv(measurement: Measurement) -> Iterator[str]:
    """The lines of the file, the byte-order mark first."""
    comma = (get_language() or "da").startswith("da")
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield BOM
    for row in figure_rows(measurement):
        # Texts are made safe before numbers become text: a difference of -3 is a number.
        yield writer.writerow([value if value is None else _cell(value, comma) for value in row])
