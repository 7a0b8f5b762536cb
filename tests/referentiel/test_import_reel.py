"""The importer on the real (reconstructed) Etalab files of shared/data: the 304-ET sample and the full national
extract of 2021-01-08 (95 333 ET). Skipped with a reason when the shared data is absent; the full-file test
(≈ 15 s) can also be skipped with ESMS_TESTS_RAPIDES=1."""

from __future__ import annotations

import os

import pytest
from django.db.models import Count, Q

from esms.comptes.permissions import SYSTEME
from esms.referentiel.models import Etablissement, OrganismeGestionnaire
from esms.referentiel.services import charger_referentiel, importer_finess

pytestmark = pytest.mark.realdata

ECHANTILLON = "etalab-cs1100507-sample.reconstructed.csv"
NATIONAL = "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz"


@pytest.fixture
def referentiel_reel(db, shared_data):
    charger_referentiel(actor=SYSTEME, dossier=shared_data)
    return shared_data


def test_echantillon(referentiel_reel):
    resultat = importer_finess(actor=SYSTEME, chemin=referentiel_reel / ECHANTILLON)
    assert (resultat.nb_crees, resultat.nb_rejetes) == (304, 0)
    assert resultat.sha256.startswith("f94da3aa")
    par_departement = dict(Etablissement.objects.values_list("departement_id").annotate(n=Count("pk")))
    assert par_departement["2A"] == 9 and par_departement["2B"] == 6
    assert all(par_departement[d] == 15 for d in ("971", "972", "973", "974"))
    # Overseas coordinates are UTM, not Lambert-93: each lands in its territory.
    bornes = {"971": (15.8, 18.2, -63.2, -61.0), "972": (14.3, 14.9, -61.3, -60.8), "973": (2.1, 5.8, -54.6, -51.6),
              "974": (-21.4, -20.8, 55.2, 55.9), "2A": (41.3, 42.4, 8.5, 9.5), "2B": (41.8, 43.1, 8.5, 9.6)}
    for departement, (lat_min, lat_max, lon_min, lon_max) in bornes.items():
        for lat, lon in Etablissement.objects.filter(departement_id=departement, latitude__isnull=False) \
                .values_list("latitude", "longitude"):
            assert lat_min <= lat <= lat_max and lon_min <= lon <= lon_max, (departement, lat, lon)
    assert Etablissement.objects.filter(raison_sociale__contains='"').exists()
    assert Etablissement.objects.filter(raison_sociale__contains="’").exists()  # the 0x92 byte
    assert Etablissement.objects.filter(latitude__isnull=True).exists()  # no coordinates
    assert not Etablissement.objects.filter(raison_sociale__startswith='"', raison_sociale__contains='""').exists()
    again = importer_finess(actor=SYSTEME, chemin=referentiel_reel / ECHANTILLON)
    assert (again.nb_crees, again.nb_modifies, again.nb_fermes) == (0, 0, 0)


@pytest.mark.skipif(os.environ.get("ESMS_TESTS_RAPIDES") == "1",
                    reason="ESMS_TESTS_RAPIDES=1 : import national complet (≈ 15 s) ignoré")
def test_extrait_national_complet(referentiel_reel):
    resultat = importer_finess(actor=SYSTEME, chemin=referentiel_reel / NATIONAL)
    assert (resultat.nb_crees, resultat.nb_rejetes, resultat.nb_fermes) == (95_333, 0, 0)
    assert Etablissement.objects.count() == 95_333
    assert OrganismeGestionnaire.objects.count() == resultat.details["organismes_ebauches"]
    chiffres = Etablissement.objects.aggregate(
        eligibles=Count("pk", filter=Q(categorie__eligible=True)),
        sociaux=Count("pk", filter=Q(categorie__domaine="SOC")),
        geolocalises=Count("pk", filter=Q(latitude__isnull=False)),
        outre_mer=Count("pk", filter=Q(departement__est_outre_mer=True, latitude__isnull=False)),
    )
    assert chiffres["sociaux"] == 48_856  # README of shared/data
    # Decided by esms.rules.categories (43 757 with the rules of November 2026): SOC minus the excluded categories.
    assert 40_000 < chiffres["eligibles"] < chiffres["sociaux"]
    assert chiffres["geolocalises"] == 95_324 and chiffres["outre_mer"] == 2_045
    again = importer_finess(actor=SYSTEME, chemin=referentiel_reel / NATIONAL)
    assert (again.nb_crees, again.nb_modifies, again.nb_fermes, again.nb_rejetes) == (0, 0, 0, 0)
    _echantillon_apres_le_national(referentiel_reel)


def _echantillon_apres_le_national(dossier):
    """The issue's scenario: the 609-line sample uploaded after the national file, same extraction date. Held
    « à confirmer » and nothing closed; once confirmed it closes the rest; the rollback restores the exact counts."""
    from esms.referentiel.models import ImportFiness
    from esms.referentiel.services import annuler_import, confirmer_import

    def comptes():
        return (Etablissement.objects.count(), Etablissement.objects.filter(ouvert=True).count(),
                OrganismeGestionnaire.objects.count())

    avant = comptes()
    attente = importer_finess(actor=SYSTEME, chemin=dossier / ECHANTILLON)
    assert attente.statut == ImportFiness.Statut.A_CONFIRMER
    assert attente.nb_fermes == 95_333 - 304 and "au-delà du seuil de 2,0 %" in attente.motif_attente
    assert "n'est pas plus récente" in attente.motif_attente
    assert comptes() == avant
    assert sum(n for _, n in attente.apercu["fermes"]["par_region"]) == 95_029
    confirme = confirmer_import(actor=SYSTEME, pk=attente.pk)
    assert confirme.statut == ImportFiness.Statut.REUSSI and comptes()[1] == 304
    annuler_import(actor=SYSTEME, pk=confirme.pk)
    assert comptes() == avant
    assert not Etablissement.objects.filter(ferme_le__isnull=False).exists()
