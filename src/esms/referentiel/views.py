"""Référentiel pages (placeholder until the search and import pages land)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def recherche(request):
    return HttpResponse("")


@login_required
def imports(request):
    return HttpResponse("")
