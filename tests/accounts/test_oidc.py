"""Sign-in through the identity provider, with the provider's answers stood in for (the
browser test talks to a real provider): who gets in (an active employee matched by the
configured claim, or a login HR gave a role), who does not (unknown, left, ambiguous), the
HR group claim, and switching local passwords off."""

from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from tests.factories import signed_in
from trivsel.core.models import AuditEntry
from trivsel.organisation.models import Employee, Role, RoleGrant, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings: Any, org: dict[str, Unit]) -> Any:
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "trivsel"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        "trivsel.accounts.backends.RegisterModelBackend",
        "trivsel.accounts.oidc.RegisterOIDCBackend",
    ]
    return settings


def sign_in(claims: dict[str, Any], client: Client | None = None) -> tuple[Client, Any]:
    """The whole round: to the provider (state, nonce and PKCE challenge kept in the session)
    and back with a code; the token exchange answers with these claims."""
    client = client or Client()
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    state, nonce = query["state"][0], query["nonce"][0]
    backend = "trivsel.accounts.oidc.RegisterOIDCBackend"
    with (
        mock.patch(f"{backend}.get_token", return_value={"id_token": "x", "access_token": "y"}),
        mock.patch(f"{backend}.verify_token", return_value={"nonce": nonce, **claims}),
        mock.patch("mozilla_django_oidc.auth.OIDCAuthenticationBackend.get_userinfo",
                   return_value=claims),
    ):  # fmt: skip
        back = client.get(reverse("oidc_authentication_callback"), {"code": "c", "state": state})
    return client, back


def employee_with_email(number: str, email: str) -> Employee:
    employee = Employee.objects.get(number=number)
    employee.email = email
    employee.save()
    return employee


def test_an_employee_gets_in_by_e_mail_and_gets_a_login_without_password(provider: Any) -> None:
    employee = employee_with_email("1003", "lise@testby.dk")
    client, back = sign_in({"sub": "abc", "email": "LISE@testby.dk"})
    assert back.status_code == 302 and back["Location"] == reverse("home")
    employee.refresh_from_db()
    user = employee.user
    assert user is not None and not user.has_usable_password()
    assert client.get("/").status_code == 200
    assert client.get(reverse("password_change")).status_code == 404  # no password to change
    assert AuditEntry.objects.filter(action="sign-in", target=user.username).exists()
    _, again = sign_in({"sub": "abc", "email": "lise@testby.dk"})
    assert again["Location"] == reverse("home")
    assert User.objects.filter(employee=employee).count() == 1  # the same login


def test_the_employee_number_claim_can_be_the_key(provider: Any) -> None:
    provider.OIDC_MATCH_CLAIM, provider.OIDC_MATCH_FIELD = "employeeid", "number"
    _, back = sign_in({"sub": "abc", "employeeid": "1004"})
    assert back["Location"] == reverse("home")
    assert Employee.objects.get(number="1004").user is not None


@pytest.mark.parametrize("case", ["unknown", "left", "two employees", "no claim"])
def test_who_the_register_does_not_know_is_refused_and_audited(provider: Any, case: str) -> None:
    email = "someone@testby.dk"
    if case == "left":
        employee = employee_with_email("1003", email)
        Employee.objects.filter(pk=employee.pk).update(is_active=False)
    if case == "two employees":
        employee_with_email("1003", email)
        employee_with_email("1004", email)
    claims = {"sub": "abc"} if case == "no claim" else {"sub": "abc", "email": email}
    users = User.objects.count()
    client, back = sign_in(claims)
    assert back["Location"] == "/login/?failed=provider"
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users
    page = client.get(back["Location"])
    assert "not in the employee register" in page.content.decode()
    entry = AuditEntry.objects.get(action="sign-in failed")
    if case != "no claim":
        assert entry.target == email and entry.detail.startswith("identity provider")


def test_a_deactivated_login_is_not_reopened_by_the_provider(
    provider: Any, users: dict[str, User]
) -> None:
    employee = employee_with_email("1003", "lise@testby.dk")  # linked to unit_leader
    User.objects.filter(employee=employee).update(is_active=False)
    client, back = sign_in({"sub": "abc", "email": "lise@testby.dk"})
    assert back["Location"] == "/login/?failed=provider"
    assert "_auth_user_id" not in client.session


