"""The national programme generator at a small scale, on the real FINESS file: proportions, states and the
ledgers' invariants."""

from __future__ import annotations

import time

import pytest
from django.db.models import Count, Sum
from django.test import Client

from esms.candidatures.models import Dossier, Membre
from esms.comptes.permissions import SYSTEME
from esms.demo import national
from esms.financement.models import Enveloppe, LigneEnveloppe, Versement
from esms.usages.models import DuiActifValide, RapportIndicateurs

ECHELLE = 0.02
NATIONAL = "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz"


@pytest.fixture
def programme(db, shared_data):
    from esms.referentiel import services as referentiel

    referentiel.charger_referentiel(actor=SYSTEME, dossier=shared_data)
    referentiel.importer_finess(actor=SYSTEME, chemin=shared_data / NATIONAL)
    return national.generer(echelle=ECHELLE, acteur=national.compte_auteur())


@pytest.mark.django_db
def test_referentiel_insuffisant_rien_ecrit():
    from esms.candidatures.models import Campagne

    avant = Campagne.objects.count()
    with pytest.raises(ValueError, match="Référentiel insuffisant : 21200 établissements"):
        national.generer(acteur=national.compte_auteur())
    assert Campagne.objects.count() == avant and not Dossier.objects.exists()


@pytest.mark.realdata
def test_programme_national(programme, capsys):
    # One test: building the référentiel and the programme takes about a minute.
    assert abs(Dossier.objects.count() - 1_400 * ECHELLE) <= 6
    finances = Membre.objects.filter(grappe__dossier__etat__in=national.FINANCES)
    assert abs(finances.count() - 21_200 * ECHELLE) <= 6
    fin_2023 = finances.filter(grappe__campagne__code__in=["2021-1", "2021-2", "2022", "2023"])
    assert abs(fin_2023.count() - 17_000 * ECHELLE) <= 4
    assert abs(fin_2023.filter(grappe__campagne__code__startswith="2021").count() - 6_000 * ECHELLE) <= 2
    etats = set(Dossier.objects.values_list("etat", flat=True))
    assert etats == {e for _, _, _, parts in national.PROGRAMME for e in parts}
    assert set(Dossier.objects.values_list("grappe__campagne__code", flat=True)) == {
        code for code, *_ in national.PROGRAMME}

    finances = Membre.objects.filter(grappe__dossier__etat__in=national.FINANCES)
    assert not finances.values("etablissement").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for enveloppe in Enveloppe.objects.all():
        assert (LigneEnveloppe.objects.filter(enveloppe=enveloppe).aggregate(s=Sum("montant"))["s"] or 0) >= 0
    for dossier in Dossier.objects.filter(versements__isnull=False).distinct():
        verse = Versement.objects.filter(dossier=dossier).exclude(statut="annule").aggregate(s=Sum("montant"))["s"]
        assert verse <= dossier.montant_retenu
        assert dossier.convention.montant == dossier.montant_retenu
    engage = -LigneEnveloppe.objects.filter(type="engagement").aggregate(s=Sum("montant"))["s"]
    assert engage == Dossier.objects.filter(etat__in=national.FINANCES).aggregate(s=Sum("montant_retenu"))["s"]
    fin_2024 = RapportIndicateurs.objects.filter(periode_fin="2024-12-31")
    assert fin_2024.aggregate(s=Sum("dui_actifs"))["s"] == round(410_000 * ECHELLE)
    assert DuiActifValide.objects.aggregate(s=Sum("dui_actifs"))["s"] == round(410_000 * ECHELLE)
    assert not DuiActifValide.objects.exclude(validation__dossier__etat__in=national.EN_USAGE).exists()
    client = Client()
    client.force_login(national.compte_auteur())
    debut = time.perf_counter()
    reponse = client.get("/pilotage/")
    with capsys.disabled():
        print(f"\n/pilotage/ sur le programme national à l'échelle {ECHELLE} : {time.perf_counter() - debut:.2f} s")
    assert reponse.status_code == 200
    # The generator and the dashboards count the same funded dossiers and establishments (closed ones included).
    assert Dossier.objects.filter(etat="clos").exists()
    indicateurs = reponse.context["indicateurs"]
    assert indicateurs["dossiers"] == Dossier.objects.filter(etat__in=national.FINANCES).count()
    assert indicateurs["etablissements_embarques"] == finances.values("etablissement").distinct().count()
