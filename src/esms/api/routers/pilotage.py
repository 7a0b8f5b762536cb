"""Dashboard data routes: the figures of the steering dashboards, as JSON, for the caller's perimeter.

National administrators read the national figures or any region's; ARS agents their region's only (another
region: 404). The figures are read from the perimeter's precomputed aggregate (`esms.pilotage.rafraichir.lire`,
kept fresh by background tasks after each change): `calcule_le` says when they were computed, `a_jour` whether
a recomputation is pending.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router

from esms.api.auth import BearerJeton
from esms.api.erreurs import REPONSES_ERREUR, ErreurAPI
from esms.api.portees import PILOTAGE_LIRE
from esms.api.schemas.pilotage import (
    FiltresPilotage,
    ReponseCouverture,
    ReponseDossiers,
    ReponseDuiActifs,
    ReponseEnveloppes,
    ReponseEvolution,
    ReponseIndicateurs,
    ReponseSecteurs,
)
from esms.candidatures.selectors import campagne_existe
from esms.comptes.permissions import has_perm, require
from esms.pilotage.rafraichir import lire
from esms.referentiel.selectors import region_visible
from esms.refus import hors_perimetre
from esms.rules.programme import cible_dui_actifs, cible_essms, libelle_cible

router = Router(tags=["Pilotage"], auth=BearerJeton(PILOTAGE_LIRE))
PORTEE = (f"\n\nPortée requise : `{PILOTAGE_LIRE}`. Administrateur national : France entière ou une région ; "
          "agent ARS : sa région.")


def perimetre(user, filtres: FiltresPilotage) -> dict:
    """The region the caller may see (None: national) and the campagne filter, through the permission layer."""
    require(user, "pilotage.regional")
    if filtres.region:
        region = region_visible(actor=user, code=filtres.region).code
    elif has_perm(user, "pilotage.national"):
        region = None
    elif user.region_id:
        region = user.region_id
    else:
        raise hors_perimetre("Votre compte n'est rattaché à aucune région.")
    if filtres.campagne and not campagne_existe(filtres.campagne):
        message = f"Campagne inconnue : {filtres.campagne}."
        raise ErreurAPI("donnees_invalides", message, [{"champ": "query.campagne", "code": "invalide",
                                                        "message": message}])
    return {"region": region, "campagne": filtres.campagne or None}


def _servir(perim: dict, extraire, **options) -> dict:
    """The answer from the perimeter's aggregate: `extraire` picks the figures of the route."""
    lecture = lire(**perim)
    if lecture.contenu is None:
        raise ErreurAPI("conflit", "Les chiffres de ce périmètre sont en cours de calcul : réessayez dans un instant.")
    return {"perimetre": perim, "calcule_le": lecture.calcule_le, "a_jour": lecture.a_jour, **options,
            **extraire(lecture.contenu["donnees"])}


@router.get("/indicateurs", response={200: ReponseIndicateurs, **REPONSES_ERREUR}, summary="Indicateurs clés",
            description=f"ESSMS embarqués (cible {libelle_cible(cible_essms())}), dossiers retenus et montants, "
                        f"DUI actifs validés (cible {libelle_cible(cible_dui_actifs())})." + PORTEE)
def indicateurs(request: HttpRequest, filtres: Query[FiltresPilotage]):
    perim = perimetre(request.user, filtres)
    return _servir(perim, lambda d: {"indicateurs": d["indicateurs"]})


@router.get("/couverture", response={200: ReponseCouverture, **REPONSES_ERREUR},
            summary="Couverture territoriale",
            description="Par région ou département : ESSMS éligibles, embarqués et taux de couverture." + PORTEE)
def couverture(request: HttpRequest, filtres: Query[FiltresPilotage],
               par: Literal["region", "departement"] = "region"):
    perim = perimetre(request.user, filtres)
    return _servir(perim, lambda d: {"lignes": d["regions" if par == "region" else "departements"]}, par=par)


@router.get("/enveloppes", response={200: ReponseEnveloppes, **REPONSES_ERREUR},
            summary="Enveloppes et versements",
            description="Par enveloppe régionale (et nationale) : dotation, engagé, disponible et versements "
                        "programmés, ordonnés, payés." + PORTEE)
def enveloppes(request: HttpRequest, filtres: Query[FiltresPilotage]):
    perim = perimetre(request.user, filtres)
    return _servir(perim, lambda d: {"lignes": d["enveloppes"]})


@router.get("/dossiers", response={200: ReponseDossiers, **REPONSES_ERREUR},
            summary="Dossiers par état et par appel",
            description="Nombre de dossiers déposés par état et par appel à projets (hors brouillons)." + PORTEE)
def dossiers(request: HttpRequest, filtres: Query[FiltresPilotage]):
    perim = perimetre(request.user, filtres)
    return _servir(perim, lambda d: {"lignes": d["etats"]})


@router.get("/evolution", response={200: ReponseEvolution, **REPONSES_ERREUR}, summary="Évolution mensuelle",
            description="Par mois : dossiers déposés, retenus et non retenus." + PORTEE)
def evolution(request: HttpRequest, filtres: Query[FiltresPilotage]):
    perim = perimetre(request.user, filtres)
    return _servir(perim, lambda d: {"lignes": d["evolution"]})


@router.get("/secteurs", response={200: ReponseSecteurs, **REPONSES_ERREUR}, summary="Secteurs des ESSMS embarqués",
            description="ESSMS embarqués par secteur du programme et leur part (%)." + PORTEE)
def secteurs(request: HttpRequest, filtres: Query[FiltresPilotage]):
    perim = perimetre(request.user, filtres)
    return _servir(perim, lambda d: {"lignes": d["secteurs"]})


@router.get("/dui-actifs", response={200: ReponseDuiActifs, **REPONSES_ERREUR}, summary="DUI actifs validés",
            description="DUI actifs validés par les ARS, par région ou par secteur (`disponible` faux tant que "
                        "l'indicateur n'est pas collecté)." + PORTEE)
def dui_actifs(request: HttpRequest, filtres: Query[FiltresPilotage], par: Literal["region", "secteur"] = "region"):
    perim = perimetre(request.user, filtres)

    def extraire(donnees: dict) -> dict:
        lignes = donnees["dui_regions" if par == "region" else "dui_secteurs"]
        return {"disponible": lignes is not None, "lignes": lignes or []}

    return _servir(perim, extraire, par=par)
