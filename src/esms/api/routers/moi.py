"""The caller: its account and token (any valid token), and the establishments of its scope (for a DUI vendor:
the ESSMS that authorised it)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from esms.api.auth import BearerJeton, RequeteAPI
from esms.api.erreurs import REPONSES_ERREUR
from esms.api.pagination import Pagination, paginer
from esms.api.schemas.moi import Moi
from esms.api.schemas.referentiel import PageEtablissements
from esms.comptes.permissions import role_of
from esms.referentiel.selectors import etablissements_du_perimetre

router = Router(tags=["Appelant"], auth=BearerJeton())


@router.get("", response={200: Moi, **REPONSES_ERREUR}, summary="L'appelant et son jeton",
            description="Le compte du jeton, son rôle et son périmètre, et le jeton utilisé. Tout jeton valide.")
def moi(request: RequeteAPI):
    user, jeton = request.user, request.auth
    role = role_of(user)
    return {
        "identifiant": user.get_username(), "nom": user.get_full_name() or user.get_username(),
        "role": {"code": role.value, "libelle": role.label} if role else None,
        "region": user.region_id, "organismes": sorted(user.organismes.values_list("pk", flat=True)),
        "nb_etablissements": user.etablissements.count(), "jeton": jeton,
    }


@router.get("/etablissements", response={200: PageEtablissements, **REPONSES_ERREUR},
            summary="Les établissements du périmètre de l'appelant",
            description="Établissements du périmètre de l'appelant : ceux qui ont autorisé l'éditeur, ceux du "
                        "gestionnaire, ceux des organismes du porteur, ceux de la région de l'agent ARS (tous pour "
                        "un administrateur national). Tout jeton valide.")
def mes_etablissements(request: HttpRequest, pagination: Query[Pagination]):
    etablissements = etablissements_du_perimetre(actor=request.user)
    return paginer(etablissements.order_by("finess_et"), pagination)
