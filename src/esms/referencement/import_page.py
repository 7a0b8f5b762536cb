"""The one flow of a spreadsheet import posted from a register page (ANS register, SONS orders): the body read
under the upload kind's limit, the form checked, the service called, and the page shown again with the refusal
where it failed (nothing written) or a redirect with the summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from esms.referencement.erreurs import ImportRefuse
from esms.referencement.forms import FichierForm
from esms.televersements import refus_de_la_requete

TITRE_REFUS = "Import refusé : rien n'a été enregistré"


def importer_depuis_la_page(request: HttpRequest, *, page: Callable[..., HttpResponse],
                            importer: Callable[[Any], Any], succes: Callable[[Any], str], retour: str) -> HttpResponse:
    """`page(request, form=, refus=, status=)` renders the page; `importer(fichier)` runs the service and returns
    its summary; `succes(summary)` is the message shown after the redirect to `retour`."""
    form = FichierForm(request.POST, request.FILES)  # reads the body: GestionnaireLimite runs here
    if refus := refus_de_la_requete(request):
        return page(request, form=FichierForm(), status=413, refus={"titre": TITRE_REFUS, "raisons": refus.messages})
    if not form.is_valid():
        return page(request, form=form, status=400)
    try:
        bilan = importer(form.cleaned_data["fichier"])
    except ImportRefuse as exc:
        return page(request, form=form, refus={"titre": TITRE_REFUS, "raisons": exc.messages}, status=400)
    messages.success(request, succes(bilan))
    return redirect(retour)
