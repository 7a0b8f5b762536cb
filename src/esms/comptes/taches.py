"""Background jobs of accounts: sending one e-mail (retried on failure, see esms.comptes.courriels)."""

from __future__ import annotations

from django_tasks import task

from esms.comptes import courriels
from esms.comptes.models import Courriel


@task()
def envoyer_courriel(*, courriel_id: int) -> str:
    courriel = Courriel.objects.get(pk=courriel_id)
    if courriel.statut != Courriel.Statut.EN_ATTENTE:
        return courriel.statut  # already sent (a retry enqueued twice) or given up
    courriels.envoyer(courriel)
    return courriel.statut
