"""The demo data: created through the services, every workflow state present, consistent ledgers."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from esms.candidatures.etats import Etat
from esms.candidatures.models import Dossier
from esms.comptes.permissions import SYSTEME
from esms.demo import charger_demo
from esms.financement.models import Enveloppe, LigneEnveloppe


@pytest.mark.realdata
@pytest.mark.django_db
def test_demo_covers_every_state(shared_data):
    from esms.referentiel import services as referentiel

    referentiel.charger_referentiel(actor=SYSTEME)
    referentiel.importer_finess(actor=SYSTEME, chemin=shared_data / "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz")
    charger_demo()
    etats = set(Dossier.objects.values_list("etat", flat=True))
    assert etats == set(Etat.values)
    assert set(Dossier.objects.exclude(etat="brouillon").values_list("appel", flat=True)) == {
        "regional", "multiregional", "national"}
    for enveloppe in Enveloppe.objects.all():
        total = LigneEnveloppe.objects.filter(enveloppe=enveloppe).aggregate(s=Sum("montant"))["s"] or 0
        assert total >= 0
    retenus = Dossier.objects.filter(montant_retenu__isnull=False)
    engage = -(LigneEnveloppe.objects.filter(type="engagement").aggregate(s=Sum("montant"))["s"] or 0)
    assert engage == sum(retenus.values_list("montant_retenu", flat=True))
    parcours_de_la_bourse()
    assert charger_demo() is not None  # a second run adds nothing and does not fail
    assert Dossier.objects.count() == len(set(Dossier.objects.values_list("grappe_id", flat=True)))


def parcours_de_la_bourse() -> None:
    """Issue 13's walk on the demo data: nouveau.demo declares a need, agent.ara computes the proposals,
    both sides accept, and porteur.demo's open grappe becomes admissible."""
    from esms.bourse import services as bourse
    from esms.bourse.demo import NOM
    from esms.candidatures import regles
    from esms.candidatures.models import Grappe
    from esms.comptes.models import User

    nouveau = User.objects.get(username="nouveau.demo")
    porteur = User.objects.get(username="porteur.demo")
    grappe = Grappe.objects.get(nom=NOM)
    assert not regles.evaluer(grappe)["eligible"]
    etablissement = nouveau.etablissements.get()
    bourse.declarer_besoin(actor=nouveau, finess_et=etablissement.pk, campagne="2025", contact="direction@example.org",
                           distance_max_km=30)
    propositions = bourse.calculer_propositions(actor=User.objects.get(username="agent.ara"), campagne="2025",
                                                region=etablissement.region_id)
    (proposition,) = [p for p in propositions if p.besoin.etablissement_id == etablissement.pk]
    bourse.repondre(actor=nouveau, proposition=proposition, accepter=True)
    bourse.repondre(actor=porteur, proposition=proposition, accepter=True)
    verdict = regles.evaluer(grappe)
    assert verdict["eligible"], [m["message"] for m in verdict["motifs"] if not m["ok"]]
