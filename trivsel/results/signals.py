"""A change to the unit mapping (from HR's page, the admin or a script) rebuilds results."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from trivsel.results.models import UnitMapping
from trivsel.results.tasks import rebuild_after_mapping_change


@receiver(post_save, sender=UnitMapping)
@receiver(post_delete, sender=UnitMapping)
def mapping_changed(sender: type[UnitMapping], **kwargs: Any) -> None:
    rebuild_after_mapping_change()
