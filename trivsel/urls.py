from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from trivsel.accounts.views import local_passwords
from trivsel.core.login import ThrottledLoginView
from trivsel.reports import views as reports_views

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", local_passwords(auth_views.PasswordChangeView), name="password_change"),
    path(
        "password/done/",
        local_passwords(auth_views.PasswordChangeDoneView),
        name="password_change_done",
    ),
    path("", include("trivsel.accounts.urls")),
    # The admin site signs in through the same page as everyone (throttle, second factor).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organisation/", include("trivsel.organisation.urls")),
    path("instruments/", include("trivsel.instruments.urls")),
    path("measurements/", include("trivsel.cycle.urls")),
    path("s/", include("trivsel.survey.urls")),
    path("kiosk/", include("trivsel.survey.kiosk_urls")),
    path("results/", include("trivsel.results.urls")),
    path("reports/", include("trivsel.reports.urls")),
    path("dialogue/", include("trivsel.dialogue.urls")),
    path("apv/", include("trivsel.apv.urls")),
    path("keyfigures/", include("trivsel.keyfigures.urls")),
    path("support/", include("trivsel.support.urls")),
    path("admin/", admin.site.urls),
]
