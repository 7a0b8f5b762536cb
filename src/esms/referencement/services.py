"""Writes of the register: import of the ANS list, edits by national administrators, vendor accounts.

Every write: one permission decision, the whole file checked before the transaction (nothing written on
any error), a history row per created or changed solution, and an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from esms.comptes import audit
from esms.comptes.models import User
from esms.comptes.permissions import est_editeur, require
from esms.referencement.erreurs import ImportRefuse
from esms.referencement.lecture_registre import LigneSolution, lire_registre
from esms.referencement.models import Editeur, HistoriqueSolution, Solution
from esms.referencement.siren import erreur_siren
from esms.rules.categories import SECTEURS


@dataclass(frozen=True)
class BilanImport:
    crees: int
    modifies: int
    inchanges: int


def etat(solution: Solution) -> dict[str, Any]:
    """The versioned state of a register entry."""
    return {
        "editeur": solution.editeur.nom, "siren": solution.editeur.siren, "nom": solution.nom,
        "version": solution.version, "vague": solution.vague, "couloir": solution.couloir,
        "secteurs": list(solution.secteurs), "date_referencement": solution.date_referencement.isoformat(),
        "statut": solution.statut,
        "date_retrait": solution.date_retrait.isoformat() if solution.date_retrait else None,
    }


def _historiser(solution: Solution, *, actor, motif: str) -> None:
    dernier = solution.historique.order_by("-numero").values_list("numero", flat=True).first() or 0
    HistoriqueSolution.objects.create(solution=solution, numero=dernier + 1, donnees=etat(solution), motif=motif,
                                      auteur=actor if getattr(actor, "pk", None) else None)


def _nom_recherche(nom: str, version: str, editeur: str) -> str:
    return " ".join(f"{nom} {version} {editeur}".split()).casefold()[:300]


def importer_registre(*, actor, fichier, nom: str) -> BilanImport:
    """Import the ANS list: create or update each solution (key: SIREN, solution, version, corridor)."""
    require(actor, "referencement.gerer")
    lignes = lire_registre(fichier, nom)  # parsed and checked before any write
    with transaction.atomic():
        editeurs = {e.siren: e for e in Editeur.objects.select_for_update().filter(
            siren__in={ligne.siren for ligne in lignes})}
        existantes = {(s.editeur.siren, s.nom.casefold(), s.version.casefold(), s.couloir): s
                      for s in Solution.objects.select_for_update().select_related("editeur")
                      .filter(editeur__siren__in=editeurs)}
        crees = modifies = inchanges = 0
        for ligne in lignes:
            editeur = editeurs.get(ligne.siren)
            if editeur is None:
                editeur = editeurs[ligne.siren] = Editeur.objects.create(siren=ligne.siren, nom=ligne.editeur)
            elif editeur.nom != ligne.editeur:
                editeur.nom = ligne.editeur
                editeur.save(update_fields=["nom"])
            resultat = _appliquer(editeur, existantes.get(ligne.cle), ligne, actor=actor, motif=f"import du fichier {nom}, ligne {ligne.ligne}")
            crees += resultat == "cree"
            modifies += resultat == "modifie"
            inchanges += resultat == "inchange"
        audit.record(actor=actor, action="referencement.importer", object_type="referencement.Solution",
                     object_repr=nom[:300],
                     after={"fichier": nom, "lignes": len(lignes), "crees": crees, "modifies": modifies})
    return BilanImport(crees, modifies, inchanges)


def _appliquer(editeur: Editeur, existante: Solution | None, ligne: LigneSolution, *, actor, motif: str) -> str:
    valeurs = {"vague": ligne.vague, "secteurs": list(ligne.secteurs), "date_referencement": ligne.date_referencement,
               "statut": ligne.statut, "date_retrait": ligne.date_retrait}
    if existante is None:
        solution = Solution.objects.create(editeur=editeur, nom=ligne.solution, version=ligne.version,
                                           couloir=ligne.couloir,
                                           nom_recherche=_nom_recherche(ligne.solution, ligne.version, editeur.nom),
                                           **valeurs)
        _historiser(solution, actor=actor, motif=motif)
        return "cree"
    avant = etat(existante)
    for champ, valeur in valeurs.items():
        setattr(existante, champ, valeur)
    if etat(existante) == avant:
        return "inchange"
    existante.save()
    _historiser(existante, actor=actor, motif=motif)
    return "modifie"


def modifier_solution(*, actor, solution: Solution, vague: int, secteurs: list[str], date_referencement: date,
                      statut: str, date_retrait: date | None, motif: str) -> Solution:
    """A national administrator's edit of one entry (a new version in its history)."""
    require(actor, "referencement.gerer")
    erreurs = []
    inconnus = [s for s in secteurs if s not in SECTEURS or s == "autre"]
    if inconnus:
        erreurs.append(f"Secteur(s) inconnu(s) : {', '.join(inconnus)}.")
    if not secteurs:
        erreurs.append("Au moins un secteur est requis.")
    if statut == Solution.Statut.RETIREE and date_retrait is None:
        erreurs.append("Une solution retirée doit avoir une date de retrait.")
    if date_retrait is not None and date_retrait < date_referencement:
        erreurs.append("La date de retrait précède la date de référencement.")
    if not motif.strip():
        erreurs.append("Le motif de la modification est obligatoire.")
    if erreurs:
        raise ImportRefuse(erreurs)
    with transaction.atomic():
        solution = Solution.objects.select_for_update().get(pk=solution.pk)
        avant = etat(solution)
        solution.vague, solution.secteurs, solution.date_referencement = vague, list(secteurs), date_referencement
        solution.statut, solution.date_retrait = statut, date_retrait
        solution.save()
        _historiser(solution, actor=actor, motif=motif.strip()[:300])
        audit.record(actor=actor, action="referencement.modifier", obj=solution, before=avant, after=etat(solution),
                     comment=motif.strip())
    return solution


def lier_compte(*, actor, editeur: Editeur, compte: User | str) -> None:
    """Link a vendor API account (role « éditeur de DUI ») to a vendor: it then acts for its solutions."""
    require(actor, "referencement.gerer")
    if not isinstance(compte, User):
        compte = User.objects.filter(username=compte).first()  # type: ignore[assignment]
    if compte is None or not est_editeur(compte):
        raise ImportRefuse("Seul un compte au rôle « éditeur de DUI » peut être lié à un éditeur.")
    with transaction.atomic():
        editeur.comptes.add(compte)
        audit.record(actor=actor, action="referencement.lier_compte", obj=editeur,
                     after={"compte": compte.get_username()})


def creer_editeur(*, actor, siren: str, nom: str) -> Editeur:
    require(actor, "referencement.gerer")
    probleme = erreur_siren(siren)
    if probleme:
        raise ImportRefuse(probleme + ".")
    with transaction.atomic():
        editeur, _ = Editeur.objects.get_or_create(siren=siren.replace(" ", ""), defaults={"nom": nom.strip()})
        audit.record(actor=actor, action="referencement.creer_editeur", obj=editeur)
    return editeur
