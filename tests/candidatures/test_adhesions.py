"""Consent to membership: another organisme's establishments are only proposed and count once accepted;
the squatting scenario (a porteur files with another organisme's establishments, blocking its own filing)
can no longer happen."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from esms.candidatures import adhesions, regles, services
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Membre
from esms.comptes.models import AuditEvent, Notification, Role
from tests import factories

EN_MAI_2024 = datetime(2024, 5, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def acteurs(ref, make_user):
    factories.version_2024()
    autre = factories.organisme("01", "Fondation voisine")
    return {
        "autre": autre,
        "squatteur": make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], username="porteur.a"),
        "proprietaire": make_user(Role.RESPONSABLE_OG, organismes=[autre.pk], username="porteur.b"),
    }


def _pieces(actor, dossier) -> None:
    for type_ in ("lettre_engagement", "convention_grappe", "non_cumul_ue"):
        services.deposer_document(actor=actor, dossier=dossier, type=type_, fichier=factories.pdf_upload())


def test_le_squat_echoue_et_le_vrai_porteur_depose(ref, acteurs):
    """Issue 13: porteur A puts organisme B's 16 establishments in its grappe; B's own filing must pass."""
    a, b, autre = acteurs["squatteur"], acteurs["proprietaire"], acteurs["autre"]
    ets_b = factories.etablissements(ref.ain, autre, 16, nom="EHPAD DE B")
    squat = services.creer_grappe(actor=a, campagne_code="2024", porteur=ref.og_ara.pk, nom="Squat",
                                  solution=factories.solution_referencee("DUI Alpha"))
    membres = services.ajouter_membres(actor=a, dossier=squat, finess_et=[e.pk for e in ets_b])
    assert {m.adhesion for m in membres} == {Membre.Adhesion.PROPOSEE}
    # Proposed members do not count for the rules.
    assert regles.entree(squat.grappe, submitted_at=EN_MAI_2024)["members"] == []
    _pieces(a, squat)
    with pytest.raises(CandidatureRefusee) as refus:
        services.deposer(actor=a, dossier=squat, maintenant=EN_MAI_2024)
    assert "n'ont pas encore accepté" in refus.value.messages[0]
    # B is told, and files its own grappe with the same 16 establishments.
    assert Notification.objects.filter(destinataire=b, sujet__contains="Squat").count() == 16
    propre = services.creer_grappe(actor=b, campagne_code="2024", porteur=autre.pk, nom="Grappe de B",
                                   solution=factories.solution_referencee("DUI Beta"))
    services.ajouter_membres(actor=b, dossier=propre, finess_et=[e.pk for e in ets_b])
    _pieces(b, propre)
    assert services.deposer(actor=b, dossier=propre, maintenant=EN_MAI_2024).etat == "depose"


def test_accord_fait_compter_le_membre_puis_retrait(ref, acteurs, make_user):
    a, autre = acteurs["squatteur"], acteurs["autre"]
    propres = factories.etablissements(ref.ain, ref.og_ara, 14)
    invite = factories.etablissement(ref.ain, autre, "EHPAD INVITE")
    gestionnaire = make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[invite.pk])
    dossier = services.creer_grappe(actor=a, campagne_code="2024", porteur=ref.og_ara.pk, nom="Grappe A",
                                    solution=factories.solution_referencee("DUI Alpha"))
    services.ajouter_membres(actor=a, dossier=dossier, finess_et=[e.pk for e in [*propres, invite]])
    assert not regles.evaluer(dossier.grappe, submitted_at=EN_MAI_2024)["eligible"]
    membre = Membre.objects.get(etablissement=invite)
    assert list(adhesions.en_attente_pour(gestionnaire)) == [membre]
    # The porteur cannot accept for the other side.
    with pytest.raises(PermissionDenied):
        adhesions.accepter(actor=a, membre=membre)
    adhesions.accepter(actor=gestionnaire, membre=membre)
    verdict = regles.evaluer(dossier.grappe, submitted_at=EN_MAI_2024)
    assert verdict["eligible"] and verdict["nb_membres_eligibles"] == 15
    assert AuditEvent.objects.filter(action="grappes.accepter_adhesion").count() == 1
    assert Notification.objects.filter(destinataire=a, sujet__contains="accepte").exists()
    # The establishment's side withdraws before filing: it leaves the grappe.
    adhesions.retirer(actor=gestionnaire, membre=membre, commentaire="Nous rejoignons une autre grappe.")
    assert not Membre.objects.filter(etablissement=invite).exists()
    assert AuditEvent.objects.filter(action="grappes.retirer_adhesion").count() == 1
    assert Notification.objects.filter(destinataire=a, sujet__contains="ne fait plus partie").exists()


def test_ses_propres_etablissements_sans_accord_et_adhesion_figee_apres_depot(ref, acteurs, make_user):
    a, autre = acteurs["squatteur"], acteurs["autre"]
    propres = factories.etablissements(ref.ain, ref.og_ara, 15)
    invite = factories.etablissement(ref.ain, autre, "EHPAD INVITE")
    dossier = services.creer_grappe(actor=a, campagne_code="2024", porteur=ref.og_ara.pk, nom="Grappe A",
                                    solution=factories.solution_referencee("DUI Alpha"))
    membres = services.ajouter_membres(actor=a, dossier=dossier, finess_et=[e.pk for e in [*propres, invite]])
    assert [m.adhesion for m in membres].count(Membre.Adhesion.ACCEPTEE) == 15
    adhesions.accepter(actor=acteurs["proprietaire"], membre=Membre.objects.get(etablissement=invite))
    _pieces(a, dossier)
    services.deposer(actor=a, dossier=dossier, maintenant=EN_MAI_2024)
    with pytest.raises(CandidatureRefusee, match="ne peut plus changer"):
        adhesions.retirer(actor=acteurs["proprietaire"], membre=Membre.objects.get(etablissement=invite))
    etranger = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    with pytest.raises(PermissionDenied):
        adhesions.accepter(actor=etranger, membre=Membre.objects.get(etablissement=invite))


def test_page_des_adhesions(client, ref, acteurs):
    a, b, autre = acteurs["squatteur"], acteurs["proprietaire"], acteurs["autre"]
    invite = factories.etablissement(ref.ain, autre, "EHPAD INVITE")
    dossier = services.creer_grappe(actor=a, campagne_code="2024", porteur=ref.og_ara.pk, nom="Grappe A",
                                    solution=factories.solution_referencee("DUI Alpha"))
    services.ajouter_membres(actor=a, dossier=dossier, finess_et=[invite.pk])
    client.force_login(b)
    page = client.get("/candidatures/adhesions/")
    assert page.status_code == 200 and "EHPAD INVITE" in page.content.decode() and "proposée" in page.content.decode()
    membre = Membre.objects.get(etablissement=invite)
    assert client.post(f"/candidatures/adhesions/{membre.pk}/accepter/").status_code == 302
    membre.refresh_from_db()
    assert membre.adhesion == Membre.Adhesion.ACCEPTEE
    client.force_login(a)
    assert client.get("/candidatures/adhesions/").status_code == 200  # a porteur sees its own EJ's
    assert client.post(f"/candidatures/adhesions/{membre.pk}/accepter/").status_code == 403
