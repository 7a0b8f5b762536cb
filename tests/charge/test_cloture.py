"""The deadline-day load scenario (benchmarks/cloture.py) at a tiny scale, without Locust: its preparation (a
version whose calls close today, porteurs with grappe kits of their own organismes, agents, vendor tokens) and the
exactly-once check of the filings after the run, against database states built here."""

from __future__ import annotations

import base64
import importlib.util
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from esms.api.models import JetonAPI
from esms.candidatures import regles, services
from esms.candidatures.models import Campagne, Dossier, Grappe, Membre, Transition
from esms.comptes.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db

CHEMIN = Path(__file__).resolve().parents[2] / "benchmarks" / "cloture.py"


@pytest.fixture(scope="module")
def cloture():
    spec = importlib.util.spec_from_file_location("cloture_charge", CHEMIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def prepare(cloture, ref, make_user):
    """17 free establishments of one organisme (3 kits of 5), a filed dossier to instruct, one in usage follow-up."""
    factories.etablissements(ref.ain, ref.og_ara, 15)
    admin = make_user(Role.ADMIN_NATIONAL)
    from esms.candidatures import campagnes
    from esms.comptes.permissions import SYSTEME

    campagnes.charger(actor=SYSTEME, code="2025")
    campagne = Campagne.objects.get(code="2025")
    factories.dossier_depose(ref.og_corse, region=ref.corse, etat="depose", camp=campagne)
    suivi = factories.dossier_depose(ref.og_corse, region=ref.corse, etat="en_suivi_usage", camp=campagne)
    Membre.objects.create(grappe=suivi.grappe, etablissement=ref.et_corse[0])
    return cloture.preparer(admin=admin, porteurs=2, agents=2, editeurs=1, taille=5)


def _deposer(config, rang: int = 0, kit: int = 0) -> dict:
    """What a porteur of the scenario does, through the services: a grappe of one kit, its documents, the filing."""
    porteur = User.objects.get(username=config["porteurs"][rang]["compte"])
    lot = config["porteurs"][rang]["kits"][kit]
    nom = f"Charge {porteur.username} {kit}"
    dossier = services.creer_grappe(actor=porteur, campagne_code=config["campagne"], porteur=lot["organisme"], nom=nom,
                                    solution=Grappe.solution.field.related_model.objects.get(pk=config["solution"]))
    services.ajouter_membres(actor=porteur, dossier=dossier, finess_et=lot["finess"])
    for type_ in ("lettre_engagement", "convention_grappe", "non_cumul_ue"):
        services.deposer_document(actor=porteur, dossier=dossier, type=type_, fichier=SimpleUploadedFile(
            f"{type_}.pdf", base64.b64decode(config["pdf"]), content_type="application/pdf"))
    dossier = services.deposer(actor=porteur, dossier=dossier)
    return {"pk": dossier.pk, "numero": dossier.numero, "nom": nom}


def test_preparation(prepare, ref):
    config = prepare
    assert config["cloture"] == timezone.localdate(timezone.now() + timezone.timedelta(hours=1)).isoformat()
    version = regles.version_en_vigueur(Campagne.objects.get(code="2025"))
    assert version.parametres["grappe"]["taille_min"]["valeur"] == 5
    assert "2025" in regles.campagnes_ouvertes()
    assert [len(p["kits"]) for p in config["porteurs"]] == [2, 1]  # 17 free ET of one organisme: 3 kits of 5
    kits = [et for p in config["porteurs"] for k in p["kits"] for et in k["finess"]]
    assert len(kits) == len(set(kits)) == 15
    porteur = User.objects.get(username="charge-porteur-000")
    assert list(porteur.organismes.values_list("pk", flat=True)) == [ref.og_ara.pk]
    assert {a["region"] for a in config["agents"]} == {ref.corse.pk}
    assert sum(len(a["a_instruire"]) for a in config["agents"]) == 1
    assert JetonAPI.objects.count() == 1 and config["editeurs"][0]["finess"] == [ref.et_corse[0].pk]


def test_verification_sans_perte_ni_doublon(prepare, cloture):
    depots = [_deposer(prepare, 0, 0), _deposer(prepare, 1, 0)]
    bilan = cloture.verifier(depots + depots[:1])  # the same success answered twice (double click) is one filing
    assert bilan["perdus"] == 0 and bilan["doublons"] == 0, bilan["problemes"]
    assert bilan["dossiers_confirmes"] == 2 and bilan["reponses_en_double"] == 1
    assert bilan["deposes_en_base"] == 2 and bilan["deposes_sans_reponse"] == 0


def test_verification_compte_les_pertes_et_les_doublons(prepare, cloture):
    sans_piece, deux_fois, annonce_fausse = _deposer(prepare, 0, 0), _deposer(prepare, 0, 1), _deposer(prepare, 1, 0)
    default_storage.delete(Dossier.objects.get(pk=sans_piece["pk"]).documents.first().fichier.name)
    transition = Transition.objects.get(dossier_id=deux_fois["pk"], nom="deposer")
    transition.pk = None
    transition.save()
    Grappe.objects.create(nom=annonce_fausse["nom"], campagne=Campagne.objects.get(code="2025"),
                          porteur=Dossier.objects.get(pk=annonce_fausse["pk"]).grappe.porteur)
    inconnu = {"pk": 999_999, "numero": "2025-84-99999", "nom": "Charge fantôme"}
    bilan = cloture.verifier([sans_piece, deux_fois, {**annonce_fausse, "numero": "autre"}, inconnu])
    assert bilan["perdus"] == 4, bilan["problemes"]  # missing document, filed twice, wrong number, absent
    assert bilan["doublons"] == 2  # the dossier filed twice, the grappe created twice
    textes = " ".join(bilan["problemes"])
    assert "pièces manquantes" in textes and "absent de la base" in textes and "déposé 2 fois" in textes
    assert "créée plusieurs fois" in textes
