"""Issue 9, point 1, on the indicator import: a 200 MB file, `1e999999`, an XLSX bomb — each refused with a
located French message, nothing written, the refusal audited; the file is read before the write transaction."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esms.comptes.models import AuditEvent
from esms.usages import services
from esms.usages.erreurs import UsageRefuse
from esms.usages.models import RapportIndicateurs
from tests.usages.fabrique import DEBUT, FIN

PERIODE = {"debut": DEBUT.isoformat(), "fin": FIN.isoformat()}


class _Gros(io.RawIOBase):
    """200 MB of CSV lines, generated as read (never held whole), counting what the reader pulled."""

    def __init__(self, ligne: bytes, taille: int = 200 * 1024 * 1024):
        self.ligne, self.reste, self.lu = ligne, taille, 0

    def readable(self):
        return True

    def read(self, n=-1):
        n = min(self.reste, (1 << 20) if n is None or n < 0 else n)
        bloc = (self.ligne * (n // len(self.ligne) + 1))[:n]
        self.reste -= n
        self.lu += n
        return bloc


def _importer(suivi, porteur, fichier, nom="ind.csv"):
    return services.importer_indicateurs(actor=porteur, dossier=suivi.dossier, fichier=fichier, nom=nom,
                                         debut=DEBUT, fin=FIN)


def test_a_200_mb_csv_is_refused_while_streaming(suivi, porteur):
    flux = _Gros(f"{suivi.ets[0]};12\n".encode())
    with pytest.raises(UsageRefuse, match=r"« ind\.csv » : le fichier dépasse la taille maximale admise \(5 Mio\)"):
        _importer(suivi, porteur, flux)
    assert flux.lu < 7 * 1024 * 1024
    assert not RapportIndicateurs.objects.exists()
    refus = AuditEvent.objects.get(action="usages.importer_indicateurs.refus")
    assert refus.after["fichier"] == "ind.csv" and "taille maximale" in refus.after["raisons"][0]


@pytest.mark.parametrize("cellule, message", [
    ("1e999999", "nombre entier positif attendu, en chiffres (reçu « 1e999999 »)"),
    ("12.5", "nombre entier positif attendu, en chiffres (reçu « 12.5 »)"),
    ("99999999999999999999", "nombre supérieur au maximum admis"),
])
def test_strict_counts_in_a_file(suivi, porteur, cellule, message):
    contenu = f"finess_et;dui_actifs;taux_dui_actifs\n{suivi.ets[1]};3;0,5\n{suivi.ets[0]};{cellule};0,5\n".encode()
    with pytest.raises(UsageRefuse) as refus:
        _importer(suivi, porteur, contenu)
    assert refus.value.messages == [f"ind.csv, ligne 3, colonne « dui_actifs » : {message}."] or \
        refus.value.messages[0].startswith("ind.csv, ligne 3, colonne « dui_actifs » : nombre supérieur au maximum")
    assert not RapportIndicateurs.objects.exists()


def test_huge_decimal_in_a_file(suivi, porteur):
    contenu = f"finess_et;dui_actifs;taux_dui_actifs\n{suivi.ets[0]};3;1e999990\n".encode()
    with pytest.raises(UsageRefuse, match=r"ind\.csv, ligne 2, colonne « taux_dui_actifs » : nombre décimal attendu"):
        _importer(suivi, porteur, contenu)
    assert not RapportIndicateurs.objects.exists()


def test_a_gzipped_csv_is_read(suivi, porteur):
    contenu = gzip.compress(f"finess_et;dui_actifs\n{suivi.ets[0]};7\n".encode())
    rapports = _importer(suivi, porteur, contenu, nom="ind.csv.gz")
    assert [(r.etablissement_id, r.dui_actifs, r.nom_fichier) for r in rapports] == [(suivi.ets[0], 7, "ind.csv.gz")]


def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it(suivi, porteur):
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 1024 * 1024))
    with pytest.raises(UsageRefuse, match=r"« ind\.xlsx » : archive refusée"):
        _importer(suivi, porteur, sortie.getvalue(), nom="ind.xlsx")
    assert not RapportIndicateurs.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_file_is_read_outside_any_transaction(ref, make_user, monkeypatch):
    from django.db import transaction

    from esms.comptes.models import Role
    from esms.usages import indicateurs
    from tests.usages.fabrique import construire_dossier

    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    suivi = construire_dossier(ref, porteur, make_user(Role.AGENT_ARS, region="84"))
    lire, vu = indicateurs.lire_fichier, []
    monkeypatch.setattr(indicateurs, "lire_fichier",
                        lambda *a, **k: vu.append(transaction.get_connection().in_atomic_block) or lire(*a, **k))
    _importer(suivi, porteur, f"finess_et;dui_actifs\n{suivi.ets[0]};7\n".encode())
    assert vu == [False]


def test_the_page_refuses_an_upload_over_the_limit(client, suivi, porteur, settings):
    settings.ESMS_LIMITES_TELEVERSEMENT = {"indicateurs": 1024}
    client.force_login(porteur)
    fichier = SimpleUploadedFile("gros.csv", b"finess_et;dui_actifs\n" + b"x" * 5000)
    reponse = client.post(reverse("usages:importer", args=[suivi.dossier.pk]), {**PERIODE, "fichier": fichier})
    assert reponse.status_code == 413
    assert "« gros.csv » : le fichier dépasse la taille maximale admise (1 Kio)" in reponse.content.decode()
    assert not RapportIndicateurs.objects.exists()


def _poster(client, suivi, contenu: bytes, nom="gros.csv"):
    return client.post(reverse("usages:importer", args=[suivi.dossier.pk]),
                       {**PERIODE, "fichier": SimpleUploadedFile(nom, contenu)}, follow=True)


def test_a_large_file_is_read_on_the_task_queue_with_its_progress_shown(client, suivi, porteur, settings):
    """Above ESMS_INDICATEURS_SEUIL_ARRIERE_PLAN the file is only received in the request; the task worker reads,
    checks and records it (the tests' immediate backend runs it at once), its state shown on the usage page."""
    from esms.comptes.models import Notification
    from esms.usages.models import TraitementPreuve
    from esms.usages.preuves import stockage

    settings.ESMS_INDICATEURS_SEUIL_ARRIERE_PLAN = 10
    client.force_login(porteur)
    page = _poster(client, suivi, f"finess_et;dui_actifs\n{suivi.ets[0]};7\n{suivi.ets[1]};4\n".encode()).content.decode()
    assert "en arrière-plan" in page and "Traitements des fichiers" in page
    traitement = TraitementPreuve.objects.get()
    assert (traitement.genre, traitement.etat, traitement.etape) == ("indicateurs", "termine",
                                                                     "2 établissement(s) enregistré(s)")
    assert "2 établissement(s) enregistré(s)" in page and "Indicateurs" in page
    assert sorted(RapportIndicateurs.objects.values_list("etablissement_id", "dui_actifs")) == \
        sorted([(suivi.ets[0], 7), (suivi.ets[1], 4)])
    assert not list((stockage.racine() / "attente").iterdir())
    assert Notification.objects.filter(destinataire=porteur, sujet="Indicateurs importés : gros.csv").exists()


def test_a_large_file_with_a_bad_line_is_refused_on_the_queue_and_nothing_is_written(client, suivi, porteur,
                                                                                     settings):
    from esms.usages.models import TraitementPreuve
    from esms.usages.preuves import stockage

    settings.ESMS_INDICATEURS_SEUIL_ARRIERE_PLAN = 10
    client.force_login(porteur)
    page = _poster(client, suivi, f"finess_et;dui_actifs\n{suivi.ets[0]};7\n{suivi.ets[1]};1e999999\n".encode())
    traitement = TraitementPreuve.objects.get()
    assert traitement.etat == "refuse" and traitement.etape == "Refusé : rien n'a été enregistré"
    assert traitement.raisons[0].startswith("gros.csv, ligne 3, colonne « dui_actifs » : nombre entier positif")
    assert "gros.csv, ligne 3" in page.content.decode()
    assert not RapportIndicateurs.objects.exists()
    assert AuditEvent.objects.filter(action="usages.importer_indicateurs.refus").exists()
    assert not list((stockage.racine() / "attente").iterdir())


def test_a_gzip_bomb_on_the_queue_is_refused_and_audited(client, suivi, porteur, settings):
    from esms.usages.models import TraitementPreuve

    settings.ESMS_INDICATEURS_SEUIL_ARRIERE_PLAN = 10
    client.force_login(porteur)
    bombe = gzip.compress(b"finess_et;dui_actifs\n" + b"0" * (30 * 1024 * 1024))
    _poster(client, suivi, bombe, nom="bombe.csv.gz")
    traitement = TraitementPreuve.objects.get()
    assert traitement.etat == "refuse" and "archive refusée" in traitement.raisons[0]
    assert not RapportIndicateurs.objects.exists()
    assert AuditEvent.objects.filter(action="usages.importer_indicateurs.refus").exists()
