"""Checks of a match suggested by hand (an ARS agent's), the same conditions as the solver's: the need still
open, the grappe still open and in preparation, the same campagne, places left, the same DUI solution (the
register's label, whatever spelling the need used), and a member within the need's maximum distance."""

from __future__ import annotations

from django.utils import timezone

from esms.bourse.models import Besoin, Ouverture, Proposition
from esms.bourse.solveur.geo import distance_km
from esms.candidatures.etats import Etat
from esms.candidatures.models import Grappe, Membre
from esms.referencement.selectors import libelle_dui, solution_nommee
from esms.rules.decisions.membre import normaliser_solution


def libelle_besoin(besoin: Besoin) -> str | None:
    """The DUI a need names, as the rules label it when the register knows it; None: any solution."""
    solution = besoin.solution or (solution_nommee(besoin.solution_dui) if besoin.solution_dui else None)
    if solution is not None:
        return libelle_dui(solution)
    return besoin.solution_dui or None


def libelle_grappe(grappe: Grappe) -> str:
    return libelle_dui(grappe.solution) if grappe.solution is not None else grappe.solution_dui


def places_restantes(ouverture: Ouverture) -> int:
    acceptees = Proposition.objects.filter(ouverture=ouverture, statut=Proposition.Statut.ACCEPTEE).count()
    return ouverture.places - acceptees


def distance_au_plus_proche(besoin: Besoin, ouverture: Ouverture) -> float | None:
    et = besoin.etablissement
    if et.latitude is None or et.longitude is None:
        return None
    points = (Membre.objects.filter(grappe=ouverture.grappe, adhesion=Membre.Adhesion.ACCEPTEE,
                                    etablissement__latitude__isnull=False)
              .values_list("etablissement__latitude", "etablissement__longitude"))
    distances = [distance_km((et.latitude, et.longitude), (lat, lon)) for lat, lon in points
                 if lat is not None and lon is not None]
    return min(distances) if distances else None


def suggestion(besoin: Besoin, ouverture: Ouverture) -> list[str]:
    """Every French reason why `besoin` may not be proposed to `ouverture` (empty: it may)."""
    grappe = ouverture.grappe
    erreurs = []
    if besoin.statut != Besoin.Statut.OUVERT:
        erreurs.append(f"Besoin de {besoin.etablissement_id} : « {Besoin.Statut(besoin.statut).label.lower()} ».")
    if not ouverture.ouverte or ouverture.cloture < timezone.localdate() or grappe.dossier.etat != Etat.BROUILLON:
        erreurs.append(f"Grappe « {grappe.nom} » : elle n'accueille plus de nouveaux membres.")
    if grappe.campagne_id != besoin.campagne_id:
        erreurs.append(f"Campagne : le besoin vise {besoin.campagne_id}, la grappe {grappe.campagne_id}.")
    if places_restantes(ouverture) < 1:
        erreurs.append(f"Grappe « {grappe.nom} » : plus aucune place.")
    voulue, offerte = libelle_besoin(besoin), libelle_grappe(grappe)
    if voulue is not None and normaliser_solution(voulue) != normaliser_solution(offerte):
        erreurs.append(f"Solution DUI : le besoin demande « {voulue} », la grappe a « {offerte} ».")
    distance = distance_au_plus_proche(besoin, ouverture)
    if distance is None:
        erreurs.append("Distance : coordonnées inconnues de l'établissement ou des membres de la grappe.")
    elif distance > besoin.distance_max_km:
        erreurs.append(f"Distance : le membre le plus proche est à {distance:.0f} km, au-delà des "
                       f"{besoin.distance_max_km} km acceptés.")
    if Membre.objects.filter(grappe=grappe, etablissement_id=besoin.etablissement_id).exists():
        erreurs.append(f"{besoin.etablissement_id} est déjà membre de la grappe « {grappe.nom} ».")
    if Proposition.objects.filter(besoin=besoin, ouverture=ouverture, statut=Proposition.Statut.PROPOSEE).exists():
        erreurs.append("Cette proposition attend déjà la réponse des deux parties.")
    return erreurs
