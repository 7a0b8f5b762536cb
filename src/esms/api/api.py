"""The versioned API (v1): its routers, the French error handlers, the OpenAPI document and interactive docs.

/api/v1/openapi.json — the OpenAPI document; /api/v1/docs — interactive documentation (Swagger UI).
"""

from __future__ import annotations

from ninja import NinjaAPI

from esms.api import gestionnaires
from esms.api.routers import dossiers, enveloppes, moi, pilotage, referentiel, sons, usages

DESCRIPTION = """\
API de la plateforme ESMS numérique : référentiel FINESS, dossiers de candidature, enveloppes, indicateurs
d'usage, commandes SONS (Prestation Ségur) des éditeurs et données de pilotage.

**Authentification** : chaque requête porte un jeton d'API, `Authorization: Bearer esms_<préfixe>_<secret>`,
créé sur la page « Jetons d'API » de la plateforme (le secret n'est affiché qu'une fois). Le jeton agit au nom
de son compte : il n'atteint que le périmètre de ce compte (région, organismes, établissements) ; ses
**portées** restreignent en plus les routes qu'il peut appeler.

**Pagination** : `limit` (1 à 200, 50 par défaut) et `offset` ; la réponse donne `total`, `limit`, `offset`
et `items`.

**Erreurs** : toujours `{"code": "…", "message": "…", "details": [...]}`, en français, avec un code stable
(`non_authentifie`, `jeton_revoque`, `jeton_expire`, `portee_insuffisante`, `non_habilite`, `hors_perimetre`,
`introuvable`, `donnees_invalides`, `refus_metier`…) ; `details` situe chaque erreur de saisie (`champ`).
"""

api = NinjaAPI(
    title="API ESMS numérique",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
gestionnaires.installer(api)
api.add_router("/moi", moi.router)
api.add_router("/referentiel", referentiel.router)
api.add_router("/dossiers", dossiers.router)
api.add_router("/enveloppes", enveloppes.router)
api.add_router("/usages", usages.router)
api.add_router("/pilotage", pilotage.router)
api.add_router("/sons", sons.router)
