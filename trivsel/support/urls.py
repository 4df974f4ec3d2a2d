from django.urls import path

from trivsel.support import views

app_name = "support"
urlpatterns = [path("", views.support, name="view")]
