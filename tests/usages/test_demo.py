"""`charger_demo_usages`: evidence and reports for the demo dossiers in usage follow-up or balanced."""

from __future__ import annotations

from django.utils import timezone

from esms.candidatures import conventions
from esms.usages.demo import charger_demo_usages, trimestre_precedent
from esms.usages.models import Preuve, RapportIndicateurs, ValidationUsage
from esms.usages.preuves import journal
from esms.usages.selectors import dui_actifs_valides, synthese


def test_demo_usages_through_the_services(suivi, agent, ref, porteur):
    from tests.usages.fabrique import construire_dossier

    solde = construire_dossier(ref, porteur, agent)
    conventions.solder(actor=agent, dossier=solde.dossier, commentaire="Démonstration")
    assert charger_demo_usages() == 2
    assert charger_demo_usages() == 0  # idempotent
    assert Preuve.objects.count() == 2
    assert RapportIndicateurs.objects.count() == len(suivi.ets) + len(solde.ets)
    debut, fin = trimestre_precedent(timezone.localdate())
    resume = synthese(suivi.dossier, debut, fin)
    assert resume.nb_signales == 1  # the overstated figure
    assert ValidationUsage.objects.filter(dossier=solde.dossier).count() == 1
    assert dui_actifs_valides(le=timezone.localdate())[0]["dui_actifs"] > 0
    assert journal.verifier().intacte
