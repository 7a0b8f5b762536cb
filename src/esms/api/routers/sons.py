"""SONS routes: a DUI vendor pushes a « Prestation Ségur » purchase order or its deployment status, and reads
the orders of its solutions. A vendor acts only for its own solutions (its account is linked to the vendor in
the register) and for establishments that authorised it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from esms.api.auth import BearerJeton
from esms.api.erreurs import REPONSES_ERREUR, CorpsErreur, ErreurAPI
from esms.api.pagination import Pagination, paginer
from esms.api.portees import SONS_ECRIRE, SONS_LIRE
from esms.api.schemas.sons import CommandeSons, DeclarationCommande, PageCommandes
from esms.comptes.permissions import require
from esms.referencement import selectors, services
from esms.referencement.erreurs import CommandeHorsPerimetre, ImportRefuse

router = Router(tags=["SONS"])
REPONSES = {**REPONSES_ERREUR, 409: CorpsErreur}


@router.get("/commandes", response={200: PageCommandes, **REPONSES_ERREUR}, auth=BearerJeton(SONS_LIRE),
            summary="Lister les commandes SONS",
            description="Commandes SONS du périmètre du compte ; un éditeur ne voit que celles de ses solutions dans "
                        f"les établissements qui l'ont autorisé (ses déploiements).\n\nPortée requise : `{SONS_LIRE}`.")
def lister(request: HttpRequest, pagination: Query[Pagination]):
    require(request.user, "sons.consulter")
    return paginer(selectors.commandes_visibles(request.user), pagination)


@router.post("/commandes", response={200: CommandeSons, 201: CommandeSons, **REPONSES},
             auth=BearerJeton(SONS_ECRIRE), summary="Transmettre une commande SONS ou son déploiement",
             description="Crée ou met à jour la commande SONS d'un établissement pour une vague (201 à la création, "
                         "200 à la mise à jour). 403 `hors_perimetre` : solution d'un autre éditeur ou établissement "
                         "qui n'a pas autorisé l'éditeur ; 409 `refus_metier` : statut qui reviendrait en arrière, "
                         f"déploiement sans date.\n\nPortée requise : `{SONS_ECRIRE}`.")
def declarer(request: HttpRequest, commande: DeclarationCommande):
    require(request.user, "sons.declarer")
    solution = selectors.solution_ou_rien(commande.solution_id)
    if solution is None:
        raise ErreurAPI("introuvable", f"Aucune solution n° {commande.solution_id} dans le registre.")
    try:
        objet, cree = services.declarer_commande(
            actor=request.user, finess_et=commande.finess_et, solution=solution, vague=commande.vague,
            date_commande=commande.date_commande, date_deploiement=commande.date_deploiement,
            statut=commande.statut)
    except CommandeHorsPerimetre as exc:
        raise ErreurAPI("hors_perimetre", " ".join(exc.messages)) from exc
    except ImportRefuse as exc:
        raise ErreurAPI("refus_metier", " ".join(exc.messages)) from exc
    objet = selectors.commandes_de(objet.etablissement_id).select_related("etablissement").get(pk=objet.pk)
    return Status(201 if cree else 200, objet)
