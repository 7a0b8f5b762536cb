"""The caller's routes: its account and token, and the establishments of its scope (a DUI vendor sees only
the ESSMS that authorised it)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_moi(monde, jeton):
    corps = jeton(monde.porteur_ara, ["referentiel:lire", "dossiers:lire"]).get("/moi").json()
    assert corps["identifiant"] == "porteur-ara"
    assert corps["role"]["code"] == "responsable_og"
    assert corps["organismes"] == [monde.ref.og_ara.pk] and corps["region"] is None
    assert corps["jeton"]["portees"] == ["dossiers:lire", "referentiel:lire"]
    assert set(corps["jeton"]) == {"nom", "prefixe", "portees", "cree_le", "expire_le"}


@pytest.mark.parametrize("role, attendus", [
    ("editeur_ara", lambda r: [r.et_ara[0]]),
    ("gestionnaire_ara", lambda r: [r.et_ara[0]]),
    ("porteur_corse", lambda r: r.et_corse),
    ("ars_ara", lambda r: r.et_ara),
    ("admin", lambda r: r.et_ara + r.et_corse),
])
def test_etablissements_du_perimetre(role, attendus, monde, jeton):
    corps = jeton(getattr(monde, role), ["referentiel:lire"]).get("/moi/etablissements").json()
    assert sorted(e["finess_et"] for e in corps["items"]) == sorted(e.pk for e in attendus(monde.ref))
    assert corps["total"] == len(corps["items"])
