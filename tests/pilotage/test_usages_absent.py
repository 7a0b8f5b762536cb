"""Without the usages app (or before it collects anything), the dashboards say the active-DUI indicator is being
collected and every other figure still works."""

from __future__ import annotations

import sys

from django.urls import reverse

from esms.pilotage import selectors


def test_dashboards_work_without_the_usages_app(client, utilisateurs, monkeypatch):
    import esms.usages

    monkeypatch.setitem(sys.modules, "esms.usages.selectors", None)  # "import" now raises ImportError
    monkeypatch.delattr(esms.usages, "selectors", raising=False)
    assert selectors.dui_actifs() == {"disponible": False, "dui_actifs": None, "cible": 410_000, "taux": None}
    assert selectors.dui_actifs_par(par="region") is None
    client.force_login(utilisateurs.admin)
    reponse = client.get(reverse("pilotage:accueil"))
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert "indicateur en cours de collecte" in html
    assert "dui-regions" not in reponse.context["tableaux"]
    assert reponse.context["indicateurs"]["etablissements_embarques"] == selectors.etablissements_embarques()
    assert client.get(reverse("statistiques:accueil")).status_code == 200
