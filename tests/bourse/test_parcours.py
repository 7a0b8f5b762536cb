"""The bourse in the platform: a newcomer declares a need, the ARS computes the proposals with the solver,
both sides accept, the establishment joins and the porteur's grappe becomes admissible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from esms.bourse import services
from esms.bourse.models import Besoin, Proposition
from esms.candidatures import regles
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Membre
from esms.comptes.models import AuditEvent, Notification, Role


def test_parcours_du_nouveau_venu(marche):
    porteur, dossier, gestionnaire, agent = marche["porteur"], marche["dossier"], marche["gestionnaire"], marche["agent"]
    assert not regles.evaluer(dossier.grappe)["eligible"]  # 14 < 15
    services.ouvrir_grappe(actor=porteur, dossier=dossier, places=2, cloture=timezone.localdate() + timedelta(days=30))
    besoin = services.declarer_besoin(actor=gestionnaire, finess_et=marche["nouveau"].pk, campagne="2025",
                                      contact="direction@ehpad-isole.example", distance_max_km=20)
    services.declarer_besoin(actor=gestionnaire, finess_et=marche["loin"].pk, campagne="2025",
                             contact="direction@lointain.example", distance_max_km=20)
    (proposition,) = services.calculer_propositions(actor=agent, campagne="2025", region="84")
    assert proposition.besoin == besoin and proposition.ouverture.grappe == dossier.grappe
    assert Notification.objects.filter(destinataire=gestionnaire, sujet__contains="Grappe de Bourg").exists()
    assert Notification.objects.filter(destinataire=porteur, sujet__contains="EHPAD ISOLE").exists()
    services.repondre(actor=gestionnaire, proposition=proposition, accepter=True)
    assert not Membre.objects.filter(etablissement=marche["nouveau"]).exists()  # the porteur has not answered
    proposition = services.repondre(actor=porteur, proposition=proposition, accepter=True)
    assert proposition.statut == Proposition.Statut.ACCEPTEE
    membre = Membre.objects.get(grappe=dossier.grappe, etablissement=marche["nouveau"])
    assert membre.adhesion == Membre.Adhesion.ACCEPTEE
    verdict = regles.evaluer(dossier.grappe)
    assert verdict["eligible"] and verdict["nb_membres_eligibles"] == 15
    assert Besoin.objects.get(pk=besoin.pk).statut == Besoin.Statut.PLACE
    assert AuditEvent.objects.filter(action="bourse.repondre_proposition").count() == 2
    with pytest.raises(CandidatureRefusee):
        services.repondre(actor=porteur, proposition=proposition, accepter=True)


def test_permissions_et_refus(marche, make_user, ref):
    porteur, gestionnaire = marche["porteur"], marche["gestionnaire"]
    with pytest.raises(PermissionDenied):
        services.declarer_besoin(actor=porteur, finess_et=marche["nouveau"].pk, campagne="2025", contact="x")
    with pytest.raises(CandidatureRefusee) as refus:
        services.declarer_besoin(actor=gestionnaire, finess_et=marche["nouveau"].pk, campagne="1999", contact="",
                                 distance_max_km=0)
    assert len(refus.value.messages) == 3
    with pytest.raises(PermissionDenied):
        services.calculer_propositions(actor=make_user(Role.AGENT_ARS, region="94"), campagne="2025", region="84")
    with pytest.raises(PermissionDenied):
        services.calculer_propositions(actor=porteur, campagne="2025", region="84")


def test_page_de_la_bourse(client, marche):
    porteur, gestionnaire, agent = marche["porteur"], marche["gestionnaire"], marche["agent"]
    client.force_login(porteur)
    reponse = client.post(f"/bourse/grappes/{marche['dossier'].pk}/ouvrir/",
                          {"places": 2, "cloture": (timezone.localdate() + timedelta(days=9)).isoformat()})
    assert reponse.status_code == 302
    client.force_login(gestionnaire)
    reponse = client.post("/bourse/besoins/", {"finess_et": marche["nouveau"].pk, "campagne": "2025",
                                               "cas": "acquisition", "distance_max_km": 20, "contact": "moi"})
    assert reponse.status_code == 302
    page = client.get("/bourse/?campagne=2025&region=84").content.decode()
    assert "EHPAD ISOLE" in page and "Grappe de Bourg" in page and "<svg" in page
    client.force_login(agent)
    assert client.post("/bourse/propositions/calculer/", {"campagne": "2025", "region": "84"}).status_code == 302
    proposition = Proposition.objects.get()
    for acteur in (gestionnaire, porteur):
        client.force_login(acteur)
        assert "EHPAD ISOLE" in client.get("/bourse/").content.decode()
        assert client.post(f"/bourse/propositions/{proposition.pk}/repondre/", {"reponse": "accepter"}).status_code == 302
    assert regles.evaluer(marche["dossier"].grappe)["eligible"]
    page = client.get("/bourse/?campagne=2025&region=84").content.decode()
    assert "<td>1 sur 2</td>" in page  # places left on the open grappe after the accepted proposal

