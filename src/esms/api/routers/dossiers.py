"""Dossier routes: the caller's dossiers with filters (scoped by the permission layer) and one dossier."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router

from esms.api.auth import BearerJeton
from esms.api.erreurs import REPONSES_ERREUR
from esms.api.pagination import Pagination, paginer
from esms.api.portees import DOSSIERS_LIRE
from esms.api.schemas.dossiers import (
    DossierAPI,
    DossierDetail,
    FiltresDossiers,
    MembreAPI,
    PageDossiers,
    verdict_api,
)
from esms.candidatures import selectors
from esms.candidatures.regles import eligibilites_sons
from esms.financement import selectors as financement

router = Router(tags=["Dossiers"], auth=BearerJeton(DOSSIERS_LIRE))
PORTEE = f"\n\nPortée requise : `{DOSSIERS_LIRE}`."


@router.get("", response={200: PageDossiers, **REPONSES_ERREUR}, summary="Lister les dossiers",
            description="Dossiers de candidature du périmètre de l'appelant (région de l'agent ARS, organismes du "
                        "porteur, établissements du gestionnaire), filtrés et paginés. Les agents ne voient pas "
                        "les brouillons." + PORTEE)
def lister(request: HttpRequest, filtres: Query[FiltresDossiers], pagination: Query[Pagination]):
    valeurs = {cle: ("1" if valeur is True else str(valeur)) for cle, valeur in filtres.dict().items()
               if valeur not in (None, "", False)}
    return paginer(selectors.file_instruction(actor=request.user, filtres=valeurs), pagination)


@router.get("/{dossier_id}", response={200: DossierDetail, **REPONSES_ERREUR}, summary="Un dossier",
            description="Un dossier du périmètre de l'appelant (404 sinon) : grappe, membres, verdict des règles "
                        "(figé au dépôt, sinon évalué maintenant), historique, convention et versements. Les "
                        "annotations privées et les avis des instructeurs ne sont jamais exposés." + PORTEE)
def detail(request: HttpRequest, dossier_id: int = Path(..., ge=1, le=2**62)):
    dossier = selectors.dossier(actor=request.user, pk=dossier_id)
    if dossier.verdict is not None:
        verdict, indisponible = verdict_api(dossier.verdict, fige=True), ""
    else:
        brut, indisponible = selectors.verdict_courant(dossier)
        verdict = verdict_api(brut, fige=False)
    convention, versements = financement.convention_et_versements(dossier)
    membres = selectors.membres(dossier)
    sons = eligibilites_sons(membres)  # one query for every member's SONS order
    return DossierAPI(dossier=dossier, regions=selectors.codes_regions(dossier),
                      membres=[MembreAPI(membre=m, sons_eligible=sons[m.etablissement_id][0]) for m in membres],
                      verdict=verdict, verdict_indisponible=indisponible, historique=selectors.historique(dossier),
                      convention=convention, versements=versements)
