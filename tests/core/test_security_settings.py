"""The production settings: `check --deploy` is clean with the README's variables; behind
HTTPS plain HTTP is redirected and HSTS is sent; the proxy's headers are believed only from
a trusted proxy."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from trivsel.core.middleware import client_address

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path: Path) -> None:
    # A clean environment: not the test run's (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ} | {
        "TRIVSEL_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "trivsel.example.dk",
        "CSRF_TRUSTED_ORIGINS": "https://trivsel.example.dk",
        "SECURE_COOKIES": "1",
        "DJANGO_SETTINGS_MODULE": "trivsel.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_https_plain_http_is_redirected_and_hsts_sent(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = Client().get("/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    # The TLS proxy (trusted) says the client used HTTPS: served, with HSTS.
    secure = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    # Anyone else saying so is not believed.
    forged = Client(REMOTE_ADDR="10.0.0.3").get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301


def test_client_address_rule() -> None:
    trusted = ["127.0.0.1", "10.0.0.2"]
    assert (
        client_address({"REMOTE_ADDR": "10.9.9.9", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, trusted)
        == "10.9.9.9"
    )
    assert (
        client_address({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, trusted)
        == "1.1.1.1"
    )
    # Two proxies: the right-most address that is not ours; a client's own prefix is ignored.
    chain = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 2.2.2.2, 10.0.0.2"}
    assert client_address(chain, trusted) == "2.2.2.2"
    assert client_address({"REMOTE_ADDR": "127.0.0.1"}, trusted) == "127.0.0.1"


def test_every_page_forbids_inline_script_and_style_and_foreign_sources() -> None:
    for path in ("/login/", "/kiosk/", "/s/svar/"):
        policy = Client().get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy, path


def test_a_forwarded_address_must_be_an_address() -> None:
    """What is not an IP address in X-Forwarded-For (script, a spreadsheet formula, a name)
    is not taken as the client's address: the proxy's own stands."""
    trusted = ["127.0.0.1"]
    for junk in ("<script>", '=HYPERLINK("x")', "evil.example", "1.2.3.4.5"):
        meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": junk}
        assert client_address(meta, trusted) == "127.0.0.1", junk
    ipv6 = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "2001:db8::7"}
    assert client_address(ipv6, trusted) == "2001:db8::7"
