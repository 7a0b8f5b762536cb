"""Vendor routes: a DUI vendor (or a porteur) pushes an establishment's usage indicators and evidence files.

The establishment must have authorised the vendor (the vendor account's establishments); the dossier is the
one the establishment belongs to, conventionné or in usage follow-up. The usages services check, recompute
(DuckDB) and record everything; a refused file writes nothing.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from esms.api.auth import BearerJeton
from esms.api.erreurs import REPONSES_ERREUR, CorpsErreur, ErreurAPI
from esms.api.portees import USAGES_ECRIRE
from esms.api.schemas.usages import DepotPreuve, Preuve, RapportIndicateurs, SoumissionIndicateurs
from esms.comptes.permissions import require
from esms.referentiel.selectors import dans_le_perimetre
from esms.usages import services

router = Router(tags=["Usages"], auth=BearerJeton(USAGES_ECRIRE))
PORTEE = f"\n\nPortée requise : `{USAGES_ECRIRE}`."
REPONSES = {**REPONSES_ERREUR, 409: CorpsErreur}


def verifier_perimetre(user, finess_et: str) -> None:
    """403 `hors_perimetre` unless the establishment is in the caller's scope (for a vendor: it authorised it)."""
    require(user, "usages.declarer")
    if not dans_le_perimetre(actor=user, finess_et=finess_et):
        raise ErreurAPI("hors_perimetre", f"L'établissement {finess_et} n'est pas dans le périmètre de ce compte "
                        "(un éditeur n'agit que pour les établissements qui l'ont autorisé).")


@router.post("/indicateurs", response={201: RapportIndicateurs, **REPONSES},
             summary="Transmettre les indicateurs d'usage d'un établissement",
             description="Déclare, pour une période, le nombre de DUI actifs et les indicateurs du catalogue de la "
                         "campagne d'un établissement qui a autorisé l'appelant. Le dernier rapport d'une période est "
                         "celui qui compte. 409 `refus_metier` : dossier pas encore conventionné, établissement hors "
                         "de tout dossier, indicateur inconnu…" + PORTEE)
def soumettre_indicateurs(request: HttpRequest, rapport: SoumissionIndicateurs):
    verifier_perimetre(request.user, rapport.finess_et)
    cree = services.soumettre_indicateurs(
        actor=request.user, finess_et=rapport.finess_et, debut=rapport.debut, fin=rapport.fin,
        dui_actifs=rapport.dui_actifs,
        valeurs=rapport.valeurs)
    return Status(201, cree)


@router.post("/preuves", response={201: Preuve, **REPONSES}, summary="Déposer une preuve d'usage",
             description="Dépôt multipart d'un fichier d'activité du DUI (CSV, Parquet ou FHIR NDJSON, identifiants "
                         "pseudonymisés uniquement) : la plateforme recalcule les DUI actifs par établissement, "
                         "range le fichier et le chaîne dans le journal des preuves. Un fichier refusé "
                         "(422 `donnees_invalides`, erreurs situées) n'enregistre rien." + PORTEE)
def deposer_preuve(request: HttpRequest, fichier: File[UploadedFile], depot: Form[DepotPreuve]):
    verifier_perimetre(request.user, depot.finess_et)
    preuve = services.deposer_preuve(actor=request.user, fichier=fichier, nom=fichier.name or "preuve",
                                     debut=depot.debut, fin=depot.fin, finess_et=depot.finess_et)
    return Status(201, preuve)
