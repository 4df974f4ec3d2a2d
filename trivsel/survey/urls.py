from django.urls import path

from trivsel.survey import views

app_name = "survey"
urlpatterns = [
    path("<str:token>/", views.survey_page, name="page"),
    path("<str:token>/submit/", views.survey_submit, name="submit"),
]
