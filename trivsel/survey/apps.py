from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "trivsel.survey"
    verbose_name = _("Survey")

    def ready(self) -> None:
        from trivsel.core.jobs import register_lister, register_recoverer
        from trivsel.core.retention import register_rule
        from trivsel.survey.retention import old_kiosk_attempts, old_responses, old_sms_lines
        from trivsel.survey.tasks import recover_send_jobs, send_lines

        register_recoverer("sending", recover_send_jobs)
        register_lister("sending", send_lines)
        register_rule("kiosk attempts", old_kiosk_attempts)
        register_rule("SMS log", old_sms_lines)
        register_rule("raw responses", old_responses)
