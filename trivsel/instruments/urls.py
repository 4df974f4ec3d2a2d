from django.urls import path

from trivsel.instruments import views

app_name = "instruments"
urlpatterns = [
    path("", views.bank, name="bank"),
    path("load/", views.bank_upload, name="upload"),
    path("<str:kind>/<int:pk>/json/", views.download, name="download"),
    path("questionnaires/<int:pk>/", views.builder_page, name="builder"),
    path("questionnaires/<int:pk>/change/", views.builder_action, name="builder_action"),
    path("questionnaires/<int:pk>/preview/", views.preview, name="preview"),
    path("questionnaires/<int:pk>/conditions/", views.conditions, name="conditions"),
]
