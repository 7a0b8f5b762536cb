"""Reads of the bourse: the market of a region, and the solver's input built from it (set-based)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from esms.bourse.controles import libelle_besoin
from esms.bourse.models import Besoin, Ouverture, ProjetGrappe, Proposition
from esms.candidatures import regles
from esms.candidatures.models import Dossier, Membre
from esms.comptes.permissions import Acteur, get_in_scope, has_perm
from esms.referencement.models import CommandeSons
from esms.referencement.selectors import libelle_dui


def commandes_sons_connues(finess_et: list[str], le: date) -> dict[str, str]:
    """The DUI (the rules' label) of each establishment's latest SONS order placed by `le` (one query)."""
    solutions: dict[str, str] = {}
    for commande in (CommandeSons.objects.filter(etablissement_id__in=finess_et, date_commande__lte=le)
                     .select_related("solution__editeur").order_by("date_commande", "vague")):
        solutions[commande.etablissement_id] = libelle_dui(commande.solution)
    return solutions


def besoins_ouverts(*, campagne: str, region: str | None = None) -> QuerySet[Besoin]:
    qs = (Besoin.objects.filter(statut=Besoin.Statut.OUVERT, campagne__code=campagne)
          .select_related("solution__editeur", "etablissement__departement", "etablissement__categorie", "etablissement__organisme"))
    return qs.filter(etablissement__region_id=region) if region else qs


def ouvertures(*, campagne: str, region: str | None = None) -> QuerySet[Ouverture]:
    qs = (Ouverture.objects.filter(ouverte=True, grappe__campagne__code=campagne, cloture__gte=timezone.localdate(),
                                   grappe__dossier__etat__in=["brouillon"])
          .select_related("grappe__porteur", "grappe__dossier")
          .annotate(nb_membres=Count("grappe__membres", filter=Q(grappe__membres__adhesion="acceptee"), distinct=True),
                    # Places left: those opened minus the proposals both sides accepted.
                    places_restantes=F("places") - Count(
                        "propositions", filter=Q(propositions__statut=Proposition.Statut.ACCEPTEE), distinct=True)))
    if region:
        qs = qs.filter(grappe__membres__etablissement__region_id=region).distinct()
    return qs


def propositions_pour(actor: Acteur) -> QuerySet[Proposition]:
    from esms.comptes.permissions import filter_scope

    return filter_scope(actor, Proposition.objects.filter(statut=Proposition.Statut.PROPOSEE)).select_related(
        "besoin__etablissement", "ouverture__grappe__porteur", "ouverture__grappe__dossier")


def projets_pour(actor: Acteur) -> QuerySet[ProjetGrappe]:
    """New grappes proposed by the solver that wait for this porteur's answer."""
    from esms.comptes.permissions import compte_de, decide, filter_scope

    if not decide(actor, "bourse.porter"):
        return ProjetGrappe.objects.none()
    return (filter_scope(actor, ProjetGrappe.objects.filter(statut=ProjetGrappe.Statut.PROPOSE))
            .filter(porteur__in=compte_de(actor).organismes.all())
            .select_related("porteur", "campagne").prefetch_related("besoins__etablissement"))


def besoins_de(actor: Acteur) -> QuerySet[Besoin]:
    """The open needs this user may withdraw (its establishments' or its organisme's)."""
    from esms.comptes.permissions import decide, filter_scope

    if not decide(actor, "bourse.declarer"):
        return Besoin.objects.none()
    return filter_scope(actor, Besoin.objects.filter(statut=Besoin.Statut.OUVERT)).select_related(
        "etablissement", "campagne")


def par_departement(besoins: QuerySet[Besoin], offres: QuerySet[Ouverture]) -> dict[str, dict[str, int]]:
    """Counts of needs and open grappes per département, for the map."""
    comptes: dict[str, dict[str, int]] = {}
    for dep, n in Counter(besoins.values_list("etablissement__departement_id", flat=True)).items():
        comptes.setdefault(dep, {"besoins": 0, "offres": 0})["besoins"] = n
    for ouverture in offres:
        departement = ouverture.grappe.porteur.departement_id
        if departement:
            comptes.setdefault(departement, {"besoins": 0, "offres": 0})["offres"] += 1
    return comptes


def instance(*, campagne: str, region: str | None = None) -> tuple[dict[str, Any], dict[str, Besoin], dict[str, Ouverture]]:
    """The solver's JSON input (docs/bourse.md) for the open needs and grappes of a region (or the country)."""
    maintenant = timezone.now()
    # Needs waiting for an answer to a proposal (a join or a new grappe) are not proposed again elsewhere.
    attente = set(Besoin.objects.filter(Q(propositions__statut=Proposition.Statut.PROPOSEE)
                                        | Q(projets__statut=ProjetGrappe.Statut.PROPOSE)).values_list("pk", flat=True))
    besoins = {b.etablissement_id: b for b in besoins_ouverts(campagne=campagne, region=region)
               if b.etablissement.latitude is not None and b.pk not in attente}
    promises = dict(Proposition.objects.filter(statut=Proposition.Statut.PROPOSEE).order_by().values("ouverture_id")
                    .annotate(n=Count("pk")).values_list("ouverture_id", "n"))
    offres: dict[str, Ouverture] = {}
    donnees_offres = []
    for ouverture in ouvertures(campagne=campagne, region=region):
        entree = regles.entree(ouverture.grappe, submitted_at=maintenant)
        if not entree["members"]:
            continue
        coords = dict(Membre.objects.filter(grappe=ouverture.grappe, adhesion=Membre.Adhesion.ACCEPTEE)
                      .values_list("etablissement_id", "etablissement__latitude"))
        longs = dict(Membre.objects.filter(grappe=ouverture.grappe, adhesion=Membre.Adhesion.ACCEPTEE)
                     .values_list("etablissement_id", "etablissement__longitude"))
        membres = [{**m, "latitude": coords[m["finess_et"]], "longitude": longs[m["finess_et"]]}
                   for m in entree["members"] if coords.get(m["finess_et"]) is not None]
        if not membres or not ouverture.grappe.solution_dui:
            continue
        deja = Membre.objects.filter(grappe=ouverture.grappe).count()
        offres[str(ouverture.pk)] = ouverture
        donnees_offres.append({
            "id": str(ouverture.pk),
            "porteur": entree["porteur"],
            # The members' DUI as the rules label it (a register solution: its name and vendor).
            "solution_dui": entree["members"][0]["solution_dui"],
            # Places left: minus the members still to consent and the proposals waiting for an answer.
            "places": max(0, ouverture.places - (deja - len(entree["members"])) - promises.get(ouverture.pk, 0)),
            "membres": membres,
        })
    commandes = commandes_sons_connues(list(besoins), timezone.localdate(maintenant))
    donnees = {
        "campaign": campagne,
        "submitted_at": timezone.localtime(maintenant).isoformat(),
        "demandes": [
            {
                "finess_et": b.etablissement_id,
                "finess_ej": b.etablissement.organisme_id,
                "categorie": b.etablissement.categorie_id,
                "region": b.etablissement.region_id,
                "departement": b.etablissement.departement_id,
                "latitude": b.etablissement.latitude,
                "longitude": b.etablissement.longitude,
                # The register's label when the need names a register solution (free text otherwise); a need
                # open to any solution keeps the one of its known SONS order (another DUI would be excluded).
                "solution_dui": libelle_besoin(b) or commandes.get(b.etablissement_id),
                "distance_max_km": b.distance_max_km,
                "cas": b.cas,
            }
            for b in besoins.values()
        ],
        "offres": donnees_offres,
    }
    return donnees, besoins, offres


def brouillons_ouvrables(actor: Acteur) -> QuerySet[Dossier]:
    """The draft dossiers this user may open to new members (none without the right to open)."""
    from esms.comptes.permissions import filter_scope

    if not has_perm(actor, "bourse.ouvrir"):
        return Dossier.objects.none()
    return filter_scope(actor, Dossier.objects.filter(etat="brouillon")).select_related("grappe")


def dossier(actor: Acteur, pk: int) -> Dossier:
    return get_in_scope(actor, Dossier.objects.select_related("grappe"), pk=pk)


def proposition(actor: Acteur, pk: int) -> Proposition:
    return get_in_scope(actor, Proposition.objects.all(), pk=pk)


def besoin(actor: Acteur, pk: int) -> Besoin:
    return get_in_scope(actor, Besoin.objects.select_related("etablissement"), pk=pk)


def ouverture(pk: int) -> Ouverture:
    """An opening by its number: openings are public within the bourse (a porteur's offer to every region)."""
    return get_object_or_404(Ouverture.objects.select_related("grappe"), pk=pk)


def projet(actor: Acteur, pk: int) -> ProjetGrappe:
    return get_in_scope(actor, ProjetGrappe.objects.all(), pk=pk)
