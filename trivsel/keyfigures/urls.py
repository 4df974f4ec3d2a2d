from django.urls import path

from trivsel.keyfigures import views

app_name = "keyfigures"
urlpatterns = [
    path("units/<str:code>/", views.unit_figures, name="unit"),
    path("export/", views.export, name="export"),
    path("import/", views.uploads, name="uploads"),
    path("import/<int:pk>/", views.upload, name="upload"),
    path("import/<int:pk>/apply/", views.upload_apply, name="upload_apply"),
    path("import/<int:pk>/cancel/", views.upload_cancel, name="upload_cancel"),
    path("import/codes/", views.cause_code, name="cause_code"),
    path("import/recompute/", views.recompute, name="recompute"),
]
