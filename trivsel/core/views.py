from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from trivsel.core.access import org_view


@org_view(None)
def home(request: HttpRequest) -> HttpResponse:
    # The leader dashboard (reports issue) replaces this; until then, the organisation.
    return redirect("organisation:tree")
