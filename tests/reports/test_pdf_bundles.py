"""Every unit's PDF in one ZIP, made in the background with progress; HR only."""

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.measurements.models import Measurement
from trivsel.reports.models import PdfBundle

pytestmark = pytest.mark.django_db


def test_hr_makes_every_units_pdf_into_one_zip(
    released: Measurement,
    clients: dict[str, Client], settings: Any, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.DATA_DIR = tmp_path
    url = reverse("reports:pdfs", args=[released.pk])
    assert "Make every unit" in clients["hr"].get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert clients["hr"].post(url).status_code == 302
    bundle = PdfBundle.objects.get()
    assert (bundle.status, bundle.done, bundle.total) == (PdfBundle.Status.DONE, 2, 2)
    page = clients["hr"].get(url).content.decode()
    assert "2 of 2" in page and 'http-equiv="refresh"' not in page
    download = clients["hr"].get(reverse("reports:pdf_bundle", args=[bundle.pk]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    # Only units whose results may be shown: the municipality and Sundhed og Omsorg.
    assert sorted(archive.namelist()) == ["K.pdf", "SO.pdf"]
    assert archive.read("SO.pdf").startswith(b"%PDF")
    assert not list(tmp_path.glob("reports/*.part"))


@pytest.mark.parametrize("persona", ["area_chief", "unit_leader", "trio", "outsider"])
def test_only_hr_makes_pdf_bundles(
    released: Measurement,
    clients: dict[str, Client], persona: str,
) -> None:  # fmt: skip
    url = reverse("reports:pdfs", args=[released.pk])
    assert clients[persona].get(url).status_code == 403
    assert clients[persona].post(url).status_code == 403
    assert not PdfBundle.objects.exists()


def test_the_released_measurement_links_to_its_results(
    released: Measurement, clients: dict[str, Client]
) -> None:
    page = clients["hr"].get(reverse("measurements:detail", args=[released.pk])).content.decode()
    for url in (
        reverse("reports:overview", args=[released.pk]),
        reverse("reports:pdfs", args=[released.pk]),
        reverse("reports:all_xlsx", args=[released.pk]),
        reverse("reports:all_csv", args=[released.pk]),
        *(reverse("reports:unit", args=[released.pk, s.unit.code]) for s in released.scope.all()),
    ):
        assert f'href="{url}"' in page, url
        assert clients["hr"].get(url).status_code == 200, url
