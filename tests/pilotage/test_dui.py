"""Active DUIs on the dashboards: the usages app's validated figures (latest per establishment), national and per
region, equal an independent SQL sum; the page shows them against the 410 000 target."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from esms.pilotage import selectors
from esms.pilotage.graphiques import nombre

from .test_chiffres_sql import sql

usages = pytest.importorskip("esms.usages.models")


@pytest.fixture
def dui(jeu, utilisateurs):
    d = jeu.dossiers
    hier = timezone.now() - timedelta(days=1)
    for dossier, lignes in ((d.suivi_corse, [(jeu.et_corse[0], 120), (jeu.et_corse[1], 80)]),
                            (d.retenu_ara, [(jeu.et_ara[0], 300), (jeu.et_ara[1], 45)])):
        validation = usages.ValidationUsage.objects.create(
            dossier=dossier, periode_debut=date(2024, 1, 1), periode_fin=date(2024, 6, 30), decision="validee",
            verdict={}, acteur=utilisateurs.admin, entrees=f"test-{dossier.pk}-1")
        for et, n in lignes:
            usages.DuiActifValide.objects.create(validation=validation, etablissement=et, dui_actifs=n,
                                                 periode_fin=date(2024, 6, 30), valide_le=hier)
    # A later validation supersedes the first figure of et_ara[0].
    validation = usages.ValidationUsage.objects.create(
        dossier=d.retenu_ara, periode_debut=date(2024, 7, 1), periode_fin=date(2024, 12, 31), decision="validee",
        verdict={}, acteur=utilisateurs.admin, entrees="test-2")
    usages.DuiActifValide.objects.create(validation=validation, etablissement=jeu.et_ara[0], dui_actifs=310,
                                         periode_fin=date(2024, 12, 31), valide_le=hier + timedelta(hours=1))


def _sql_dui(region: str | None) -> int:
    demain = datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time(),
                              tzinfo=ZoneInfo("Europe/Paris"))
    where, params = "", [demain, timezone.localdate(), demain, timezone.localdate()]
    if region:
        where, params = " AND e.region_id = %s", [*params, region]
    [(total,)] = sql(
        "SELECT COALESCE(SUM(v.dui_actifs), 0) FROM usages_duiactifvalide v "
        "JOIN referentiel_etablissement e ON e.finess_et = v.etablissement_id "
        "WHERE v.valide_le < %s AND v.periode_fin <= %s AND v.id = ("
        "  SELECT v2.id FROM usages_duiactifvalide v2 WHERE v2.etablissement_id = v.etablissement_id "
        "  AND v2.valide_le < %s AND v2.periode_fin <= %s ORDER BY v2.valide_le DESC, v2.id DESC LIMIT 1)" + where,
        params)
    return int(total)


@pytest.mark.parametrize("region", [None, "84", "94", "11"])
def test_dui_actifs_equal_sql(dui, region):
    resultat = selectors.dui_actifs(region=region)
    assert resultat["disponible"] is True
    assert resultat["dui_actifs"] == _sql_dui(region)
    assert resultat["cible"] == 410_000
    assert resultat["taux"] == round(100 * _sql_dui(region) / 410_000, 1)


def test_dui_hand_checked_and_by_region(dui):
    assert selectors.dui_actifs()["dui_actifs"] == 120 + 80 + 310 + 45
    par_region = {ligne["cle"]: ligne["dui_actifs"] for ligne in selectors.dui_actifs_par(par="region")}
    assert par_region == {"84": 355, "94": 200}
    assert selectors.dui_actifs_par(par="region", region="94") == [
        {"cle": "94", "libelle": "Corse", "dui_actifs": 200}]


def test_dashboard_shows_the_dui_against_the_target(client, utilisateurs, dui):
    client.force_login(utilisateurs.admin)
    reponse = client.get(reverse("pilotage:accueil"))
    html = reponse.content.decode()
    assert "indicateur en cours de collecte" not in html
    tableau = reponse.context["tableaux"]["indicateurs"]
    assert tableau.lignes[1][1:] == [555, 410_000, 0.1]
    assert [ligne[2] for ligne in reponse.context["tableaux"]["dui-regions"].lignes] == [355, 200]
    assert f">{nombre(555)}<" in html
