"""Helpers shared by the candidature pages: turning service refusals into French messages.

The pages themselves live in `views_porteur` (building and filing a grappe), `views_dossier` (the
dossier page and its actions), `views_instruction` (the ARS queue, exports, batch decisions).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from esms.candidatures.errors import CandidatureRefusee
from esms.candidatures.workflow import TransitionInterdite
from esms.financement.errors import EnveloppeInsuffisante, EnveloppeIntrouvable
from esms.rules.erreurs import ErreursLocalisees

# Refusals a page shows as a French message (PermissionDenied and Http404 are left to Django: 403 / 404).
REFUS = (CandidatureRefusee, TransitionInterdite, EnveloppeInsuffisante, EnveloppeIntrouvable, ValidationError,
         ErreursLocalisees)


def messages_du_refus(exc: Exception) -> list[str]:
    """The French messages of a refusal, one per reason."""
    if isinstance(exc, CandidatureRefusee | ValidationError):
        return list(exc.messages)
    if isinstance(exc, ErreursLocalisees):
        return list(exc.erreurs)
    return [str(exc)]


def refus(exc: Exception, titre: str = "") -> dict:
    """The context of the `_refus.html` alert: a title and every French reason."""
    raisons = messages_du_refus(exc)
    if titre and len(raisons) > 1 and raisons[0].startswith(titre):
        titre, raisons = raisons[0], raisons[1:]  # "Dépôt refusé : pièces manquantes." heads the list
    return {"titre": titre or "Action refusée", "raisons": raisons}
