"""Writes of the register: import of the ANS list, edits by national administrators, vendor accounts.

Every write: one permission decision, the whole file checked before the transaction (nothing written on
any error), a history row per created or changed solution, and an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max

from esms.comptes import audit
from esms.comptes.models import User
from esms.comptes.permissions import Acteur, compte_de, est_editeur, filter_scope, require, utilisateur_de
from esms.referencement.erreurs import CommandeHorsPerimetre, ImportRefuse
from esms.referencement.lecture_commandes import ORDRE_STATUTS, erreurs_coherence, lire_commandes
from esms.referencement.lecture_registre import lire_registre
from esms.referencement.models import CommandeSons, Editeur, HistoriqueSolution, Solution
from esms.referencement.siren import erreur_siren
from esms.referentiel.models import Etablissement
from esms.rules.categories import SECTEURS
from esms.televersements import Source


@dataclass(frozen=True)
class BilanImport:
    crees: int
    modifies: int
    inchanges: int


CHAMPS_VERSIONNES = ["vague", "secteurs", "date_referencement", "statut", "date_retrait"]


def etat(solution: Solution) -> dict[str, Any]:
    """The versioned state of a register entry."""
    return {
        "editeur": solution.editeur.nom, "siren": solution.editeur.siren, "nom": solution.nom,
        "version": solution.version, "vague": solution.vague, "couloir": solution.couloir,
        "secteurs": list(solution.secteurs), "date_referencement": solution.date_referencement.isoformat(),
        "statut": solution.statut,
        "date_retrait": solution.date_retrait.isoformat() if solution.date_retrait else None,
    }


def _historiser(solution: Solution, *, actor: Acteur, motif: str) -> None:
    dernier = solution.historique.order_by("-numero").values_list("numero", flat=True).first() or 0
    HistoriqueSolution.objects.create(solution=solution, numero=dernier + 1, donnees=etat(solution), motif=motif,
                                      auteur=utilisateur_de(actor) if getattr(actor, "pk", None) else None)


def _nom_recherche(nom: str, version: str, editeur: str) -> str:
    return " ".join(f"{nom} {version} {editeur}".split()).casefold()[:300]


def importer_registre(*, actor: Acteur, fichier: Source, nom: str) -> BilanImport:
    """Import the ANS list: create or update each solution (key: SIREN, solution, version, corridor)."""
    require(actor, "referencement.gerer")
    lignes = lire_registre(fichier, nom)  # parsed and checked before any write
    with transaction.atomic():
        editeurs = {e.siren: e for e in Editeur.objects.select_for_update().filter(
            siren__in={ligne.siren for ligne in lignes})}
        existantes = {(s.editeur.siren, s.nom.casefold(), s.version.casefold(), s.couloir): s
                      for s in Solution.objects.select_for_update().select_related("editeur")
                      .filter(editeur__siren__in=editeurs)}
        a_creer: list[tuple[Solution, str]] = []
        a_modifier: list[tuple[Solution, str]] = []
        for ligne in lignes:
            editeur = editeurs.get(ligne.siren)
            if editeur is None:
                editeur = editeurs[ligne.siren] = Editeur.objects.create(siren=ligne.siren, nom=ligne.editeur)
            elif editeur.nom != ligne.editeur:
                editeur.nom = ligne.editeur
                editeur.save(update_fields=["nom"])
            motif = f"import du fichier {nom}, ligne {ligne.ligne}"
            valeurs = {"vague": ligne.vague, "secteurs": list(ligne.secteurs), "statut": ligne.statut,
                       "date_referencement": ligne.date_referencement, "date_retrait": ligne.date_retrait,
                       "nom_recherche": _nom_recherche(ligne.solution, ligne.version, editeur.nom)}
            existante = existantes.get(ligne.cle)
            if existante is None:
                a_creer.append((Solution(editeur=editeur, nom=ligne.solution, version=ligne.version,
                                         couloir=ligne.couloir, **valeurs), motif))
                continue
            avant = etat(existante)
            for champ, valeur in valeurs.items():
                setattr(existante, champ, valeur)
            if etat(existante) != avant:
                a_modifier.append((existante, motif))
        Solution.objects.bulk_create([solution for solution, _ in a_creer], batch_size=500)
        Solution.objects.bulk_update([solution for solution, _ in a_modifier], [*CHAMPS_VERSIONNES, "nom_recherche"],
                                     batch_size=500)
        derniers = dict(HistoriqueSolution.objects.filter(solution__in=[s for s, _ in a_modifier])
                        .values("solution").order_by().annotate(n=Max("numero")).values_list("solution", "n"))
        HistoriqueSolution.objects.bulk_create([
            HistoriqueSolution(solution=solution, numero=derniers.get(solution.pk, 0) + 1, donnees=etat(solution),
                               motif=motif, auteur=utilisateur_de(actor) if getattr(actor, "pk", None) else None)
            for solution, motif in [*a_creer, *a_modifier]], batch_size=500)
        audit.record(actor=actor, action="referencement.importer", object_type="referencement.Solution",
                     object_repr=nom[:300],
                     after={"fichier": nom, "lignes": len(lignes), "crees": len(a_creer),
                            "modifies": len(a_modifier)})
    return BilanImport(len(a_creer), len(a_modifier), len(lignes) - len(a_creer) - len(a_modifier))


def modifier_solution(*, actor: Acteur, solution: Solution, vague: int, secteurs: list[str], date_referencement: date,
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


def lier_compte(*, actor: Acteur, editeur: Editeur, compte: User | str) -> None:
    """Link a vendor API account (role « éditeur de DUI ») to a vendor: it then acts for its solutions."""
    require(actor, "referencement.gerer")
    lie = compte if isinstance(compte, User) else User.objects.filter(username=compte).first()
    if lie is None or not est_editeur(lie):
        raise ImportRefuse("Seul un compte au rôle « éditeur de DUI » peut être lié à un éditeur.")
    with transaction.atomic():
        editeur.comptes.add(lie)
        audit.record(actor=actor, action="referencement.lier_compte", obj=editeur,
                     after={"compte": lie.get_username()})


def creer_editeur(*, actor: Acteur, siren: str, nom: str) -> Editeur:
    require(actor, "referencement.gerer")
    probleme = erreur_siren(siren)
    if probleme:
        raise ImportRefuse(probleme + ".")
    with transaction.atomic():
        editeur, _ = Editeur.objects.get_or_create(siren=siren.replace(" ", ""), defaults={"nom": nom.strip()})
        audit.record(actor=actor, action="referencement.creer_editeur", obj=editeur)
    return editeur


# --- SONS purchase orders -------------------------------------------------------------------------------------

def _etat_commande(commande: CommandeSons) -> dict[str, Any]:
    return {"finess_et": commande.etablissement_id, "solution": commande.solution_id, "vague": commande.vague,
            "date_commande": commande.date_commande.isoformat(),
            "date_deploiement": commande.date_deploiement.isoformat() if commande.date_deploiement else None,
            "statut": commande.statut}


def importer_commandes(*, actor: Acteur, fichier: Source, nom: str) -> BilanImport:
    """Import SONS orders (key: establishment and wave); the whole file is checked before any write."""
    require(actor, "sons.importer")
    cles = {(s.editeur.siren, s.nom.casefold(), s.version.casefold()): s.pk
            for s in Solution.objects.select_related("editeur").order_by("couloir")}
    lignes = lire_commandes(
        fichier, nom, solutions=cles,
        connus=lambda cites: set(Etablissement.objects.filter(pk__in=cites).values_list("pk", flat=True)))
    with transaction.atomic():
        existantes = {(c.etablissement_id, c.vague): c for c in CommandeSons.objects.select_for_update().filter(
            etablissement_id__in={ligne.finess_et for ligne in lignes})}
        crees, a_modifier = [], []
        for ligne in lignes:
            valeurs = {"solution_id": ligne.solution_id, "date_commande": ligne.date_commande,
                       "date_deploiement": ligne.date_deploiement, "statut": ligne.statut}
            commande = existantes.get((ligne.finess_et, ligne.vague))
            if commande is None:
                crees.append(CommandeSons(etablissement_id=ligne.finess_et, vague=ligne.vague,
                                          canal=CommandeSons.Canal.FICHIER, modifiee_par=utilisateur_de(actor), **valeurs))
            elif any(getattr(commande, k) != v for k, v in valeurs.items()):
                for champ, valeur in valeurs.items():
                    setattr(commande, champ, valeur)
                commande.canal, commande.modifiee_par = CommandeSons.Canal.FICHIER, utilisateur_de(actor)
                a_modifier.append(commande)
        CommandeSons.objects.bulk_create(crees, batch_size=1000)
        CommandeSons.objects.bulk_update(a_modifier, ["solution", "date_commande", "date_deploiement", "statut",
                                                      "canal", "modifiee_par"], batch_size=1000)
        audit.record(actor=actor, action="sons.importer", object_type="referencement.CommandeSons",
                     object_repr=nom[:300],
                     after={"fichier": nom, "lignes": len(lignes), "crees": len(crees), "modifies": len(a_modifier)})
    return BilanImport(len(crees), len(a_modifier), len(lignes) - len(crees) - len(a_modifier))


def declarer_commande(*, actor: Acteur, finess_et: str, solution: Solution, vague: int, date_commande: date,
                      date_deploiement: date | None, statut: str) -> tuple[CommandeSons, bool]:
    """A vendor pushes an order or its deployment: only for its own solutions and for establishments that
    authorised it; the status never goes back (commandé → déployé → payé au vendeur). Returns (order, created)."""
    require(actor, "sons.declarer")
    if not solution.editeur.comptes.filter(pk=compte_de(actor).pk).exists():
        raise CommandeHorsPerimetre(f"La solution « {solution} » n'est pas une solution de votre éditeur.")
    if not filter_scope(actor, Etablissement.objects.filter(pk=finess_et)).exists():
        raise CommandeHorsPerimetre(f"L'établissement {finess_et} n'a pas autorisé ce compte éditeur.")
    erreurs = [message for _, message in erreurs_coherence(statut, date_commande, date_deploiement)]
    if erreurs:
        raise ImportRefuse([e[0].upper() + e[1:] + "." for e in erreurs])
    with transaction.atomic():
        commande = (CommandeSons.objects.select_for_update()
                    .filter(etablissement_id=finess_et, vague=vague).first())
        avant = _etat_commande(commande) if commande else None
        if commande is not None:
            if commande.solution_id != solution.pk and not commande.solution.editeur.comptes.filter(pk=compte_de(actor).pk).exists():
                raise CommandeHorsPerimetre(f"La commande SONS de la vague {vague} de {finess_et} porte sur la "
                                            "solution d'un autre éditeur.")
            if ORDRE_STATUTS[statut] < ORDRE_STATUTS[commande.statut]:
                raise ImportRefuse(f"La commande est déjà « {commande.get_statut_display()} » : son statut ne "
                                   "peut pas revenir en arrière.")
        else:
            commande = CommandeSons(etablissement_id=finess_et, vague=vague)
        commande.solution, commande.date_commande, commande.date_deploiement = solution, date_commande, date_deploiement
        commande.statut, commande.canal, commande.modifiee_par = statut, CommandeSons.Canal.API, utilisateur_de(actor)
        commande.save()
        audit.record(actor=actor, action="sons.declarer", obj=commande, before=avant, after=_etat_commande(commande))
    return commande, avant is None
