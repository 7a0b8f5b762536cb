"""Grappes use the register: the porteur picks the solution (htmx search), its referencing is derived for
each member's sector at the campaign's date, and a member's SONS order for another solution is refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from esms.candidatures import regles, services
from esms.comptes.models import Role
from esms.referencement.models import CommandeSons
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def porteur(make_user, ref):
    return make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])


@pytest.fixture
def dossier(porteur, ref):
    factories.version_parametres(factories.campagne("2024"))
    membres = factories.etablissements(ref.ain, ref.og_ara, 15)
    return factories.dossier_brouillon(porteur, ref.og_ara, membres)


def _motif(verdict, regle, finess=None):
    return [m for m in verdict["motifs"] if m["rule"] == regle and (finess is None or m["finess_et"] == finess)]


def test_referencement_derive_pour_le_secteur_et_la_date(dossier):
    verdict = regles.evaluer(dossier.grappe)
    (trace,) = _motif(verdict, "grappe.referencement")
    assert trace["ok"] and "d'après le registre" in trace["message"] and "« DUI Test 1.0 (Éditeur Test) »" in \
        trace["message"]
    assert regles.referencement_derive(dossier.grappe)
    ahi_seul = factories.solution_referencee("DUI AHI", "1")
    ahi_seul.secteurs = ["ahi"]
    ahi_seul.save()
    services.modifier_grappe(actor=dossier.grappe.creee_par, dossier=dossier, nom="G", solution=ahi_seul)
    dossier.grappe.refresh_from_db()
    verdict = regles.evaluer(dossier.grappe)
    assert not _motif(verdict, "grappe.referencement")[0]["ok"]
    assert "n'est pas référencée pour le secteur personnes âgées" in _motif(verdict, "grappe.referencement")[0][
        "message"]
    assert not _motif(verdict, "grappe.logiciel")[0]["ok"] and not verdict["eligible"]
    assert not regles.referencement_derive(dossier.grappe)
    assert regles.referencement_derive(dossier.grappe, date(2019, 1, 1)) is False


def test_sans_solution_du_registre_la_condition_logicielle_echoue(porteur, ref):
    factories.version_parametres(factories.campagne("2024"))
    dossier = services.creer_grappe(actor=porteur, campagne_code="2024", porteur=ref.og_ara.pk, nom="Libre",
                                    solution_dui="Logiciel maison")
    services.ajouter_membres(actor=porteur, dossier=dossier,
                             finess_et=[e.pk for e in factories.etablissements(ref.ain, ref.og_ara, 15)])
    verdict = regles.evaluer(dossier.grappe)
    assert not _motif(verdict, "grappe.logiciel")[0]["ok"]


def test_commande_sons_pour_une_autre_solution_refuse_le_membre(dossier, ref):
    autre = factories.solution_referencee("DUI Autre", "5")
    membre = dossier.grappe.membres.first()
    CommandeSons.objects.create(etablissement=membre.etablissement, solution=autre, vague=1,
                                date_commande=date(2023, 10, 2), date_deploiement=date(2024, 3, 1), statut="deploye",
                                canal="fichier")
    verdict = regles.evaluer(dossier.grappe)
    (refus,) = _motif(verdict, "membre.sons_exclusion", membre.etablissement_id)
    assert "« DUI Autre (Éditeur Test) »" in refus["message"] and "est exclu" in refus["message"]
    ligne = next(p for p in verdict["financement"]["par_membre"] if p["finess_et"] == membre.etablissement_id)
    assert ligne["montant"] == 0 and verdict["nb_membres_eligibles"] == 14


def test_commande_sons_meme_solution_exclut_la_part_de_la_prestation(dossier):
    membre = dossier.grappe.membres.first()
    membre.cas = "acquisition"
    membre.save()
    CommandeSons.objects.create(etablissement=membre.etablissement, solution=dossier.grappe.solution, vague=1,
                                date_commande=date(2023, 10, 2), canal="api")
    verdict = regles.evaluer(dossier.grappe)
    ligne = next(p for p in verdict["financement"]["par_membre"] if p["finess_et"] == membre.etablissement_id)
    assert ligne["detail"]["prestation_segur"]["forfait_exclu"] == "acquisition"
    assert _motif(verdict, "financement.prestation_segur")


def test_recherche_htmx_dans_le_formulaire(client, porteur, dossier):
    client.force_login(porteur)
    page = client.get(reverse("candidatures:edition", args=[dossier.pk])).content.decode()
    assert 'hx-get="/referencement/choisir/"' in page and "Solution retenue : DUI Test 1.0" in page
    fragment = client.get("/referencement/choisir/", {"q": "dui test"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="solution"' in fragment and "DUI Test 1.0 — Éditeur Test" in fragment


def test_eligibilite_sons_deduite_et_expliquee(client, porteur, dossier):
    """No box to tick: each member's SONS eligibility is derived from the waves and its order, and explained."""
    membre = dossier.grappe.membres.select_related("etablissement").first()
    CommandeSons.objects.create(etablissement=membre.etablissement, solution=dossier.grappe.solution, vague=1,
                                date_commande=date(2023, 10, 2), canal="fichier")
    donnees = regles.entree(dossier.grappe, submitted_at=dossier.grappe.creee_le)
    assert {m["sons_eligible"] for m in donnees["members"]} == {"derive"}
    (trace,) = _motif(regles.evaluer(dossier.grappe), "membre.sons_eligibilite")
    assert f"{membre.etablissement_id} : éligible (commande SONS de la vague 1 du 02/10/2023" in trace["message"]
    eligibilites = regles.eligibilites_sons(list(dossier.grappe.membres.select_related("etablissement")),
                                            date(2024, 6, 1))
    assert eligibilites[membre.etablissement_id][0] is True
    assert sum(eligible for eligible, _ in eligibilites.values()) == 1  # the others: no order, no wave open then
    client.force_login(porteur)
    page = client.get(reverse("candidatures:edition", args=[dossier.pk])).content.decode()
    assert "sons_eligible" not in page and "commande SONS de la vague 1 du 02/10/2023" in page
