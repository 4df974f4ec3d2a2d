from django.urls import path

from trivsel.reports import views

app_name = "reports"
urlpatterns = [
    path("<int:pk>/", views.overview_page, name="overview"),
    path("<int:pk>/heatmap.xlsx", views.overview_xlsx_download, name="overview_xlsx"),
    path("<int:pk>/pdfs/", views.pdf_bundles, name="pdfs"),
    path("<int:pk>/all-units.xlsx", views.all_units_xlsx_download, name="all_xlsx"),
    path("<int:pk>/all-units.csv", views.all_units_csv_download, name="all_csv"),
    path("pdfs/<int:bundle>/download/", views.pdf_bundle_download, name="pdf_bundle"),
    path("<int:pk>/units/<str:code>/", views.unit_report_page, name="unit"),
    path("<int:pk>/units/<str:code>/report.xlsx", views.unit_report_xlsx_download, name="xlsx"),
    path("<int:pk>/units/<str:code>/report.pdf", views.unit_report_pdf_download, name="pdf"),
]