def test_a_consultant_with_a_role_gets_in_by_the_login_s_e_mail(
    provider: Any, org: dict[str, Unit]
) -> None:
    consultant = User.objects.create_user("konsulent", email="k@raadgiver.dk")
    RoleGrant.objects.create(user=consultant, unit=org["U1"], role=Role.LEADER)
    client, back = sign_in({"sub": "k", "email": "k@raadgiver.dk"})
    assert back["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(consultant.pk)
    User.objects.create_user("uden-rolle", email="x@raadgiver.dk")  # no role: refused
    _, back = sign_in({"sub": "x", "email": "x@raadgiver.dk"})
    assert back["Location"] == "/login/?failed=provider"


def test_the_hr_group_claim_gives_and_takes_the_hr_role(
    provider: Any, org: dict[str, Unit]
) -> None:
    provider.OIDC_HR_GROUP = "trivsel-hr"
    employee = employee_with_email("1005", "karl@testby.dk")
    client, back = sign_in({"sub": "h", "email": "karl@testby.dk", "groups": ["trivsel-hr"]})
    user = User.objects.get(employee=employee)
    assert RoleGrant.objects.filter(user=user, role=Role.HR_ADMIN, unit=org["K"]).exists()
    assert back["Location"] == reverse("home")
    # HR must confirm with a code: the provider's sign-in is the first factor only.
    assert client.get("/")["Location"].startswith(reverse("second_factor_setup"))
    sign_in({"sub": "h", "email": "karl@testby.dk", "groups": ["andet"]})
    assert not RoleGrant.objects.filter(user=user, role=Role.HR_ADMIN).exists()
    assert AuditEntry.objects.filter(action="role removed").count() == 1


def test_the_login_page_shows_the_provider_s_button(provider: Any) -> None:
    provider.OIDC_PROVIDER_NAME = "Testby Kommunes login"
    html = Client().get(reverse("login")).content.decode()
    assert "Log in with Testby Kommunes login" in html and 'name="password"' in html


def test_local_passwords_switched_off(provider: Any, users: dict[str, User]) -> None:
    provider.LOCAL_PASSWORDS = False
    provider.AUTHENTICATION_BACKENDS = ["trivsel.accounts.oidc.RegisterOIDCBackend"]
    users["unit_leader"].set_password("et-langt-kodeord-1")
    users["unit_leader"].save()
    client = Client()
    page = client.get(reverse("login"))
    assert 'name="password"' not in page.content.decode()
    refused = client.post(reverse("login"), {"username": "unit_leader",
                                             "password": "et-langt-kodeord-1"})  # fmt: skip
    assert refused.status_code == 403 and "_auth_user_id" not in client.session
    assert "switched off" in refused.content.decode()
    client.force_login(users["unit_leader"], backend="trivsel.accounts.oidc.RegisterOIDCBackend")
    assert client.get(reverse("password_change")).status_code == 404


def test_off_without_a_provider_is_refused_at_start(settings: Any) -> None:
    settings.LOCAL_PASSWORDS, settings.OIDC_ENABLED = False, False
    with pytest.raises(SystemCheckError, match="nobody could sign in"):
        call_command("check")


def test_without_a_provider_its_pages_do_not_exist(db: None) -> None:
    assert Client().get(reverse("oidc_authentication_init")).status_code == 403
    assert "Log in with" not in Client().get(reverse("login")).content.decode()


def test_someone_who_has_left_is_out_by_every_way_even_with_an_hr_role(
    provider: Any, users: dict[str, User], org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    """Hanne (HR, employee 1001) leaves: the import marks her inactive. Her open session
    ends, the identity provider no longer lets her in (not even as a login with a role and
    her e-mail), and neither does her password."""
    hr = users["hr"]
    hr.email = "hanne@testby.dk"
    hr.set_password("et-langt-kodeord-1")
    hr.save()
    session = signed_in(Client(), hr)
    assert session.get("/organisation/").status_code == 200
    Employee.objects.filter(number="1001").update(is_active=False)
    assert session.get("/organisation/")["Location"].startswith(reverse("login"))
    client, back = sign_in({"sub": "h", "email": "hanne@testby.dk"})
    assert back["Location"] == "/login/?failed=provider"
    assert "_auth_user_id" not in client.session
    by_password = Client()
    response = by_password.post(reverse("login"), {"username": "hr",
                                                   "password": "et-langt-kodeord-1"})  # fmt: skip
    assert response.status_code == 200 and "_auth_user_id" not in by_password.session


def test_a_callback_this_browser_did_not_start_is_refused_and_audited(provider: Any) -> None:
    """A forged or replayed callback (a state this session never made), or the provider's
    error: the login page, no session, one audit entry each."""
    client = Client()
    client.get(reverse("oidc_authentication_init"))  # a sign-in of its own, another state
    forged = client.get(reverse("oidc_authentication_callback"), {"code": "c", "state": "x"})
    assert forged.status_code == 302 and forged["Location"] == "/login/?failed=provider"
    refused = Client().get(reverse("oidc_authentication_callback"), {"error": "access_denied"})
    assert refused["Location"] == "/login/?failed=provider"
    entries = AuditEntry.objects.filter(action="sign-in failed").order_by("pk")
    assert [e.detail for e in entries] == [
        "identity provider: no sign-in of this browser's",
        "identity provider: access_denied",
    ]
    assert "_auth_user_id" not in client.session


def test_the_id_token_must_be_for_us_current_and_from_the_issuer() -> None:
    from trivsel.accounts.oidc import check_id_token

    now = 1_800_000_000.0
    good = {"aud": "trivsel", "exp": now + 300, "iss": "https://idp.example"}
    assert check_id_token(good, "trivsel", "https://idp.example", now) == ""
    assert check_id_token(good | {"aud": ["x", "trivsel"]}, "trivsel", "", now) == ""
    assert "another client" in check_id_token(good | {"aud": "other"}, "trivsel", "", now)
    assert "expired" in check_id_token(good | {"exp": now - 120}, "trivsel", "", now)
    assert "expired" in check_id_token({"aud": "trivsel"}, "trivsel", "", now)
    assert "issuer" in check_id_token(good, "trivsel", "https://other.example", now)


def test_an_unverified_e_mail_is_not_matched(provider: Any) -> None:
    employee_with_email("1003", "lise@testby.dk")
    _, back = sign_in({"sub": "x", "email": "lise@testby.dk", "email_verified": False})
    assert back["Location"] == "/login/?failed=provider"
