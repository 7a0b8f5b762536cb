"""Before the usages app has validated anything, the active-DUI indicator is 0 and every other figure works.

(It used to test a platform without the usages app, which the code hedged with imports inside functions; the
apps now depend on each other in one declared direction, usages ← pilotage, and this runs alone or in any order.)
"""

from __future__ import annotations

from django.urls import reverse

from esms.pilotage import selectors


def test_dashboards_work_before_any_usage_is_validated(client, utilisateurs):
    assert selectors.dui_actifs() == {"disponible": True, "dui_actifs": 0, "cible": 410_000, "taux": 0.0,
                                      "le": selectors.dui_actifs()["le"]}
    assert selectors.dui_actifs_par(par="region") == []
    client.force_login(utilisateurs.admin)
    reponse = client.get(reverse("pilotage:accueil"))
    assert reponse.status_code == 200
    assert reponse.context["indicateurs"]["dui"]["dui_actifs"] == 0
    assert reponse.context["indicateurs"]["etablissements_embarques"] == selectors.etablissements_embarques()
    assert client.get(reverse("statistiques:accueil")).status_code == 200
