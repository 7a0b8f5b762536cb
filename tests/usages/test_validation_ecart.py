"""Validating usage over the gap tolerance asks the ARS for a reason (issue 16: usage was validated despite a
flagged 34 % gap between declared and proven figures, without any reason). The tolerance is the campaign's
rules parameter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from esms.comptes.models import AuditEvent
from esms.financement.models import Versement
from esms.rules.dui_actif import comparer, motif_de_validation
from esms.rules.parametres import Parametre
from esms.usages import services
from esms.usages.erreurs import UsageRefuse
from esms.usages.models import ValidationUsage
from tests.usages.fabrique import DEBUT, FIN, csv_bytes, evenements

ATTEINTS = {"taux_dui_actifs": "0.9", "taux_ins_qualifiee": "0.8", "documents_dmp": "2", "messages_mssante": "12"}


def _ecart_de_34_pourcent(suivi, porteur):
    """Every member proves 50 active DUIs; the first declares 67 (34 % above)."""
    prouves = dict.fromkeys(suivi.ets, 50)
    for et in suivi.ets:
        services.declarer_indicateurs(actor=porteur, dossier=suivi.dossier, finess_et=et, debut=DEBUT, fin=FIN,
                                      dui_actifs=67 if et == suivi.ets[0] else 50, valeurs=ATTEINTS)
    services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=csv_bytes(evenements(suivi.ets, prouves)),
                            nom="extraction.csv", debut=DEBUT, fin=FIN)


def test_la_regle_exige_un_motif_au_dela_de_la_tolerance():
    tolerance = Parametre(nom="usage.tolerance_ecart", valeur=Decimal("0.05"), source="Hypothèse : test",
                          statut="à confirmer")
    ecarts = {"010000001": comparer(67, 50, tolerance.valeur), "010000002": comparer(50, 50, tolerance.valeur),
              "010000003": comparer(10, None, tolerance.valeur)}
    refus = motif_de_validation(ecarts, "", tolerance)
    assert not refus.ok
    assert "1 écart(s)" in refus.motifs[0].message and "5,0 %" in refus.motifs[0].message
    assert [m.finess_et for m in refus.motifs[1:]] == ["010000001"]  # a missing figure is not a gap over tolerance
    assert "34,0 %" in refus.motifs[1].message
    assert "usage.tolerance_ecart" in refus.motifs[0].parameters and "Hypothèse" in refus.motifs[0].source
    assert motif_de_validation(ecarts, "Preuve partielle : extraction du seul mois de décembre", tolerance).ok
    assert motif_de_validation({"010000002": ecarts["010000002"]}, "", tolerance).ok


def test_valider_un_ecart_de_34_pourcent_sans_motif_est_refuse_sans_rien_ecrire(suivi, porteur, agent):
    _ecart_de_34_pourcent(suivi, porteur)
    with pytest.raises(UsageRefuse) as refus:
        services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    assert refus.value.champ == "motif"
    assert any("34,0 %" in m for m in refus.value.messages)
    assert not ValidationUsage.objects.exists()
    assert not AuditEvent.objects.filter(action="usages.valider").exists()
    avant = Versement.objects.count()

    validation = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN,
                                        motif="Extraction incomplète : chiffres prouvés retenus.")
    assert validation.motif.startswith("Extraction incomplète")
    assert Versement.objects.count() == avant + 1


def test_la_page_dit_pourquoi_et_ou(client, suivi, porteur, agent):
    _ecart_de_34_pourcent(suivi, porteur)
    client.force_login(agent)
    url = reverse("usages:decider", args=[suivi.dossier.pk])
    reponse = client.post(url, {"debut": DEBUT.isoformat(), "fin": FIN.isoformat(), "decision": "valider", "motif": "",
                                "montant_confirme": "0"})
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "dépassent la tolérance de 5,0 %" in page and "« Motif »" in page
    assert not ValidationUsage.objects.exists()
