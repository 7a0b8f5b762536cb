"""Issue 9, point 1: a large evidence file is received in the request, then checked and recounted on the task
queue, its progress and outcome visible to the uploader (tests run the queue's immediate backend)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esms.comptes.models import AuditEvent, Notification
from esms.usages.models import Preuve, TraitementPreuve
from esms.usages.preuves import stockage
from tests.usages.fabrique import DEBUT, FIN, csv_bytes, evenements

PERIODE = {"debut": DEBUT.isoformat(), "fin": FIN.isoformat()}


def _deposer(client, suivi, contenu, nom="grosse.csv"):
    return client.post(reverse("usages:deposer_preuve", args=[suivi.dossier.pk]),
                       {**PERIODE, "fichier": SimpleUploadedFile(nom, contenu)}, follow=True)


def test_a_large_file_goes_to_the_task_queue_and_its_outcome_is_shown(client, suivi, porteur, settings):
    settings.ESMS_PREUVE_SEUIL_ARRIERE_PLAN = 100
    client.force_login(porteur)
    reponse = _deposer(client, suivi, csv_bytes(evenements(suivi.ets[:2], {suivi.ets[0]: 4})))
    page = reponse.content.decode()
    assert "en arrière-plan" in page and "Traitements des fichiers" in page
    traitement = TraitementPreuve.objects.get()
    assert traitement.etat == "termine" and traitement.preuve == Preuve.objects.get()
    assert traitement.etape == "Enregistrée et chaînée au journal des preuves" and "Enregistrée" in page
    assert traitement.preuve.resultats == {suivi.ets[0]: 4, suivi.ets[1]: 0}
    assert not list((stockage.racine() / "attente").iterdir())  # the received file is removed
    assert Notification.objects.filter(destinataire=porteur, sujet__startswith="Preuve enregistrée").exists()


def test_a_refused_large_file_is_recorded_with_its_reasons(client, suivi, porteur, settings):
    settings.ESMS_PREUVE_SEUIL_ARRIERE_PLAN = 100
    client.force_login(porteur)
    lignes = [*evenements(suivi.ets[:1], {suivi.ets[0]: 3}), f"U9;{suivi.ets[0]};hier;creation;infirmier"]
    page = _deposer(client, suivi, csv_bytes(lignes)).content.decode()
    traitement = TraitementPreuve.objects.get()
    assert traitement.etat == "refuse" and not Preuve.objects.exists()
    assert traitement.raisons[0].startswith("grosse.csv, ligne 6, colonne « horodatage » : « hier »")
    assert "Refusée" in page and "grosse.csv, ligne 6" in page
    assert AuditEvent.objects.filter(action="usages.deposer_preuve.refus").exists()
    assert Notification.objects.filter(destinataire=porteur, sujet__startswith="Preuve refusée").exists()
    assert not list((stockage.racine() / "attente").iterdir())
