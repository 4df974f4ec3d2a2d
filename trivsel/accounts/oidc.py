"""Sign-in with the municipality's identity provider (OpenID Connect, mozilla-django-oidc).

The provider says who the person is; the employee register says what they may see. A
signed-in person is matched to one active employee by a claim (OIDC_MATCH_CLAIM, compared
with the register's OIDC_MATCH_FIELD), or to an existing login with that e-mail address that
HR has given a role (a consultant who is not employed). Nobody else gets in: the provider
knowing someone is not enough. The roles come from the register and the role grants as for a
password sign-in; optionally HR administrators come from a group claim (OIDC_HR_GROUP).
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from trivsel.accounts.backends import may_sign_in
from trivsel.core.audit import Actor, record
from trivsel.organisation.models import Employee, Role, RoleGrant, Unit

log = logging.getLogger(__name__)


def match_value(claims: dict[str, Any]) -> str:
    return str(claims.get(settings.OIDC_MATCH_CLAIM) or "").strip()


def _employees(value: str) -> "QuerySet[Employee]":
    active = Employee.objects.filter(is_active=True)
    if settings.OIDC_MATCH_FIELD == "number":
        return active.filter(number=value)
    return active.filter(email__iexact=value)


def check_id_token(payload: dict[str, Any], client_id: str, issuer: str, now: float) -> str:
    """What is wrong with a verified ID token's claims ("" when nothing): it must be for
    this client (aud), not expired (exp, a minute's leeway for clocks), and from the
    configured issuer (iss) when one is set. mozilla-django-oidc checks the signature and
    the nonce only."""
    audience = payload.get("aud")
    if client_id not in (audience if isinstance(audience, list) else [audience]):
        return "the ID token is for another client"
    expires = payload.get("exp")
    if not isinstance(expires, int | float) or expires < now - 60:
        return "the ID token has expired"
    if issuer and payload.get("iss") != issuer:
        return "the ID token is from another issuer"
    return ""


class RegisterOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's backend, matching people to the employee register."""

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (not a signed userinfo answer)
            problem = check_id_token(
                payload, self.OIDC_RP_CLIENT_ID, settings.OIDC_OP_ISSUER, time.time()
            )
            if problem:
                self._refuse("", problem)
                raise SuspiciousOperation(problem)
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # The ID token's verified claims (Entra ID puts upn and groups there), completed by
        # the userinfo endpoint's.
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """A value to match on; and an e-mail the provider says it has not verified is not
        one (a person could have typed anyone's address into their profile)."""
        if settings.OIDC_MATCH_CLAIM == "email" and claims.get("email_verified") is False:
            return False
        return bool(match_value(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> "QuerySet[User]":
        value = match_value(claims)
        employees = list(_employees(value)[:2])
        if len(employees) > 1:
            self._refuse(value, "more than one active employee matches")
            return User.objects.none()
        if employees:
            employee = employees[0]
            return User.objects.filter(employee=employee, is_active=True)
        # Not employed: only a login HR has already given a role, found by its e-mail, and
        # never the login of someone in the register (who has left, if not found above).
        return User.objects.filter(
            email__iexact=value, is_active=True, role_grants__isnull=False, employee__isnull=True
        ).distinct()

    def get_user(self, user_id: int) -> User | None:
        """The session's user, while they may still sign in (see backends.may_sign_in)."""
        user = User.objects.filter(pk=user_id).first()
        return user if may_sign_in(user) else None

    def create_user(self, claims: dict[str, Any]) -> User | None:
        """The first sign-in of a registered employee makes their login (no password)."""
        value = match_value(claims)
        employees = list(_employees(value)[:2])
        if len(employees) != 1:
            self._refuse(value, "not in the employee register")
            return None
        employee = employees[0]
        if employee.user_id is not None:  # a deactivated login: not reopened by the provider
            self._refuse(value, "the login is deactivated")
            return None
        with transaction.atomic():
            user = User(username=self._free_username(employee.number), email=employee.email)
            user.first_name, _, user.last_name = employee.name.partition(" ")
            user.set_unusable_password()
            user.save()
            Employee.objects.filter(pk=employee.pk).update(user=user)
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        if settings.OIDC_HR_GROUP:
            self._hr_from_group(user, claims)
        return user

    @staticmethod
    def _free_username(number: str) -> str:
        name, suffix = number, 1
        while User.objects.filter(username=name).exists():
            suffix += 1
            name = f"{number}-{suffix}"
        return name

    def _hr_from_group(self, user: User, claims: dict[str, Any]) -> None:
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        grants = RoleGrant.objects.filter(user=user, role=Role.HR_ADMIN)
        if settings.OIDC_HR_GROUP in groups:
            for root in Unit.objects.filter(parent=None, valid_to=None):
                RoleGrant.objects.get_or_create(user=user, unit=root, role=Role.HR_ADMIN)
        else:
            for grant in grants:
                grant.delete()  # one audit entry each (organisation.audit)

    def _refuse(self, value: str, reason: str) -> None:
        """The audit entry is written by the failed sign-in's signal (core.audit), which reads
        who and why from the request."""
        log.warning("OpenID Connect sign-in refused for %r: %s", value, reason)
        request = getattr(self, "request", None)
        if request is not None:
            request.sign_in_refusal = (value, f"identity provider: {reason}")


class _WhenEnabled:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]


class StartView(_WhenEnabled, OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider (state, nonce and a PKCE challenge in the session)."""


class CallbackView(_WhenEnabled, OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider sends the browser back here with a code, exchanged for the tokens. Every
    way it can fail — the provider's error, a state this browser did not start (a forged or
    replayed callback), a refused person — ends on the login page and in the audit log."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)  # type: ignore[no-any-return]
        except SuspiciousOperation:
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        if not getattr(self.request, "sign_in_failure_recorded", False):
            reason = self.request.GET.get("error", "") or "no sign-in of this browser's"
            address = str(self.request.META.get("REMOTE_ADDR", ""))
            record("sign-in failed", "", f"identity provider: {reason}"[:500],
                   actor=Actor(None, "", address))  # fmt: skip
        return super().login_failure()  # type: ignore[no-any-return]
