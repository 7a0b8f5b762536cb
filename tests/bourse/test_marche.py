"""The bourse's pages beyond the first walk: a need named in free text matches the register solution of an open
grappe, withdrawing a need, an ARS agent's suggested match, and a new grappe of needs alone proposed to its
suggested porteur that becomes its draft grappe, admissible once every other organisme has consented."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from esms.bourse import services
from esms.bourse.models import Besoin, ProjetGrappe, Proposition
from esms.candidatures import adhesions, regles
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Membre
from esms.comptes.models import AuditEvent, Notification, Role
from tests import factories


def _ouvrir(marche):
    services.ouvrir_grappe(actor=marche["porteur"], dossier=marche["dossier"], places=2,
                           cloture=timezone.localdate() + timedelta(days=30))


def test_un_besoin_nommant_sa_solution_en_texte_libre_rejoint_la_grappe_de_la_solution_du_registre(marche):
    _ouvrir(marche)
    besoin = services.declarer_besoin(actor=marche["gestionnaire"], finess_et=marche["nouveau"].pk, campagne="2025",
                                      contact="x", solution_dui="  dui   ALPHA ", distance_max_km=20)
    assert besoin.solution == marche["dossier"].grappe.solution  # resolved to the register entry
    (proposition,) = services.calculer_propositions(actor=marche["agent"], campagne="2025", region="84")
    assert proposition.besoin == besoin


def test_un_besoin_d_une_autre_solution_n_est_pas_propose(marche):
    _ouvrir(marche)
    besoin = services.declarer_besoin(actor=marche["gestionnaire"], finess_et=marche["nouveau"].pk, campagne="2025",
                                      contact="x", solution_dui="DUI Bêta", distance_max_km=20)
    assert besoin.solution is None
    assert services.calculer_propositions(actor=marche["agent"], campagne="2025", region="84") == []


def test_retirer_un_besoin_decline_ses_propositions(marche, make_user, ref, client):
    _ouvrir(marche)
    besoin = services.declarer_besoin(actor=marche["gestionnaire"], finess_et=marche["nouveau"].pk, campagne="2025",
                                      contact="x", distance_max_km=20)
    (proposition,) = services.calculer_propositions(actor=marche["agent"], campagne="2025", region="84")
    intrus = make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[ref.et_corse[0].pk])
    with pytest.raises(PermissionDenied):
        services.retirer_besoin(actor=intrus, besoin=besoin)
    client.force_login(marche["gestionnaire"])
    assert f"/bourse/besoins/{besoin.pk}/retirer/" in client.get("/bourse/").content.decode()
    assert client.post(f"/bourse/besoins/{besoin.pk}/retirer/").status_code == 302
    assert Besoin.objects.get(pk=besoin.pk).statut == Besoin.Statut.RETIRE
    assert Proposition.objects.get(pk=proposition.pk).statut == Proposition.Statut.REFUSEE
    assert Notification.objects.filter(destinataire=marche["porteur"], sujet__contains="a retiré son besoin").exists()
    assert AuditEvent.objects.filter(action="bourse.retirer_besoin").count() == 1
    with pytest.raises(CandidatureRefusee):
        services.retirer_besoin(actor=marche["gestionnaire"], besoin=besoin)


def test_l_agent_suggere_un_rapprochement_verifie(marche, make_user, client):
    _ouvrir(marche)
    proche = services.declarer_besoin(actor=marche["gestionnaire"], finess_et=marche["nouveau"].pk, campagne="2025",
                                      contact="x", distance_max_km=20)
    loin = services.declarer_besoin(actor=marche["gestionnaire"], finess_et=marche["loin"].pk, campagne="2025",
                                    contact="x", distance_max_km=20)
    ouverture = marche["dossier"].grappe.ouverture
    with pytest.raises(PermissionDenied):
        services.suggerer(actor=make_user(Role.AGENT_ARS, region="94"), besoin=proche, ouverture=ouverture)
    with pytest.raises(CandidatureRefusee) as refus:
        services.suggerer(actor=marche["agent"], besoin=loin, ouverture=ouverture)
    assert any("Distance" in m and "20 km" in m for m in refus.value.messages)
    client.force_login(marche["agent"])
    page = client.get("/bourse/?campagne=2025&region=84").content.decode()
    assert "Suggérer ce rapprochement" in page
    reponse = client.post("/bourse/propositions/suggerer/", {"besoin": proche.pk, "ouverture": ouverture.pk})
    assert reponse.status_code == 302
    proposition = Proposition.objects.get(besoin=proche)
    assert proposition.creee_par == marche["agent"]
    assert Notification.objects.filter(destinataire=marche["gestionnaire"], sujet__contains="Proposition de l'ARS")
    reponse = client.post("/bourse/propositions/suggerer/", {"besoin": proche.pk, "ouverture": ouverture.pk})
    assert reponse.status_code == 409 and "attend déjà" in reponse.content.decode()


@pytest.fixture
def isoles(ref, make_user):
    """15 isolated establishments close to each other, of 13 organismes (one runs three), each with a need."""
    factories.version_parametres(factories.campagne("2025"),
                                 parametres=factories.parametres_campagne_ouverte("2025"))
    factories.solution_referencee("DUI Alpha")
    grand = factories.organisme("01", "Association des trois")
    ets = factories.etablissements(ref.ain, grand, 3, nom="EHPAD TRIO")
    for rang in range(12):
        ets.append(factories.etablissement(ref.ain, factories.organisme("01", f"Association {rang}"), f"EHPAD SEUL {rang}"))
    for rang, e in enumerate(ets):
        e.latitude, e.longitude = 46.20 + rang * 0.01, 5.22
        e.save()
    gestionnaire = make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[e.pk for e in ets])
    for e in ets:
        services.declarer_besoin(actor=gestionnaire, finess_et=e.pk, campagne="2025", contact="x",
                                 solution_dui="DUI Alpha", distance_max_km=10)
    return {"ets": ets, "grand": grand, "gestionnaire": gestionnaire,
            "porteur": make_user(Role.RESPONSABLE_OG, organismes=[grand.pk]), "agent": make_user(Role.AGENT_ARS, region="84")}


def test_une_nouvelle_grappe_de_besoins_devient_la_grappe_du_porteur_suggere(isoles, client, make_user, ref):
    (projet,) = services.calculer_propositions(actor=isoles["agent"], campagne="2025", region="84")
    assert isinstance(projet, ProjetGrappe) and projet.porteur == isoles["grand"]
    assert projet.besoins.count() == 15 and projet.solution is not None
    assert Notification.objects.filter(destinataire=isoles["porteur"], sujet__contains="nouvelle grappe").exists()
    with pytest.raises(PermissionDenied):  # another organisme's porteur cannot take it
        services.repondre_projet(actor=make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]), projet=projet,
                                 accepter=True)
    client.force_login(isoles["porteur"])
    assert f"/bourse/projets/{projet.pk}/repondre/" in client.get("/bourse/").content.decode()
    reponse = client.post(f"/bourse/projets/{projet.pk}/repondre/", {"reponse": "accepter"})
    projet.refresh_from_db()
    assert projet.statut == ProjetGrappe.Statut.ACCEPTE and reponse["Location"].endswith(
        f"/dossiers/{projet.dossier_id}/modifier/")
    grappe = projet.dossier.grappe
    assert grappe.porteur == isoles["grand"] and grappe.solution == projet.solution
    membres = dict(Membre.objects.filter(grappe=grappe).values_list("etablissement_id", "adhesion"))
    assert len(membres) == 15
    assert sum(a == Membre.Adhesion.ACCEPTEE for a in membres.values()) == 3  # the porteur's own, at once
    assert not regles.evaluer(grappe)["eligible"]  # the 12 others have not consented yet
    for membre in Membre.objects.filter(grappe=grappe, adhesion=Membre.Adhesion.PROPOSEE):
        adhesions.accepter(actor=isoles["gestionnaire"], membre=membre)
    assert regles.evaluer(grappe)["eligible"]
    assert not Besoin.objects.filter(statut=Besoin.Statut.OUVERT).exists()
    # A second computation proposes nothing again for needs already placed.
    assert services.calculer_propositions(actor=isoles["agent"], campagne="2025", region="84") == []


def test_un_projet_refuse_laisse_les_besoins_ouverts(isoles):
    (projet,) = services.calculer_propositions(actor=isoles["agent"], campagne="2025", region="84")
    services.repondre_projet(actor=isoles["porteur"], projet=projet, accepter=False)
    assert ProjetGrappe.objects.get().statut == ProjetGrappe.Statut.REFUSE
    assert Besoin.objects.filter(statut=Besoin.Statut.OUVERT).count() == 15
    with pytest.raises(CandidatureRefusee):
        services.repondre_projet(actor=isoles["porteur"], projet=projet, accepter=True)


def test_un_besoin_ouvert_a_toute_solution_garde_celle_de_sa_commande_sons(marche):
    """A SONS order for DUI X rules out funding another DUI: the need is matched on X only."""
    from datetime import date

    from esms.bourse import selectors
    from esms.referencement.models import CommandeSons

    _ouvrir(marche)
    beta = factories.solution_referencee("DUI Bêta")
    CommandeSons.objects.create(etablissement=marche["nouveau"], solution=beta, vague=1,
                                date_commande=date(2023, 10, 2), canal="fichier")
    services.declarer_besoin(actor=marche["gestionnaire"], finess_et=marche["nouveau"].pk, campagne="2025",
                             contact="x", distance_max_km=20)
    donnees, _, _ = selectors.instance(campagne="2025", region="84")
    assert donnees["demandes"][0]["solution_dui"] == "DUI Bêta (Éditeur Test)"
    assert services.calculer_propositions(actor=marche["agent"], campagne="2025", region="84") == []


def test_un_besoin_en_attente_n_est_pas_repropose_et_les_places_promises_comptent(marche, ref):
    """Computing again proposes neither a need waiting for an answer nor the places already promised."""
    _ouvrir(marche)  # 2 places
    proche = services.declarer_besoin(actor=marche["gestionnaire"], finess_et=marche["nouveau"].pk,
                                      campagne="2025", contact="x", distance_max_km=20)
    (premiere,) = services.calculer_propositions(actor=marche["agent"], campagne="2025", region="84")
    assert services.calculer_propositions(actor=marche["agent"], campagne="2025", region="84") == []
    from esms.bourse import selectors

    donnees, _, _ = selectors.instance(campagne="2025", region="84")
    assert donnees["demandes"] == [] and donnees["offres"][0]["places"] == 1
    services.repondre(actor=marche["gestionnaire"], proposition=premiere, accepter=True)
    services.repondre(actor=marche["porteur"], proposition=premiere, accepter=True)
    assert Besoin.objects.get(pk=proche.pk).statut == Besoin.Statut.PLACE
