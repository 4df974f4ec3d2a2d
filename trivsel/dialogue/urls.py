from django.urls import path

from trivsel.dialogue import overview, views

app_name = "dialogue"
urlpatterns = [
    path("<int:pk>/overview/", overview.overview_page, name="overview"),
    path("<int:pk>/overview.xlsx", overview.overview_xlsx, name="overview_xlsx"),
    path("<int:pk>/<str:code>/", views.dialogue_page, name="dialogue"),
    path("<int:pk>/<str:code>/actions/new/", views.action_new, name="action_new"),
    path("<int:pk>/<str:code>/plan/", views.plan_page, name="plan"),
    path("actions/<int:action_pk>/", views.action_edit, name="action"),
    path("actions/<int:action_pk>/ask/", views.ask_unit, name="ask"),
]
