from django.urls import path

from trivsel.apv import apv_views, views

app_name = "apv"
urlpatterns = [
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/statistics/", views.incident_statistics, name="statistics"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("overview/", apv_views.apv_overview, name="overview"),
    path("units/<str:code>/", apv_views.apv_unit, name="unit"),
    path("units/<str:code>/discussion/<int:year>/", apv_views.discussion, name="discussion"),
    path("<int:pk>/", apv_views.apv_read, name="read"),
    path("<int:pk>/apv.pdf", apv_views.apv_pdf, name="pdf"),
    path("<int:pk>/apv.csv", apv_views.apv_csv, name="csv"),
]
