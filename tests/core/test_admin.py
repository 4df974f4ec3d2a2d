import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_superuser_can_open_every_admin_list(org: dict[str, object]) -> None:
    admin = User.objects.create_superuser("root", password="pw")
    client = signed_in(Client(), admin)  # with the second factor
    for model in ["unit", "employee", "rolegrant", "triomember", "importjob"]:
        assert client.get(f"/admin/organisation/{model}/").status_code == 200, model
    assert client.get("/admin/organisation/employee/?q=Lise").status_code == 200
