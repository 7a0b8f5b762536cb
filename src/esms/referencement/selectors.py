"""Reads of the register and of the SONS orders."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from esms.comptes.permissions import Acteur, est_editeur, filter_scope, get_in_scope
from esms.referencement.models import AppartenanceGht, CommandeSons, Solution
from esms.rules.referencement import SolutionReferencee


def solutions(*, q: str = "", vague: str = "", secteur: str = "", statut: str = "") -> QuerySet[Solution]:
    resultat = Solution.objects.select_related("editeur")
    if q.strip():
        for mot in q.casefold().split():
            resultat = resultat.filter(Q(nom_recherche__contains=mot) | Q(editeur__siren=mot))
    if vague in ("1", "2"):
        resultat = resultat.filter(vague=int(vague))
    if statut:
        resultat = resultat.filter(statut=statut)
    if secteur:
        # JSON list membership, portable across SQLite and PostgreSQL.
        resultat = resultat.filter(secteurs__icontains=f'"{secteur}"')
    return resultat.order_by("nom", "version", "editeur__nom")


def libelle_dui(solution: Solution) -> str:
    """The DUI as the rules compare it: solution and vendor, without the version (a SONS order of
    version 3.2 and a project on version 4.0 keep the same DUI)."""
    return f"{solution.nom} ({solution.editeur.nom})"


def _normal(texte: str) -> str:
    return " ".join(texte.split()).casefold()


def solution_nommee(texte: str) -> Solution | None:
    """The register solution a free text names — its name, « name version », « name (vendor) » (the rules'
    label), « name version (vendor) » or « vendor name », compared without case nor extra blanks — when every
    entry it may name is the same DUI (one name, one vendor: the rules compare DUIs without the version); the
    referenced, most recently referenced entry. None when nothing or several DUIs match."""
    cle = _normal(texte)
    if not cle:
        return None
    premier = cle.split()[0].strip("()")
    trouvees = []
    for solution in Solution.objects.select_related("editeur").filter(nom_recherche__contains=premier):
        nom, version, editeur = _normal(solution.nom), _normal(solution.version), _normal(solution.editeur.nom)
        if cle in {nom, f"{nom} {version}", f"{nom} ({editeur})", f"{nom} {version} ({editeur})", f"{editeur} {nom}"}:
            trouvees.append(solution)
    if len({(_normal(s.nom), s.editeur_id) for s in trouvees}) != 1:
        return None
    return max(trouvees, key=lambda s: (s.statut == Solution.Statut.REFERENCEE, s.date_referencement, s.pk))


def pour_les_regles(solution: Solution) -> SolutionReferencee:
    """The register entry as the pure rules take it."""
    return SolutionReferencee(
        editeur=solution.editeur.nom, nom=solution.nom, version=solution.version, vague=solution.vague,
        couloir=solution.couloir, secteurs=tuple(solution.secteurs), date_referencement=solution.date_referencement,
        date_retrait=solution.date_retrait,
    )


def commandes_visibles(user: Acteur) -> QuerySet[CommandeSons]:
    """SONS orders in the user's scope; a vendor sees only the orders of its own solutions."""
    commandes = filter_scope(user, CommandeSons.objects.select_related(
        "solution__editeur", "etablissement__region", "etablissement__categorie"))
    if est_editeur(user):
        commandes = commandes.filter(solution__editeur__comptes=user)
    return commandes.order_by("etablissement_id", "vague")


def commandes_de(finess_et: str) -> QuerySet[CommandeSons]:
    return CommandeSons.objects.filter(etablissement_id=finess_et).select_related("solution__editeur")


def commande_active(finess_et: str, au: date) -> CommandeSons | None:
    """The establishment's latest SONS order placed on or before `au`."""
    return (commandes_de(finess_et).filter(date_commande__lte=au).order_by("-date_commande", "-vague").first())


def solution(pk: int) -> Solution:
    """One referenced solution with its vendor (the register is public to whoever may consult it)."""
    return get_object_or_404(Solution.objects.select_related("editeur"), pk=pk)


def appartenances_ght(actor: Acteur) -> QuerySet[AppartenanceGht]:
    """The GHT memberships declared for the organismes in the actor's scope."""
    return filter_scope(actor, AppartenanceGht.objects.select_related("organisme"))


def appartenance_ght(actor: Acteur, pk: int) -> AppartenanceGht:
    return get_in_scope(actor, AppartenanceGht.objects.select_related("organisme"), pk=pk)


def solution_ou_rien(pk: int) -> Solution | None:
    return Solution.objects.select_related("editeur").filter(pk=pk).first()
