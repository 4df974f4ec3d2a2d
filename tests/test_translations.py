"""Danish is the default language: every string the code marks for translation has a
Danish translation, and the catalogue is in step with the code."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "trivsel" / "locale" / "da" / "LC_MESSAGES" / "django.po"


def msgids(po: Path) -> set[str]:
    text = po.read_text(encoding="utf-8")
    return {
        "".join(re.findall(r'"(.*)"', block))
        for block in re.findall(r'^msgid ((?:".*"\n)+)', text, re.M)
    } - {""}


def test_danish_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--only-fuzzy", str(CATALOGUE)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    untranslated += subprocess.run(
        ["msgattrib", "--untranslated", str(CATALOGUE)], capture_output=True, text=True, check=True
    ).stdout
    assert "msgid" not in untranslated
    assert "#, fuzzy" not in CATALOGUE.read_text(encoding="utf-8")


def test_catalogue_is_in_step_with_the_code(tmp_path: Path, settings: object) -> None:
    copy = tmp_path / "trivsel"
    shutil.copytree(
        Path(settings.BASE_DIR) / "trivsel",  # type: ignore[attr-defined]
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]  # type: ignore[attr-defined]
    cwd = Path.cwd()
    try:
        import os

        os.chdir(copy)
        call_command("makemessages", locale=["da"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = msgids(copy / "locale" / "da" / "LC_MESSAGES" / "django.po")
    assert fresh == msgids(CATALOGUE), "run `make messages-update` and translate the new strings"


@pytest.mark.django_db
def test_pages_are_danish_by_default_and_english_on_request(settings: object) -> None:
    settings.LANGUAGE_CODE = "da"  # type: ignore[attr-defined]
    client = Client()
    assert "Brugernavn" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    assert "Username" in client.get(reverse("login")).content.decode()
    with translation.override("da"):
        assert translation.gettext("Apply these changes") == "Gennemfør ændringerne"
