"""The dossier page and its actions: transitions with their forms, private annotations, messaging, avis,
complement round trip, decisions, convention PDF and signature."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from esms.candidatures import services
from esms.candidatures.models import Avis, Message
from esms.comptes.models import Role
from esms.financement import selectors as financement
from esms.financement import services as enveloppes
from esms.financement.models import Convention, Versement
from tests import factories


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def monde(ref, make_user):
    factories.version_parametres()
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    agent = make_user(Role.AGENT_ARS, region="84")
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                          pieces=True)
    dossier = services.deposer(actor=porteur, dossier=dossier)
    admin = make_user(Role.ADMIN_NATIONAL)
    env = enveloppes.creer_enveloppe(actor=admin, campagne=dossier.grappe.campagne, region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=500_000, libelle="Délégation")
    return type("Monde", (), {"porteur": porteur, "agent": agent, "dossier": dossier, "admin": admin,
                              "enveloppe": env, "ref": ref})


def html(response) -> str:
    return response.content.decode()


def transition(client, dossier, nom, **donnees):
    return client.post(reverse("candidatures:transition", args=[dossier.pk, nom]),
                       {f"{nom}-{cle}": valeur for cle, valeur in donnees.items()})


def test_instructor_page_shows_summary_verdict_members_and_actions(client, monde):
    client.force_login(monde.agent)
    page = html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    assert monde.dossier.numero in page and "fr-badge--info" in page and "Déposé" in page
    assert "Régional" in page and "Auvergne-Rhône-Alpes" in page and "2024 v1" in page
    assert "75 000 €" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Verdict des règles au dépôt" in page and "minimum requis : 15" in page and "geroscopie.fr" in page
    assert "Passer en instruction" in page and "Classer sans suite" in page
    assert "Retenir" not in page  # only from « en instruction »
    assert "Annotations privées" in page and "Demander un avis" in page


def test_full_instruction_round_trip(client, monde):
    dossier, agent, porteur = monde.dossier, monde.agent, monde.porteur
    client.force_login(agent)
    assert transition(client, dossier, "ouvrir_instruction").status_code == 302
    dossier.refresh_from_db()
    assert (dossier.etat, dossier.instructeur) == ("en_instruction", agent)

    # A complement request needs a message.
    page = html(transition(client, dossier, "demander_complement", commentaire=""))
    assert "Pièces ou précisions demandées au porteur : ce champ est obligatoire." in page
    transition(client, dossier, "demander_complement", commentaire="Merci de joindre les devis.")
    dossier.refresh_from_db()
    assert dossier.etat == "complement_demande"

    # The porteur sees the request and sends the dossier back.
    client.force_login(porteur)
    page = html(client.get(reverse("candidatures:edition", args=[dossier.pk])))
    assert "Complément demandé par l'ARS" in page and "Merci de joindre les devis." in page
    assert "Renvoyer le dossier complété" in page
    client.post(reverse("candidatures:deposer_document", args=[dossier.pk]),
                {"type": "devis", "fichier": factories.pdf_upload("devis.pdf")})
    transition(client, dossier, "repondre_complement", commentaire="Devis joints.")
    dossier.refresh_from_db()
    assert dossier.etat == "en_instruction"
    assert agent.notifications.filter(sujet__contains="en instruction").exists()

    # The agent retains it: the envelope drops by the amount.
    client.force_login(agent)
    page = html(client.get(reverse("candidatures:dossier", args=[dossier.pk])))
    assert 'value="75000"' in page  # default amount = montant demandé
    confirmation = html(transition(client, dossier, "retenir", montant="60000", commentaire=""))
    assert "Confirmer : retenir pour 60\u00a0000 €" in confirmation and "440\u00a0000 €" in confirmation
    dossier.refresh_from_db()
    assert dossier.etat == "en_instruction"  # nothing committed before the amount is confirmed
    transition(client, dossier, "retenir", montant="60000", commentaire="", confirme="1")
    dossier.refresh_from_db()
    assert (dossier.etat, dossier.montant_retenu) == ("retenu", 60_000)
    assert financement.etat(monde.enveloppe).disponible == 440_000

    # The convention PDF, then its signature schedules the advance.
    pdf = client.get(reverse("candidatures:convention_pdf", args=[dossier.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    # the signature form announces the advance it will schedule, with its amount
    signature = html(client.get(reverse("candidatures:dossier", args=[dossier.pk])))
    annonce = signature[signature.find("Cette action programme le versement de l'avance"):][:120]
    assert annonce.replace("\u00a0", " ").replace("\u202f", " ").startswith(
        "Cette action programme le versement de l'avance : <strong>30 000 €</strong>"), annonce
    response = client.post(reverse("candidatures:transition", args=[dossier.pk, "signer_convention"]), {
        "signer_convention-date_signature": timezone.localdate().isoformat(),
        "signer_convention-scan": factories.pdf_upload("convention-signee.pdf")})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.etat == "conventionne"
    avance = Versement.objects.get(dossier=dossier)
    assert (avance.type, avance.montant) == ("avance", 30_000)
    assert Convention.objects.get(dossier=dossier).date_signature == timezone.localdate()
    page = html(client.get(reverse("candidatures:dossier", args=[dossier.pk])))
    assert "convention-signee.pdf" in page and "Avance" in page

    transition(client, dossier, "ouvrir_suivi_usage")
    dossier.refresh_from_db()
    assert dossier.etat == "en_suivi_usage"
    # The porteur also downloads the convention.
    client.force_login(porteur)
    assert client.get(reverse("candidatures:convention_pdf", args=[dossier.pk])).content.startswith(b"%PDF")


def test_a_signature_in_the_future_is_refused(client, monde):
    dossier = monde.dossier
    services.appliquer(actor=monde.agent, dossier=dossier, transition="ouvrir_instruction")
    services.retenir(actor=monde.agent, dossier=dossier, montant=75_000)
    client.force_login(monde.agent)
    demain = timezone.localdate() + timezone.timedelta(days=1)
    page = html(client.post(reverse("candidatures:transition", args=[dossier.pk, "signer_convention"]), {
        "signer_convention-date_signature": demain.isoformat(),
        "signer_convention-scan": factories.pdf_upload()}))
    assert "La date de signature ne peut pas être dans le futur." in page
    dossier.refresh_from_db()
    assert dossier.etat == "retenu" and not Versement.objects.exists()


def test_no_convention_before_the_decision(client, monde):
    client.force_login(monde.agent)
    page = html(client.get(reverse("candidatures:convention_pdf", args=[monde.dossier.pk])))
    assert "Le dossier n&#x27;est pas retenu : aucune convention à éditer." in page


def test_decision_errors_are_french_messages(client, monde, make_user):
    dossier = monde.dossier
    services.appliquer(actor=monde.agent, dossier=dossier, transition="ouvrir_instruction")
    client.force_login(monde.agent)
    page = html(transition(client, dossier, "ne_pas_retenir", commentaire=""))
    assert "Motif communiqué au porteur : ce champ est obligatoire." in page
    page = html(transition(client, dossier, "retenir", montant="90000", commentaire="", confirme="1"))
    assert "dépasse le financement calculé par les règles" in page
    enveloppes.doter(actor=monde.admin, enveloppe=monde.enveloppe, montant=1, libelle="x")
    petite = factories.dossier_depose(monde.ref.og_ara, region=monde.ref.ara, montant=600_000)
    page = html(transition(client, petite, "retenir", montant="600000", commentaire=""))
    assert "insuffisant : la décision sera refusée" in page  # the confirmation warns before
    page = html(transition(client, petite, "retenir", montant="600000", commentaire="", confirme="1"))
    assert "dépasseraient le disponible" in page
    transition(client, dossier, "ne_pas_retenir", commentaire="Projet incomplet.")
    dossier.refresh_from_db()
    assert (dossier.etat, dossier.motif_decision) == ("non_retenu", "Projet incomplet.")
    transition(client, dossier, "clore")
    dossier.refresh_from_db()
    assert dossier.etat == "clos"


def test_a_forbidden_transition_is_a_403(client, monde, make_user):
    services.appliquer(actor=monde.agent, dossier=monde.dossier, transition="ouvrir_instruction")
    client.force_login(monde.porteur)
    assert transition(client, monde.dossier, "retenir", montant="1000", commentaire="").status_code == 403
    assert client.post(reverse("candidatures:annoter", args=[monde.dossier.pk]), {"texte": "x"}).status_code == 403
    assert transition(client, monde.dossier, "inconnue").status_code == 404


def test_annotations_are_never_shown_to_the_porteur(client, monde):
    client.force_login(monde.agent)
    client.post(reverse("candidatures:annoter", args=[monde.dossier.pk]), {"texte": "Porteur fragile financièrement"})
    assert "Porteur fragile financièrement" in html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    client.force_login(monde.porteur)
    page = html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    assert "Porteur fragile" not in page and "Annotations" not in page and "Demander un avis" not in page


def test_messaging_between_porteur_and_instructors_with_attachment(client, monde):
    url = reverse("candidatures:message", args=[monde.dossier.pk])
    client.force_login(monde.porteur)
    client.post(url, {"texte": "Voici la délibération.", "piece_jointe": factories.pdf_upload("deliberation.pdf")})
    message = Message.objects.get()
    assert message.piece_jointe.type == "complement"
    assert monde.agent.notifications.filter(sujet__contains="Nouveau message").exists()
    client.force_login(monde.agent)
    page = html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    assert "Voici la délibération." in page and "deliberation.pdf" in page
    document = client.get(reverse("candidatures:document", args=[monde.dossier.pk, message.piece_jointe.pk]))
    assert b"".join(document.streaming_content).startswith(b"%PDF")
    client.post(url, {"texte": "Bien reçu."})
    assert monde.porteur.notifications.filter(sujet__contains="Nouveau message").exists()
    page = html(client.post(url, {"texte": ""}))
    assert "Message non envoyé" in page


def test_an_oversized_attachment_or_scan_is_stopped_while_the_request_is_read(client, monde, settings):
    """Issue 9, point 1: the message attachment (« pieces_jointes ») and the signed convention scan
    (« documents ») are bounded while Django reads the request; the page names the file, nothing is written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esms.candidatures.models import Document

    settings.ESMS_LIMITES_TELEVERSEMENT = {"pieces_jointes": 2048, "documents": 4096}
    documents = Document.objects.count()
    client.force_login(monde.porteur)
    page = html(client.post(reverse("candidatures:message", args=[monde.dossier.pk]), {
        "texte": "Voici la pièce", "piece_jointe": SimpleUploadedFile("gros.pdf", b"%PDF-" + b"x" * 10_000)}))
    assert "Message non envoyé" in page and "« gros.pdf » : le fichier dépasse la taille maximale admise (2 Kio)" in page
    assert not Message.objects.exists() and Document.objects.count() == documents
    client.force_login(monde.agent)
    page = html(client.post(reverse("candidatures:transition", args=[monde.dossier.pk, "signer_convention"]), {
        "signer_convention-date_signature": timezone.localdate().isoformat(),
        "signer_convention-scan": SimpleUploadedFile("scan.pdf", b"%PDF-" + b"x" * 10_000)}))
    assert "« scan.pdf » : le fichier dépasse la taille maximale admise (4 Kio)" in page
    assert Document.objects.count() == documents and not Convention.objects.filter(date_signature__isnull=False).exists()


