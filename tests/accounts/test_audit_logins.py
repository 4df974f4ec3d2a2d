"""Logins and authenticators changed outside the app's pages (the admin site, a command) are
audited too, and deleting a login leaves its audit entries as they were."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import signed_in
from trivsel.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def actions() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", "target", "detail"))


def test_the_admin_site_s_changes_to_logins_and_authenticators_are_audited(db: None) -> None:
    root = User.objects.create_superuser("root", password="et-langt-kodeord-1")
    admin = signed_in(Client(), root)
    start = AuditEntry.objects.count()
    admin.post("/admin/auth/user/add/", {"username": "ny-konsulent",
               "password1": "grøn kaffe ved søen", "password2": "grøn kaffe ved søen",
               "usable_password": "true"})  # fmt: skip
    user = User.objects.get(username="ny-konsulent")
    user.is_staff = True
    user.save()
    user.set_password("en anden lang sætning")
    user.save()
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])  # not a change anyone needs to see
    Client().force_login(user)  # a sign-in: an entry with the login's id
    device = TOTPDevice.objects.create(user=user, name="telefon", confirmed=True)
    device.delete()
    user_pk = user.pk
    user.delete()
    found = actions()[start:]
    assert [a for a, _t, _d in found] == [
        "login created", "login changed", "login changed", "sign-in", "second factor added",
        "second factor reset", "login deleted",
    ]  # fmt: skip
    assert found[1][2] == "is_staff: False → True" and found[2][2] == "password"
    # The login's own entries keep its id after it is deleted: the log is not rewritten.
    assert AuditEntry.objects.filter(user_id=user_pk, action="sign-in").count() == 1
