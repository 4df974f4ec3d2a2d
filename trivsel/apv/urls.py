from django.urls import path

from trivsel.apv import views

app_name = "apv"
urlpatterns = [
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/statistics/", views.incident_statistics, name="statistics"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
]
