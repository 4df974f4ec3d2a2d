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


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only (retention: core.audit.purge).")


class AuditEntry(models.Model):
    """Who did what, to which object, when and from where. Append-only: the app can add an
    entry and read them; changing or deleting one raises (only the retention rule removes
    entries past RETAIN_AUDIT_DAYS, by SQL)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Not a database constraint: deleting a login must not touch its entries (they keep the
    # id and, in `actor`, the name it had).
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_constraint=False,
    )  # fmt: skip
    actor = models.CharField(max_length=150)  # the username then, or "clock" / "worker"
    action = models.CharField(max_length=40, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    detail = models.TextField(blank=True)
    address = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")
