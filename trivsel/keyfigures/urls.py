from django.urls import path

from trivsel.keyfigures import views

app_name = "keyfigures"
urlpatterns = [
    path("units/<str:code>/", views.unit_figures, name="unit"),
    path("export/", views.export, name="export"),
]
