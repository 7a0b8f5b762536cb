"""Candidature services: building a grappe, filing it under the rules, instruction and scopes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from esms.candidatures import services, workflow
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Document, Transition
from esms.comptes.models import AuditEvent, Notification, Role
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
EN_MAI_2024 = datetime(2024, 5, 2, 10, 0, tzinfo=PARIS)
PIECES = [Document.Type.LETTRE_ENGAGEMENT, Document.Type.CONVENTION_GRAPPE, Document.Type.NON_CUMUL_UE]


@pytest.fixture
def porteur(ref, make_user):
    return make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])


@pytest.fixture
def agent(ref, make_user):
    return make_user(Role.AGENT_ARS, region="84", username="agent.ara")


@pytest.fixture
def dossier_complet(ref, porteur):
    factories.version_2024()
    dossier = services.creer_grappe(actor=porteur, campagne_code="2024", porteur=ref.og_ara.pk,
                                    nom="Grappe de l'Ain", solution=factories.solution_referencee("DUI Alpha"))
    ets = factories.etablissements(ref.ain, ref.og_ara, 15)
    services.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[e.pk for e in ets])
    for type_piece in PIECES:
        services.deposer_document(actor=porteur, dossier=dossier, type=type_piece, fichier=factories.pdf_upload())
    return dossier


def test_filing_freezes_the_verdict_and_notifies_the_region(dossier_complet, porteur, agent):
    agent.email = "agent@ars.example"
    agent.save()
    dossier = services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    assert dossier.etat == "depose"
    assert dossier.appel == "regional"
    assert dossier.region_pilote_id == "84"
    assert list(dossier.regions.values_list("code", flat=True)) == ["84"]
    assert dossier.verdict["eligible"] is True
    assert dossier.montant_demande == dossier.verdict["financement"]["total"] > 0
    assert dossier.version.campagne.code == "2024"
    assert dossier.numero == f"2024-84-{dossier.pk:05d}"
    assert Transition.objects.get(dossier=dossier).nom == "deposer"
    assert Notification.objects.filter(destinataire=agent).count() == 1
    assert AuditEvent.objects.filter(action="dossiers.deposer", object_id=str(dossier.pk)).exists()


def test_notification_email_is_sent_after_commit(dossier_complet, porteur, agent, django_capture_on_commit_callbacks):
    agent.email = "agent@ars.example"
    agent.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    assert [m.to for m in mail.outbox] == [["agent@ars.example"]]
    assert "Déposé" in mail.outbox[0].subject or "déposé" in mail.outbox[0].subject


@pytest.mark.parametrize(("instant", "dans_les_delais"), [
    (datetime(2024, 9, 15, 23, 59, 59, tzinfo=PARIS), True),
    (datetime(2024, 9, 16, 0, 0, 0, tzinfo=PARIS), False),
])
def test_deadline_is_inclusive_until_midnight_paris(dossier_complet, porteur, instant, dans_les_delais):
    if dans_les_delais:
        assert services.deposer(actor=porteur, dossier=dossier_complet, maintenant=instant).etat == "depose"
    else:
        with pytest.raises(CandidatureRefusee, match="date limite"):
            services.deposer(actor=porteur, dossier=dossier_complet, maintenant=instant)
        dossier_complet.refresh_from_db()
        assert dossier_complet.etat == "brouillon"
        assert dossier_complet.numero is None


def test_a_too_small_grappe_is_refused_with_the_rules_reason(ref, porteur):
    factories.version_2024()
    dossier = services.creer_grappe(actor=porteur, campagne_code="2024", porteur=ref.og_ara.pk, nom="Petite",
                                    solution=factories.solution_referencee("DUI Alpha"))
    services.ajouter_membres(actor=porteur, dossier=dossier,
                             finess_et=[e.pk for e in factories.etablissements(ref.ain, ref.og_ara, 14)])
    with pytest.raises(CandidatureRefusee) as err:
        services.deposer(actor=porteur, dossier=dossier, maintenant=EN_MAI_2024)
    assert err.value.messages[0] == "Dépôt refusé : le dossier n'est pas recevable."
    assert any("14" in m for m in err.value.messages[1:])
    dossier.refresh_from_db()
    assert dossier.etat == "brouillon"


def test_missing_documents_are_listed(ref, porteur):
    factories.version_2024()
    dossier = services.creer_grappe(actor=porteur, campagne_code="2024", porteur=ref.og_ara.pk, nom="Sans pièces",
                                    solution=factories.solution_referencee("DUI Alpha"))
    services.ajouter_membres(actor=porteur, dossier=dossier,
                             finess_et=[e.pk for e in factories.etablissements(ref.ain, ref.og_ara, 15)])
    with pytest.raises(CandidatureRefusee) as err:
        services.deposer(actor=porteur, dossier=dossier, maintenant=EN_MAI_2024)
    assert "Lettre d'engagement du porteur" in err.value.messages


def test_adding_unknown_closed_or_duplicate_members_writes_nothing(ref, porteur, dossier_complet):
    ref.et_ara[0].ouvert = False
    ref.et_ara[0].save()
    membre = dossier_complet.grappe.membres.first().etablissement_id
    avant = dossier_complet.grappe.membres.count()
    with pytest.raises(CandidatureRefusee) as err:
        services.ajouter_membres(actor=porteur, dossier=dossier_complet,
                                 finess_et=[ref.et_ara[1].pk, "999999999", ref.et_ara[0].pk, membre])
    assert len(err.value.messages) == 3
    assert dossier_complet.grappe.membres.count() == avant


def test_filed_dossier_is_frozen_until_a_complement_is_requested(dossier_complet, porteur, agent, ref):
    dossier = services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    with pytest.raises(CandidatureRefusee, match="ne peut plus être modifié"):
        services.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[ref.et_ara[1].pk])
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    with pytest.raises(workflow.TransitionInterdite, match="commentaire est obligatoire"):
        services.appliquer(actor=agent, dossier=dossier, transition="demander_complement")
    services.appliquer(actor=agent, dossier=dossier, transition="demander_complement",
                       commentaire="Merci de joindre le devis.")
    services.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[ref.et_ara[1].pk])
    dossier = services.appliquer(actor=porteur, dossier=dossier, transition="repondre_complement")
    assert dossier.etat == "en_instruction"
    assert dossier.instructeur == agent
    assert [t.nom for t in dossier.transitions.all()] == [
        "deposer", "ouvrir_instruction", "demander_complement", "repondre_complement"]


def test_agent_of_another_region_can_do_nothing(dossier_complet, porteur, make_user):
    dossier = services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    corse = make_user(Role.AGENT_ARS, region="94")
    for appel in (
        lambda: services.appliquer(actor=corse, dossier=dossier, transition="ouvrir_instruction"),
        lambda: services.annoter(actor=corse, dossier=dossier, texte="Note"),
        lambda: services.envoyer_message(actor=corse, dossier=dossier, texte="Bonjour"),
        lambda: services.retenir(actor=corse, dossier=dossier, montant=1),
    ):
        with pytest.raises(PermissionDenied):
            appel()


def test_porteur_of_another_ej_cannot_touch_the_grappe(dossier_complet, ref, make_user):
    autre = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    with pytest.raises(PermissionDenied):
        services.ajouter_membres(actor=autre, dossier=dossier_complet, finess_et=[ref.et_corse[0].pk])
    with pytest.raises(PermissionDenied):
        services.creer_grappe(actor=autre, campagne_code="2024", porteur=ref.og_ara.pk, nom="Usurpation")


def test_messaging_avis_and_annotations(dossier_complet, porteur, agent, make_user):
    dossier = services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    services.envoyer_message(actor=porteur, dossier=dossier, texte="Question sur le calendrier",
                             fichier=factories.pdf_upload("question.pdf"))
    assert Notification.objects.filter(destinataire=agent, sujet__contains="message").exists()
    services.annoter(actor=agent, dossier=dossier, texte="Porteur solide.")
    with pytest.raises(PermissionDenied):
        services.annoter(actor=porteur, dossier=dossier, texte="Je m'annote")
    collegue = make_user(Role.AGENT_ARS, region="84")
    avis = services.demander_avis(actor=agent, dossier=dossier, expert=collegue, question="Avis technique ?")
    with pytest.raises(PermissionDenied):
        services.rendre_avis(actor=agent, avis=avis, reponse="moi", favorable=True)
    services.rendre_avis(actor=collegue, avis=avis, reponse="Favorable", favorable=True)
    with pytest.raises(CandidatureRefusee, match="hors de son périmètre"):
        services.demander_avis(actor=agent, dossier=dossier, expert=make_user(Role.AGENT_ARS, region="94"),
                               question="?")


def test_batch_decision_reports_each_failure(ref, make_user):
    from esms.financement import services as financement

    admin = make_user(Role.ADMIN_NATIONAL)
    agent = make_user(Role.AGENT_ARS, region="84")
    env = financement.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    financement.doter(actor=admin, enveloppe=env, montant=150_000, libelle="Délégation")
    dossiers = [factories.dossier_depose(ref.og_ara, region=ref.ara, montant=100_000) for _ in range(2)]
    dossiers.append(factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose"))
    resultats = services.decider_lot(actor=agent, dossiers=dossiers, decision="retenir")
    erreurs = [e for _, e in resultats]
    assert erreurs[0] is None
    assert "dépasseraient le disponible" in erreurs[1]
    assert "attendu : en instruction" in erreurs[2]


def test_an_establishment_cannot_be_in_two_filed_dossiers_of_a_campagne(dossier_complet, porteur, ref):
    services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    second = services.creer_grappe(actor=porteur, campagne_code="2024", porteur=ref.og_ara.pk, nom="Doublon",
                                   solution=factories.solution_referencee("DUI Alpha"))
    membres = list(dossier_complet.grappe.membres.values_list("etablissement_id", flat=True))
    services.ajouter_membres(actor=porteur, dossier=second, finess_et=membres)
    for type_piece in PIECES:
        services.deposer_document(actor=porteur, dossier=second, type=type_piece, fichier=factories.pdf_upload())
    with pytest.raises(CandidatureRefusee) as err:
        services.deposer(actor=porteur, dossier=second, maintenant=EN_MAI_2024)
    assert err.value.messages[0].startswith("Dépôt refusé : des établissements figurent déjà")
    assert len(err.value.messages) == 16


def test_answering_a_complement_evaluates_the_grappe_again(dossier_complet, porteur, agent, ref):
    dossier = services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    montant_initial = dossier.montant_demande
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    services.appliquer(actor=agent, dossier=dossier, transition="demander_complement", commentaire="Précisez.")
    retire = dossier.grappe.membres.first().etablissement_id
    services.retirer_membre(actor=porteur, dossier=dossier, finess_et=retire)
    with pytest.raises(CandidatureRefusee) as err:
        services.appliquer(actor=porteur, dossier=dossier, transition="repondre_complement")
    assert err.value.messages[0] == "Renvoi refusé : le dossier n'est pas recevable."
    dossier.refresh_from_db()
    assert dossier.etat == "complement_demande"
    services.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[e.pk for e in ref.et_ara])
    dossier = services.appliquer(actor=porteur, dossier=dossier, transition="repondre_complement")
    assert dossier.etat == "en_instruction"
    assert dossier.montant_demande > montant_initial
    assert len(dossier.verdict["financement"]["par_membre"]) == 16


def test_instruction_queue_counts_members(dossier_complet, porteur, agent):
    from esms.candidatures import selectors

    services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    (ligne,) = selectors.file_instruction(actor=agent, filtres={})
    assert ligne.nb_membres == 15


def test_documents_and_attachments_are_bounded_per_kind(dossier_complet, porteur, settings):
    """Issue 9, point 1, for documents: each kind's limit (configurable) is checked while streaming; a refused
    attachment writes neither the message nor the document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esms.candidatures.models import Message

    settings.ESMS_LIMITES_TELEVERSEMENT = {"documents": 4096, "pieces_jointes": 2048}
    dossier = services.deposer(actor=porteur, dossier=dossier_complet, maintenant=EN_MAI_2024)
    documents = Document.objects.count()
    with pytest.raises(CandidatureRefusee, match=r"« gros\.pdf » : le fichier dépasse la taille maximale admise \(2 Kio\)"):
        services.envoyer_message(actor=porteur, dossier=dossier, texte="Voici la pièce",
                                 fichier=SimpleUploadedFile("gros.pdf", b"%PDF-" + b"x" * 3000))
    assert not Message.objects.filter(dossier=dossier).exists() and Document.objects.count() == documents
    message = services.envoyer_message(actor=porteur, dossier=dossier, texte="Voici la pièce",
                                       fichier=SimpleUploadedFile("petit.pdf", b"%PDF-" + b"x" * 1000))
    assert message.piece_jointe.taille == 1005 and message.piece_jointe.fichier.read() == b"%PDF-" + b"x" * 1000
