"""Référentiel routes: establishments (search, one ET), legal entities with their ET, regions and categories.

The FINESS référentiel is public open data: every role may read all of it, but only with a token that has
the `referentiel:lire` scope.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from esms.api.auth import BearerJeton
from esms.api.erreurs import REPONSES_ERREUR
from esms.api.pagination import Pagination, paginer
from esms.api.portees import REFERENTIEL_LIRE
from esms.api.schemas.communs import NumeroFiness
from esms.api.schemas.referentiel import (
    Etablissement,
    FiltresEtablissements,
    Organisme,
    OrganismeAPI,
    PageCategories,
    PageEtablissements,
    PageRegions,
)
from esms.comptes.permissions import require
from esms.referentiel import selectors

router = Router(tags=["Référentiel"], auth=BearerJeton(REFERENTIEL_LIRE))
PORTEE = f"\n\nPortée requise : `{REFERENTIEL_LIRE}`."


@router.get("/etablissements", response={200: PageEtablissements, **REPONSES_ERREUR},
            summary="Rechercher des établissements",
            description="Établissements (FINESS ET) selon les critères, triés par nom puis numéro, paginés." + PORTEE)
def rechercher(request: HttpRequest, filtres: Query[FiltresEtablissements], pagination: Query[Pagination]):
    etablissements = selectors.rechercher_etablissements(
        actor=request.user, q=filtres.q, commune=filtres.commune, departement=filtres.departement,
        categorie=filtres.categorie, secteur=filtres.secteur or "", eligibles=filtres.eligibles,
        statut=filtres.statut)
    return paginer(etablissements, pagination)


@router.get("/etablissements/{finess_et}", response={200: Etablissement, **REPONSES_ERREUR},
            summary="Un établissement par son numéro FINESS ET",
            description="Fiche d'un établissement (FINESS géographique) : adresse, catégorie, organisme "
                        "gestionnaire, secteur du programme, dates." + PORTEE)
def etablissement(request: HttpRequest, finess_et: NumeroFiness):
    return selectors.etablissement(actor=request.user, finess_et=finess_et)


@router.get("/organismes/{finess_ej}", response={200: Organisme, **REPONSES_ERREUR},
            summary="Un organisme gestionnaire par son numéro FINESS EJ, avec ses établissements",
            description="Fiche d'un organisme gestionnaire (FINESS juridique), ses chiffres et tous ses "
                        "établissements (ouverts d'abord)." + PORTEE)
def organisme(request: HttpRequest, finess_ej: NumeroFiness):
    og = selectors.organisme(actor=request.user, finess_ej=finess_ej)
    return OrganismeAPI(organisme=og, chiffres=selectors.chiffres_organisme(og),
                        etablissements=list(selectors.etablissements_de(og)))


@router.get("/regions", response={200: PageRegions, **REPONSES_ERREUR}, summary="Régions",
            description="Les régions (codes INSEE), pour les filtres." + PORTEE)
def regions(request: HttpRequest, pagination: Query[Pagination]):
    require(request.user, "referentiel.consulter")
    return paginer(selectors.regions(), pagination)


@router.get("/categories", response={200: PageCategories, **REPONSES_ERREUR}, summary="Catégories FINESS",
            description="Catégories d'établissements FINESS avec leur éligibilité au programme et leur secteur."
                        + PORTEE)
def categories(request: HttpRequest, pagination: Query[Pagination], eligibles: bool = False):
    require(request.user, "referentiel.consulter")
    return paginer(selectors.categories(eligibles=eligibles), pagination)
