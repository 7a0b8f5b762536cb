"""Steering figures on SONS (Prestation Ségur) orders and on the DUI solutions of funded projects, in a few
aggregate queries each (set-based, no query per establishment)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from esms.candidatures.etats import Etat
from esms.candidatures.models import Membre
from esms.pilotage.selectors import _taux, etablissements_eligibles, membres_retenus, secteur_effectif
from esms.referencement.models import CommandeSons
from esms.referentiel.models import Region
from esms.rules.categories import SECTEUR_LIBELLES

DEPLOYEES = ("deploye", "paye")
SANS_PROJET_MAX = 500


def _commandes(region: str | None):
    qs = CommandeSons.objects.all()
    return qs.filter(etablissement__region_id=region) if region else qs


def couverture_sons(*, par: str, region: str | None = None) -> list[dict]:
    """Eligible ESSMS, those with a SONS order and those deployed, by region (`par="region"`) or sector."""
    if par == "region":
        cle_et, cle_commande = "region_id", "etablissement__region_id"
    else:
        cle_et, cle_commande = "secteur", "secteur"
    eligibles = etablissements_eligibles(region=region)
    commandes = _commandes(region)
    if par != "region":
        # The annotation reads the model's `secteur` property in SQL (same meaning); django-stubs sees a clash.
        eligibles = eligibles.annotate(secteur=secteur_effectif())  # type: ignore[no-redef]
        commandes = commandes.annotate(secteur=secteur_effectif("etablissement__"))
    denominateurs = {r[cle_et]: r["n"] for r in eligibles.values(cle_et).order_by().annotate(n=Count("pk"))}
    comptes = {r[cle_commande]: r for r in commandes.values(cle_commande).order_by().annotate(
        commandes=Count("etablissement_id", distinct=True),
        deployes=Count("etablissement_id", distinct=True, filter=Q(statut__in=DEPLOYEES)))}
    if par == "region":
        noms = dict(Region.objects.values_list("code", "nom"))
        ordre = sorted(set(denominateurs) | set(comptes), key=lambda c: noms.get(c, c))
        libelle = noms.get
    else:
        ordre = [s for s in SECTEUR_LIBELLES if s in denominateurs or s in comptes]
        libelle = SECTEUR_LIBELLES.get
    lignes = []
    for cle in ordre:
        c = comptes.get(cle, {})
        eligibles_n = denominateurs.get(cle, 0)
        lignes.append({"cle": cle, "libelle": libelle(cle) or cle, "eligibles": eligibles_n,
                       "commandes": c.get("commandes", 0), "deployes": c.get("deployes", 0),
                       "taux_commandes": _taux(c.get("commandes", 0), eligibles_n),
                       "taux_deployes": _taux(c.get("deployes", 0), eligibles_n)})
    return lignes


def parts_solutions(*, region: str | None = None, campagne: str | None = None) -> list[dict]:
    """Distinct funded ESSMS (members of retained dossiers) by the DUI solution of their grappe."""
    lignes = list(membres_retenus(region=region, campagne=campagne)
                  .values("grappe__solution__nom", "grappe__solution__editeur__nom", "grappe__solution_dui")
                  .order_by().annotate(n=Count("etablissement_id", distinct=True)))
    total = sum(ligne["n"] for ligne in lignes)
    resultat = []
    for ligne in lignes:
        if ligne["grappe__solution__nom"]:
            nom = f"{ligne['grappe__solution__nom']} ({ligne['grappe__solution__editeur__nom']})"
        else:
            nom = f"{ligne['grappe__solution_dui'] or 'Non renseignée'} (hors registre)"
        resultat.append({"solution": nom, "etablissements": ligne["n"], "part": _taux(ligne["n"], total)})
    return sorted(resultat, key=lambda r: (-r["etablissements"], r["solution"]))


def sons_sans_projet(*, region: str | None = None) -> list[dict]:
    """ESSMS with a SONS order but in no ESMS numérique project (candidates for the bourse aux grappes):
    member of no grappe whose dossier is still alive (draft, filed, retained…)."""
    vivants = Membre.objects.filter(etablissement_id=OuterRef("etablissement_id")).exclude(
        grappe__dossier__etat__in=[Etat.NON_RETENU, Etat.SANS_SUITE, Etat.RETIRE])
    qs = (_commandes(region).filter(~Exists(vivants))
          .select_related("etablissement__region", "solution__editeur")
          .order_by("etablissement__region__nom", "etablissement_id", "vague"))
    return [{"finess_et": c.etablissement_id, "nom": c.etablissement.raison_sociale,
             "region": c.etablissement.region.nom, "solution": f"{c.solution.nom} {c.solution.version}",
             "statut": c.get_statut_display(), "vague": c.vague}
            for c in qs[:SANS_PROJET_MAX]]
