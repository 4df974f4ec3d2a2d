from django.urls import path

from trivsel.accounts import oidc, views

urlpatterns = [
    path("login/code/", views.code, name="second_factor"),
    path("login/code/setup/", views.setup, name="second_factor_setup"),
    path("oidc/authenticate/", oidc.StartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
]
