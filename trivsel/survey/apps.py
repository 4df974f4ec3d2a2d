from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "trivsel.survey"
    verbose_name = _("Survey")

    def ready(self) -> None:
        from trivsel.core.jobs import register_lister, register_recoverer
        from trivsel.survey.tasks import recover_send_jobs, send_lines

        register_recoverer("sending", recover_send_jobs)
        register_lister("sending", send_lines)