def test_avis_requested_from_another_agent_of_the_region(client, monde, make_user):
    expert = make_user(Role.AGENT_ARS, region="84", first_name="Expert", last_name="Médico-social")
    autre_region = make_user(Role.AGENT_ARS, region="94")
    client.force_login(monde.agent)
    page = html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    assert "Expert Médico-social" in page and str(autre_region) not in page
    url = reverse("candidatures:demander_avis", args=[monde.dossier.pk])
    page = html(client.post(url, {"expert": autre_region.pk, "question": "?"}))
    assert "Avis non demandé" in page
    client.post(url, {"expert": expert.pk, "question": "Le volet domicile est-il solide ?"})
    avis = Avis.objects.get()

    client.force_login(expert)
    assert "Avis à rendre (1)" in html(client.get(reverse("candidatures:instruction")))
    page = html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    assert "Le volet domicile est-il solide ?" in page and "Rendre l'avis" in page
    client.post(reverse("candidatures:rendre_avis", args=[monde.dossier.pk, avis.pk]),
                {f"avis-{avis.pk}-favorable": "favorable", f"avis-{avis.pk}-reponse": "Oui, solide."})
    avis.refresh_from_db()
    assert (avis.favorable, avis.reponse) == (True, "Oui, solide.")

    client.force_login(monde.agent)
    assert "Oui, solide." in html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    # Only the expert answers.
    assert client.post(reverse("candidatures:rendre_avis", args=[monde.dossier.pk, avis.pk]),
                       {f"avis-{avis.pk}-favorable": "favorable", f"avis-{avis.pk}-reponse": "x"}).status_code == 404
    client.force_login(monde.porteur)
    assert "Oui, solide." not in html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))


def test_history_lists_the_transitions(client, monde):
    services.appliquer(actor=monde.agent, dossier=monde.dossier, transition="ouvrir_instruction")
    client.force_login(monde.porteur)
    page = html(client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])))
    assert "Déposer le dossier" in page and "Passer en instruction" in page and "Déposé → En instruction" in page


@pytest.mark.parametrize("format", ["csv", "xlsx", "ods"])
def test_members_export(client, monde, format):
    client.force_login(monde.agent)
    response = client.get(reverse("candidatures:export_membres", args=[monde.dossier.pk, format]))
    assert response.status_code == 200
    assert f'filename="membres-{monde.dossier.numero}.{format}"' in response["Content-Disposition"]
    if format == "csv":
        lignes = response.content.decode("utf-8-sig").splitlines()
        assert len(lignes) == 16 and lignes[1].endswith(";5000")
