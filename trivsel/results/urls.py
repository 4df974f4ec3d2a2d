from django.urls import path

from trivsel.results import views

app_name = "results"
urlpatterns = [
    path("mapping/", views.mapping, name="mapping"),
    path("mapping/<int:pk>/remove/", views.mapping_remove, name="mapping_remove"),
    path("<int:pk>/rebuild/", views.rebuild, name="rebuild"),
    path("<int:pk>/comments/", views.comments, name="comments"),
]
