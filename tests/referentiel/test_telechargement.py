"""Download of the FINESS+ Structures file through the data.gouv.fr dataset API, against a real HTTP server on
loopback (`http.server`) serving the example files; and the demo set-up with ../shared hidden."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from esms.referentiel.importer.format_plus import SCHEMA
from esms.referentiel.models import Etablissement, ImportFiness, OrganismeGestionnaire
from tests.referentiel.test_import_finess_plus import dossier_nomenclatures, nomenclatures  # noqa: F401

EXEMPLE = SCHEMA.parent / "finess-plus" / "sample-finess-structures-journalier-20260309.json"
API = "api/1/datasets/finess-structures/"


class _Silencieux(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def data_gouv(tmp_path):
    """A stand-in for data.gouv.fr: `publier(fichier, empreinte=None)` puts a Structures resource online."""
    racine = tmp_path / "data.gouv"
    (racine / API).mkdir(parents=True)
    serveur = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Silencieux, directory=str(racine)))
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    base = f"http://127.0.0.1:{serveur.server_address[1]}/"

    def publier(octets: bytes, nom: str = "finess-structures-journalier-20260309.json.gz",
                empreinte: str | None = None) -> str:
        (racine / "fichiers").mkdir(exist_ok=True)
        (racine / "fichiers" / nom).write_bytes(octets)
        jeu = {"id": "finess-structures", "title": "FINESS - Structures", "resources": [
            {"title": "FINESS - Activités (journalier)", "format": "json", "url": base + "fichiers/activites.json.gz",
             "last_modified": "2026-03-10T05:00:00"},
            {"title": "FINESS - Structures (ancien)", "format": "json", "url": base + "fichiers/absent.json.gz",
             "last_modified": "2026-03-01T05:00:00"},
            {"title": "FINESS - Structures (journalier)", "format": "gz", "url": base + "fichiers/" + nom,
             "last_modified": "2026-03-09T05:00:00",
             "checksum": {"type": "sha256", "value": empreinte or hashlib.sha256(octets).hexdigest()}},
        ]}
        (racine / API / "index.html").write_text(json.dumps(jeu), encoding="utf-8")
        return base + "fichiers/" + nom

    publier.api = base + API
    yield publier
    serveur.shutdown()
    serveur.server_close()


def test_telecharger_puis_importer(nomenclatures, data_gouv, settings, capsys):  # noqa: F811
    url = data_gouv(gzip.compress(EXEMPLE.read_bytes()))
    settings.FINESS_API = data_gouv.api
    call_command("import_finess", "--telecharger", "--json")
    resultat = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert resultat["statut"] == "reussi" and resultat["url"] == url and resultat["crees"] == 25
    importe = ImportFiness.objects.get(pk=resultat["import"])
    assert importe.url_source == url
    assert importe.sha256 == hashlib.sha256(Path(importe.chemin_fichier).read_bytes()).hexdigest()


def test_empreinte_differente_refusee(nomenclatures, data_gouv, settings, var_temporaire):  # noqa: F811
    data_gouv(gzip.compress(EXEMPLE.read_bytes()), empreinte="0" * 64)
    settings.FINESS_API = data_gouv.api
    with pytest.raises(CommandError, match="empreinte SHA256 .* ne correspond pas à celle annoncée par data.gouv.fr"):
        call_command("import_finess", "--telecharger")
    assert not Etablissement.objects.exists()
    assert not list((var_temporaire / "imports" / "telechargements").iterdir())


def test_hors_ligne_une_phrase(nomenclatures, settings):  # noqa: F811
    settings.FINESS_API = "http://127.0.0.1:9/" + API
    with pytest.raises(CommandError, match=r"^Téléchargement du fichier FINESS impossible, êtes-vous hors ligne \? "
                                           r"Fournissez le fichier national"):
        call_command("import_finess", "--telecharger")


@pytest.mark.realdata
@pytest.mark.django_db(transaction=True)
def test_demo_sans_donnees_partagees(shared_data, data_gouv, settings, tmp_path, monkeypatch):
    """`make demo`'s set-up with ../shared hidden: the reference tables come from the package, the national file
    from the data.gouv.fr stand-in (a FINESS+ snapshot generated from the national extract)."""
    from benchmarks.finess_plus import generer

    national = tmp_path / "finess-structures-mensuel-202606.json.gz"
    generer(national, jour=__import__("datetime").date(2026, 3, 1))
    data_gouv(national.read_bytes(), nom=national.name)
    vide = tmp_path / "vide"
    vide.mkdir()
    settings.SHARED_DATA_DIR = vide
    settings.FINESS_API = data_gouv.api
    monkeypatch.delenv("ESMS_FINESS_FILE", raising=False)
    call_command("preparer_demo")
    assert Etablissement.objects.count() > 95_000
    assert ImportFiness.objects.filter(statut="reussi", type_fichier="plus").count() == 2
    assert OrganismeGestionnaire.objects.get(pk="010000016").raison_sociale == "MAISON DE RETRAITE - DIVONNE-LES-BAINS"
    from esms.candidatures.models import Dossier

    assert Dossier.objects.exists()
