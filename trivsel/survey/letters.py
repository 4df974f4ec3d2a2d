"""Printable invitation letters for staff with neither e-mail nor mobile: one A4 page per
person with their name, unit, personal short code (typed at a kiosk) and a QR code of their
personal link (scanned with any phone). Danish first, English below.

Everyone without e-mail and mobile gets a letter whether or not they have answered (the
letter thanks those who have), and the PDF is the same bytes for the same people: printing
letters twice must not tell HR who answered in between."""

from collections.abc import Iterable
from io import BytesIO

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from trivsel.measurements.models import Measurement
from trivsel.survey.models import Invitation
from trivsel.survey.sending import link

QR_SIZE = 45 * mm


def grouped(code: str) -> str:
    """ABCDE-FGHJK: easier to read and type; the kiosk ignores the dash."""
    return f"{code[:5]}-{code[5:]}"


def _qr(url: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0]
    )
    drawing.add(widget)
    return drawing


def _wrap(canvas: Canvas, text: str, x: float, y: float, width: float, size: int) -> float:
    """Draw text wrapped to width; returns the y below it."""
    for line in simpleSplit(text, "Helvetica", size, width):
        canvas.setFont("Helvetica", size)
        canvas.drawString(x, y, line)
        y -= size * 1.35
    return y


def _letter(canvas: Canvas, measurement: Measurement, invitation: Invitation) -> None:
    employee = invitation.participant.employee
    width, height = A4
    left, text_width = 20 * mm, width - 40 * mm
    values = {
        "measurement": measurement.name,
        "kiosk": f"{settings.SITE_URL}/kiosk/",
    }
    canvas.setFont("Helvetica", 10)
    canvas.drawString(left, height - 20 * mm, invitation.participant.unit.name)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(left, height - 30 * mm, employee.name)
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(left, height - 50 * mm, measurement.name)
    y = height - 62 * mm
    for language in ("da", "en"):
        with translation.override(language):
            # The exact time: collection may close at 08:00, not at the end of the day.
            values["closes"] = date_format(
                timezone.localtime(measurement.closes_at), "DATETIME_FORMAT"
            )
            y = _wrap(
                canvas,
                _(
                    "You are invited to answer %(measurement)s. Your answers are anonymous: "
                    "they are stored without your name and shown only for groups large enough "
                    "that no one can be recognised. The survey is open until %(closes)s."
                )
                % values,
                left,
                y,
                text_width,
                11,
            )
            y = _wrap(
                canvas,
                _(
                    "Scan the QR code with your phone, or type your personal code at "
                    "%(kiosk)s (for example on the tablet in the staff room). You can stop "
                    "and continue later. Keep the code to yourself: it is yours. If you have "
                    "already answered: thank you, there is nothing more to do."
                )
                % values,
                left,
                y - 4,
                text_width,
                11,
            )
            y -= 10
    y -= 10  # the QR code's top; the code sits beside it
    canvas.setFont("Helvetica", 10)
    with translation.override("da"):
        label_da = _("Your personal code")
    with translation.override("en"):
        label_en = _("Your personal code")
    canvas.drawString(left, y - 14, f"{label_da} / {label_en}")
    canvas.setFont("Courier-Bold", 28)
    canvas.drawString(left, y - 48, grouped(invitation.short_code))
    renderPDF.draw(_qr(link(invitation)), canvas, width - 20 * mm - QR_SIZE, y - QR_SIZE)
    canvas.showPage()


def render_letters(measurement: Measurement, invitations: Iterable[Invitation]) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=True)  # no timestamps
    canvas.setTitle(measurement.name)
    canvas.setAuthor("Trivsel")
    for invitation in invitations:
        _letter(canvas, measurement, invitation)
    canvas.save()
    return buffer.getvalue()


def needs_letter(measurement: Measurement) -> QuerySet[Invitation]:
    """Those the invitation job cannot reach: neither e-mail nor mobile (answered or not)."""
    return (
        Invitation.objects.filter(
            measurement=measurement,
            participant__employee__email="",
            participant__employee__mobile="",
        )
        .select_related("participant__employee", "participant__unit")
        .order_by("participant__unit__path", "participant__employee__name")
    )
