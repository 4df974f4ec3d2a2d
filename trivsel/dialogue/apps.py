from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _mapping_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    from trivsel.dialogue.services import follow_mapping

    if created:  # in the mapping's own transaction: both happen or neither
        follow_mapping(instance.unit, instance.previous_code)


class DialogueConfig(AppConfig):
    name = "trivsel.dialogue"
    verbose_name = _("Dialogue and action plans")

    def ready(self) -> None:
        from trivsel.results.models import UnitMapping

        # Actions follow their unit through a reorganisation (HR's unit mapping).
        post_save.connect(_mapping_saved, sender=UnitMapping, dispatch_uid="dialogue-mapping")
        from trivsel.core.clock import register_step
        from trivsel.dialogue.nudges import send_nudges

        register_step("dialogue reminders", send_nudges)
        from trivsel.dialogue.report_head import since_last
        from trivsel.reports.sections import register_head

        register_head("since last time", since_last)
