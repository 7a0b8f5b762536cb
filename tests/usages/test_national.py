"""The national indicator `dui_actifs_valides`: latest validated figure per establishment at a date, in one
SQL query, nationally or by region or sector, against the 410 000 target."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from esms.comptes.models import Role
from esms.usages.models import DuiActifValide, ValidationUsage
from esms.usages.selectors import CIBLE_DUI_ACTIFS, dui_actifs_valides
from tests import factories

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def valides(ref, make_user):
    agent = make_user(Role.ADMIN_NATIONAL)
    pa = factories.categorie("500", "EHPAD", secteur="personnes_agees")
    ph = factories.categorie("255", "MAS", secteur="personnes_handicapees")
    et_ph = factories.etablissement(ref.ain, ref.og_ara, "MAS DE L'AIN", cat=ph)
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="en_suivi_usage")

    def valider(le: datetime, fin: date, chiffres: dict):
        validation = ValidationUsage.objects.create(dossier=dossier, periode_debut=date(2024, 1, 1), periode_fin=fin,
                                                    decision="validee", verdict={}, acteur=agent,
                                                    entrees=f"test-{le.isoformat()}")
        ValidationUsage.objects.filter(pk=validation.pk).update(cree_le=le)
        DuiActifValide.objects.bulk_create([DuiActifValide(validation=validation, etablissement=et, dui_actifs=n,
                                                           periode_fin=fin, valide_le=le) for et, n in chiffres.items()])

    ara, corse = ref.et_ara, ref.et_corse
    valider(datetime(2024, 7, 10, 12, tzinfo=PARIS), date(2024, 6, 30), {ara[0]: 100, ara[1]: 50, corse[0]: 20})
    valider(datetime(2025, 1, 15, 9, tzinfo=PARIS), date(2024, 12, 31), {ara[0]: 130, et_ph: 40})
    valider(datetime(2025, 1, 20, 23, 30, tzinfo=PARIS), date(2024, 12, 31), {corse[1]: 7})
    assert pa.secteur == "personnes_agees"
    return ref


def test_national_total_takes_the_latest_figure_per_establishment(valides):
    assert dui_actifs_valides(le=date(2024, 7, 9)) == [{"cle": None, "libelle": "France entière", "dui_actifs": 0}]
    assert dui_actifs_valides(le=date(2024, 7, 10))[0]["dui_actifs"] == 170
    assert dui_actifs_valides(le=date(2025, 1, 15))[0]["dui_actifs"] == 130 + 50 + 20 + 40
    assert dui_actifs_valides(le=date(2025, 1, 20))[0]["dui_actifs"] == 130 + 50 + 20 + 40 + 7  # end of day, Paris
    assert CIBLE_DUI_ACTIFS == 410_000


def test_grouped_by_region_and_by_sector(valides):
    assert dui_actifs_valides(le=date(2025, 2, 1), par="region") == [
        {"cle": "84", "libelle": "Auvergne-Rhône-Alpes", "dui_actifs": 220},
        {"cle": "94", "libelle": "Corse", "dui_actifs": 27},
    ]
    par_secteur = {g["cle"]: (g["libelle"], g["dui_actifs"]) for g in dui_actifs_valides(le=date(2025, 2, 1), par="secteur")}
    assert par_secteur["personnes_agees"][1] == 207 and par_secteur["personnes_handicapees"][1] == 40
    assert all(libelle for libelle, _ in par_secteur.values())


def test_one_query_whatever_the_size(valides, django_assert_num_queries):
    for par in (None, "region", "secteur"):
        with django_assert_num_queries(1):
            dui_actifs_valides(le=date(2025, 2, 1), par=par)
    with pytest.raises(ValueError, match="Regroupement inconnu"):
        dui_actifs_valides(le=date(2025, 2, 1), par="departement")
