"""The demo's authenticator: `seed_demo` gives hr and admin one (a device named DEMO_DEVICE),
and `manage.py demo_code USER` shows what the app would show, so the demo can be tried
without a phone. It reads only devices the demo made: a real person's app stays theirs."""

from base64 import b32encode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_DEVICE = "demo"


def demo_device(username: str) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(  # type: ignore[no-any-return]
        user__username=username, name=DEMO_DEVICE, confirmed=True
    ).first()


def current_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def key_of(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()
