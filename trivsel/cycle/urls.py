from django.urls import path

from trivsel.cycle import views

app_name = "measurements"
urlpatterns = [
    path("", views.measurement_list, name="list"),
    path("fatigue/", views.fatigue_cap, name="fatigue"),
    path("pulses/", views.pulses, name="pulses"),
    path("follow-up/", views.follow_up_new, name="follow_up_new"),
    path("pulses/templates/", views.pulse_templates, name="pulse_templates"),
    path("pulses/start/", views.pulse_start, name="pulse_start"),
    path("jobs/", views.background_jobs, name="jobs"),
    path("<int:pk>/", views.measurement_detail, name="detail"),
    path("<int:pk>/edit/", views.measurement_edit, name="edit"),
    path("<int:pk>/texts/", views.message_texts, name="texts"),
    path("<int:pk>/delete/", views.measurement_delete, name="delete"),
    path("<int:pk>/do/<str:action>/", views.measurement_action, name="action"),
    path(
        "<int:pk>/corrections/<int:validation>/handled/", views.correction_handled, name="handled"
    ),
    path("<int:pk>/units/<str:code>/validate/", views.validate_unit, name="validate"),
    path("<int:pk>/rates/", views.response_rates, name="rates"),
    path("<int:pk>/send/<str:kind>/", views.send_messages, name="send"),
    path("<int:pk>/letters.pdf", views.letters, name="letters"),
]
