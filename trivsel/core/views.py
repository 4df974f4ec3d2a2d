from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trivsel.core.access import org_view
from trivsel.reports.dashboard import panels


@org_view(None)
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the person's units and what is happening in them."""
    return render(request, "reports/dashboard.html", {"panels": panels(request)})
