from django.urls import path

from trivsel.survey import views

app_name = "survey"
urlpatterns = [
    # The personal link only puts the invitation into the session; every page after it has
    # an address without the token (so no log, Referer or history holds it).
    path("svar/", views.survey_page, name="page"),
    path("svar/send/", views.survey_submit, name="submit"),
    # A signed-in employee's own invitation (from the front page): no token in the address.
    path("mine/<int:pk>/", views.survey_own, name="own"),
    path("<str:token>/", views.survey_link, name="link"),
]
