from django.db import models


class LoginFailure(models.Model):
    """A failed sign-in with a local password: what the login throttle counts. Kept a day."""

    username = models.CharField(max_length=150)  # as typed, lower-cased
    address = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.at:%Y-%m-%d %H:%M}"
