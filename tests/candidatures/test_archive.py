"""« Télécharger le dossier »: the zip of a dossier (summary PDF, documents, messages, manifest), what the porteur
gets (nothing internal) and what an instructor gets (private notes and avis), scope and audit."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from esms.candidatures import archive
from esms.candidatures.models import Annotation, Document, Etiquette, Message
from esms.comptes.models import AuditEvent
from tests.securite.monde import construire

pytestmark = pytest.mark.django_db

SECRET_ANNOTATION = "Trésorerie du porteur très fragile"
SECRET_AVIS = "Avis défavorable de l'expert"
SECRET_ETIQUETTE = "Trésorerie douteuse"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def monde():
    monde = construire()
    dossier = monde.dossier
    Annotation.objects.create(dossier=dossier, auteur=monde.ars_ara, texte=SECRET_ANNOTATION)
    monde.avis.reponse, monde.avis.question = SECRET_AVIS, "Que penser du budget ?"
    monde.avis.favorable, monde.avis.rendu_le = False, timezone.now()
    monde.avis.save()
    dossier.etiquettes.add(Etiquette.objects.create(campagne=dossier.grappe.campagne, nom=SECRET_ETIQUETTE))
    for contenu in (b"premier devis", b"second devis"):  # same original name twice: unique names in the zip
        Document.objects.create(dossier=dossier, type=Document.Type.DEVIS, fichier=ContentFile(contenu, name="d.pdf"),
                                nom_original="../Devis été: 2025.pdf", sha256=hashlib.sha256(contenu).hexdigest(),
                                taille=len(contenu), depose_par=monde.porteur_ara)
    jointe = Document.objects.create(
        dossier=dossier, type=Document.Type.COMPLEMENT, fichier=ContentFile(b"complement", name="c.pdf"),
        nom_original="complément.pdf", sha256=hashlib.sha256(b"complement").hexdigest(), taille=10,
        depose_par=monde.porteur_ara)
    Message.objects.create(dossier=dossier, auteur=monde.porteur_ara, texte="Voici le complément demandé.",
                           piece_jointe=jointe)
    Message.objects.create(dossier=dossier, auteur=monde.ars_ara, texte="Merci, bien reçu.")
    return monde


def _zip(client, user, dossier) -> zipfile.ZipFile:
    client.force_login(user)
    reponse = client.get(reverse("candidatures:archive", args=[dossier.pk]))
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/zip"
    assert f'filename="dossier-{dossier.numero}.zip"' in reponse["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(reponse.streaming_content)))


def _tout_le_texte(zf: zipfile.ZipFile) -> bytes:
    return b"".join(zf.read(nom) for nom in zf.namelist() if not nom.endswith(".pdf"))


def test_le_zip_du_porteur_contient_le_dossier_sans_rien_d_interne(client, monde):
    zf = _zip(client, monde.porteur_ara, monde.dossier)
    noms = zf.namelist()
    assert zf.testzip() is None
    assert {"dossier.pdf", "messages.txt", "manifeste.csv"} <= set(noms)
    assert zf.read("dossier.pdf").startswith(b"%PDF")
    assert "instruction.txt" not in noms
    pieces = [n for n in noms if n.startswith("pieces/")]
    assert len(pieces) == monde.dossier.documents.count() - 1  # the message's attachment is under messages/
    assert {"pieces/Devis ete_ 2025.pdf", "pieces/Devis ete_ 2025-2.pdf"} <= set(pieces)
    assert sorted(zf.read(n) for n in pieces if "Devis" in n) == [b"premier devis", b"second devis"]
    assert zf.read("messages/complement.pdf") == b"complement"
    messages = zf.read("messages.txt").decode()
    assert "Voici le complément demandé." in messages and "Merci, bien reçu." in messages
    assert "messages/complement.pdf" in messages
    texte = _tout_le_texte(zf).decode("utf-8", "replace")
    assert SECRET_ANNOTATION not in texte and SECRET_AVIS not in texte and "Que penser du budget" not in texte
    assert SECRET_ETIQUETTE not in texte
    assert all(".." not in n and not n.startswith("/") for n in noms)


def test_le_resume_pdf_dit_l_essentiel_et_rien_d_interne(monde):
    dossier = monde.dossier
    html = archive.resume_html(dossier, documents=list(dossier.documents.all()))
    assert dossier.numero in html and dossier.grappe.nom in html and dossier.grappe.porteur_id in html
    assert "Établissements membres (15)" in html and "Convention n°" in html and "Historique" in html
    for secret in (SECRET_ANNOTATION, SECRET_AVIS, SECRET_ETIQUETTE, "Que penser du budget"):
        assert secret not in html


def test_le_manifeste_donne_taille_et_empreinte_de_chaque_entree(client, monde):
    zf = _zip(client, monde.ars_ara, monde.dossier)
    lignes = list(csv.DictReader(io.StringIO(zf.read("manifeste.csv").decode())))
    assert {ligne["fichier"] for ligne in lignes} == set(zf.namelist()) - {"manifeste.csv"}
    for ligne in lignes:
        contenu = zf.read(ligne["fichier"])
        assert int(ligne["octets"]) == len(contenu)
        assert ligne["sha256"] == hashlib.sha256(contenu).hexdigest()
    documents = {d.sha256 for d in monde.dossier.documents.all()}
    assert documents <= {ligne["sha256"] for ligne in lignes}  # the files are those filed, unchanged


def test_l_instructeur_recoit_aussi_les_annotations_et_les_avis(client, monde):
    zf = _zip(client, monde.ars_ara, monde.dossier)
    instruction = zf.read("instruction.txt").decode()
    assert SECRET_ANNOTATION in instruction and SECRET_AVIS in instruction and "Que penser du budget" in instruction
    assert f"ÉTIQUETTES : {SECRET_ETIQUETTE}" in instruction and "défavorable" in instruction


def test_hors_perimetre_404_et_rien_n_est_journalise(client, monde):
    for intrus in (monde.porteur_autre, monde.agent_autre, monde.gestionnaire_autre):
        client.force_login(intrus)
        assert client.get(reverse("candidatures:archive", args=[monde.dossier.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="dossiers.telecharger").exists()


def test_le_telechargement_est_journalise(client, monde):
    zf = _zip(client, monde.porteur_ara, monde.dossier)
    evenement = AuditEvent.objects.get(action="dossiers.telecharger")
    assert evenement.actor == monde.porteur_ara and evenement.object_id == str(monde.dossier.pk)
    assert evenement.after == {"fichiers": len(zf.namelist())}


def test_le_fichier_temporaire_est_supprime_une_fois_ferme(monde):
    zip_ = archive.archive(actor=monde.porteur_ara, pk=monde.dossier.pk)
    chemin = zip_.fichier.name
    assert os.path.exists(chemin)
    zip_.fichier.close()
    assert not os.path.exists(chemin)


def test_noms_surs():
    assert archive.nom_sur("../../etc/passwd") == "passwd"
    assert archive.nom_sur("C:\\Users\\x\\Été 2025?.pdf") == "Ete 2025_.pdf"
    assert archive.nom_sur("...") == "fichier"
