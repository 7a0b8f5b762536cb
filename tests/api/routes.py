"""The table of every API operation, with the scope it needs and a concrete address in the test data.

`test_routes.py` checks that this table lists exactly the operations of the OpenAPI document, so that a new
route cannot escape the scope tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    methode: str
    gabarit: str  # path template of the OpenAPI document, without /api/v1
    portee: str | None  # None: any valid token
    adresse: Callable  # monde -> concrete path
    acteur: str = "admin"  # the user of `monde` whose token with the scope reaches the route
    servi: int = 200  # its status when called without a body (a POST answers 422: the body is missing)

    def __str__(self) -> str:
        return f"{self.methode} {self.gabarit}"


ROUTES: list[Route] = [
    Route("GET", "/moi", None, lambda m: "/moi"),
    Route("GET", "/moi/etablissements", None, lambda m: "/moi/etablissements"),
    Route("GET", "/referentiel/etablissements", "referentiel:lire", lambda m: "/referentiel/etablissements"),
    Route("GET", "/referentiel/etablissements/{finess_et}", "referentiel:lire",
          lambda m: f"/referentiel/etablissements/{m.ref.et_ara[0].pk}"),
    Route("GET", "/referentiel/organismes/{finess_ej}", "referentiel:lire",
          lambda m: f"/referentiel/organismes/{m.ref.og_ara.pk}"),
    Route("GET", "/referentiel/regions", "referentiel:lire", lambda m: "/referentiel/regions"),
    Route("GET", "/referentiel/categories", "referentiel:lire", lambda m: "/referentiel/categories"),
    Route("GET", "/dossiers", "dossiers:lire", lambda m: "/dossiers"),
    Route("GET", "/dossiers/{dossier_id}", "dossiers:lire", lambda m: f"/dossiers/{m.dossier_ara.pk}"),
    Route("GET", "/enveloppes", "enveloppes:lire", lambda m: "/enveloppes"),
    Route("GET", "/enveloppes/{enveloppe_id}", "enveloppes:lire", lambda m: f"/enveloppes/{m.env_ara.pk}"),
    Route("POST", "/usages/indicateurs", "usages:ecrire", lambda m: "/usages/indicateurs", "editeur_ara", 422),
    Route("POST", "/usages/preuves", "usages:ecrire", lambda m: "/usages/preuves", "editeur_ara", 422),
    Route("GET", "/sons/commandes", "sons:lire", lambda m: "/sons/commandes", "editeur_ara"),
    Route("POST", "/sons/commandes", "sons:ecrire", lambda m: "/sons/commandes", "editeur_ara", 422),
    *(Route("GET", f"/pilotage/{nom}", "pilotage:lire", lambda m, nom=nom: f"/pilotage/{nom}")
      for nom in ("indicateurs", "couverture", "enveloppes", "dossiers", "evolution", "secteurs", "dui-actifs")),
]
