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
    assert charger_demo() is not None  # a second run adds nothing and does not fail
    assert Dossier.objects.count() == len(set(Dossier.objects.values_list("grappe_id", flat=True)))
