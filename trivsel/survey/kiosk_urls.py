from django.urls import path

from trivsel.survey import kiosk

app_name = "kiosk"
urlpatterns = [
    path("", kiosk.kiosk_start, name="start"),
    path("svar/", kiosk.kiosk_page, name="page"),
    path("svar/send/", kiosk.kiosk_submit, name="submit"),
    path("stop/", kiosk.kiosk_stop, name="stop"),
]
