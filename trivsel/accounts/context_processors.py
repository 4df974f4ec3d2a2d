from django.conf import settings
from django.http import HttpRequest


def sign_in(request: HttpRequest) -> dict[str, bool]:
    return {"local_passwords": settings.LOCAL_PASSWORDS}
