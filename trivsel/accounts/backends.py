"""Who may sign in at all, whichever way: an active login whose person, if the login belongs
to someone in the employee register, is still employed. Someone who has left (an import
marked them inactive) is out at once — their password, the identity provider and any session
they still had — even if HR once gave their login a role."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from trivsel.organisation.models import Employee


def may_sign_in(user: Any) -> bool:
    if user is None or not getattr(user, "is_active", False):
        return False
    linked = Employee.objects.filter(user=user).values_list("is_active", flat=True).first()
    return linked is None or bool(linked)


class RegisterModelBackend(ModelBackend):
    """Django's password backend, with the register's word on who has left."""

    def user_can_authenticate(self, user: Any) -> bool:
        return may_sign_in(user)
