"""What an import would do (plan), its preview, and applying it with a field-level history — all set-based.

A plan compares the file's rows with the table's fingerprints (one scan for a snapshot, by batches of keys
for a daily flow): new rows, changed rows (other `empreinte`, or open/closed state differs) and — for a
snapshot only — open rows absent from the file, which it closes. Nothing is written until `appliquer`: then one query reads the previous values of the changed and
closed rows (batches of `IN`), `ChangementFiness` rows (field, before, after) are bulk-inserted, and the rows
are inserted/updated by `ecriture` (executemany / COPY). Rows an import created carry it in `dernier_import`
and have no history row: that is how `annuler` (in `annulation.py`) tells created rows from changed ones.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q

from esms.referentiel.importer import ecriture
from esms.referentiel.models import (
    Categorie,
    ChangementFiness,
    Etablissement,
    ImportFiness,
    OrganismeGestionnaire,
    Region,
)

PREMIERES_LIGNES = 20
COLONNES_CHANGEMENT = ("import_finess_id", "objet", "cle", "champ", "avant", "apres")
# Bookkeeping columns: kept in the history (a rollback must restore them) but not shown on the pages.
TECHNIQUES = frozenset({"empreinte", "nom_recherche", "dernier_import_id"})


def norme(valeur: Any) -> Any:
    """One representation per value whatever the back-end returns (SQLite text dates, 0/1 booleans…)."""
    if valeur is None or isinstance(valeur, str | int | float) and not isinstance(valeur, bool):
        return valeur
    if isinstance(valeur, bool):
        return int(valeur)
    if isinstance(valeur, date | datetime):
        return valeur.isoformat()
    return str(valeur)


@dataclass
class Plan:
    """The rows one import writes into one table (`colonnes` without `dernier_import_id`)."""

    modele: type
    objet: str  # "et" or "ej"
    colonnes: tuple[str, ...]
    nouveaux: list[tuple] = field(default_factory=list)
    modifies: list[tuple] = field(default_factory=list)
    a_fermer: list[str] = field(default_factory=list)
    ferme_le: date | None = None
    fermetures_explicites: int = 0  # changed rows that go from open to closed (FINESS+ etatObjet I)
    # Current (empreinte, ouvert) of the rows the file names — of every row for a snapshot, which closes absents.
    existants: dict[str, tuple] = field(default_factory=dict)
    ouverts: int = 0  # open rows in the table before the import
    taille: int = 0  # rows in the table before the import
    ebauches: list[str] = field(default_factory=list)  # EJ stubs to create (numbers known only from ET rows)
    _fermes: dict[str, tuple] | None = None

    @property
    def nb_fermetures(self) -> int:
        return len(self.a_fermer) + self.fermetures_explicites

    @property
    def vide(self) -> bool:
        return not (self.nouveaux or self.modifies or self.a_fermer or self.ebauches)

    def fermes(self) -> dict[str, tuple]:
        """Key → (raison_sociale, region_id, categorie_id, ferme_le, dernier_import_id) of the rows to close."""
        if self._fermes is None:
            self._fermes = ecriture.valeurs_de(self.modele, _AVANT_FERMETURE, self.a_fermer)
        return self._fermes


_AVANT_FERMETURE = ("raison_sociale", "region_id", "categorie_id", "ferme_le", "dernier_import_id")
# Up to this many keys a plan reads the current rows by primary key (a daily flow costs what it carries);
# beyond, one scan of the table is cheaper.
SEUIL_LECTURE_PAR_CLES = 20_000
# From this many new rows, at least as many as the table holds, the table's secondary indexes and foreign keys
# are dropped for the insert and rebuilt after it (`ecriture.index_suspendus`): the first national import.
SEUIL_MASSIF = 20_000


def _existants(modele, champs: tuple[str, ...], cles: list[str] | None) -> dict[str, tuple]:
    if cles is None or len(cles) > SEUIL_LECTURE_PAR_CLES:
        tous = ecriture.empreintes(modele, *champs)
        return tous if cles is None else {cle: tous[cle] for cle in cles if cle in tous}
    return ecriture.valeurs_de(modele, champs, cles)


def planifier_et(lignes: list[tuple], colonnes: Sequence[str], *, fermer_absents: bool, rejetes: set[str],
                 ferme_le: date | None) -> Plan:
    """Plan for the establishments; `colonnes` ends with the row's `empreinte`, `ouvert`, `ferme_le`…

    A snapshot (`fermer_absents`) reads every row's fingerprint, to close the open ones it does not list; a
    daily flow reads only the rows it names."""
    existants = _existants(Etablissement, ("empreinte", "ouvert"),
                           None if fermer_absents else [ligne[0] for ligne in lignes])
    rang_empreinte, rang_ouvert = colonnes.index("empreinte"), colonnes.index("ouvert")
    plan = Plan(Etablissement, "et", tuple(colonnes), ferme_le=ferme_le, existants=existants)
    for ligne in lignes:
        avant = existants.get(ligne[0])
        if avant is None:
            plan.nouveaux.append(ligne)
        elif avant[0] != ligne[rang_empreinte] or bool(avant[1]) != ligne[rang_ouvert]:
            plan.modifies.append(ligne)
            if avant[1] and not ligne[rang_ouvert]:
                plan.fermetures_explicites += 1
    if fermer_absents:
        plan.taille, plan.ouverts = len(existants), sum(1 for avant in existants.values() if avant[1])
        vus = {ligne[0] for ligne in lignes}
        plan.a_fermer = sorted(cle for cle, avant in existants.items()
                               if avant[1] and cle not in vus and cle not in rejetes)
    else:
        comptes = Etablissement.objects.aggregate(taille=Count("pk"), ouverts=Count("pk", filter=Q(ouvert=True)))
        plan.taille, plan.ouverts = comptes["taille"], comptes["ouverts"]
    return plan


def planifier_ej(lignes: list[tuple], colonnes: Sequence[str], ebauches: Sequence[str] = ()) -> Plan:
    """Plan for the organismes (never closed by absence); `ebauches`: EJ numbers known only from ET rows."""
    cles = [ligne[0] for ligne in lignes]
    existants = _existants(OrganismeGestionnaire, ("empreinte",), [*cles, *ebauches])
    rang = colonnes.index("empreinte")
    plan = Plan(OrganismeGestionnaire, "ej", tuple(colonnes), existants=existants)
    for ligne in lignes:
        avant = existants.get(ligne[0])
        if avant is None:
            plan.nouveaux.append(ligne)
        elif avant[0] != ligne[rang]:
            plan.modifies.append(ligne)
    dans_le_fichier = set(cles)
    plan.ebauches = sorted(cle for cle in ebauches if cle not in existants and cle not in dans_le_fichier)
    plan.taille = OrganismeGestionnaire.objects.count()
    return plan


# ---------------------------------------------------------------------------------------------------------------
# Preview


def _resume(lignes: list[tuple[str, str, str, str]], regions: dict[str, str], categories: dict[str, str]) -> dict:
    return {
        "total": len(lignes),
        "par_region": [[regions.get(r, r), n] for r, n in Counter(r for _, _, r, _ in lignes).most_common()],
        "par_categorie": [[f"{c} – {categories.get(c, '?')}", n]
                          for c, n in Counter(c for _, _, _, c in lignes).most_common(15)],
        "premieres": [list(ligne) for ligne in lignes[:PREMIERES_LIGNES]],
    }


def apercu(plan_et: Plan, plan_ej: Plan | None) -> dict:
    """Created, updated, closed establishments by region and category, with their first rows."""
    regions = dict(Region.objects.values_list("code", "nom"))
    categories = dict(Categorie.objects.values_list("code", "libelle"))
    c = plan_et.colonnes
    i_nom, i_region, i_categorie = c.index("raison_sociale"), c.index("region_id"), c.index("categorie_id")
    i_ouvert = c.index("ouvert")

    def extraits(lignes):
        return [(ligne[0], ligne[i_nom], ligne[i_region], ligne[i_categorie]) for ligne in lignes]

    fermes = extraits(ligne for ligne in plan_et.modifies if not ligne[i_ouvert] and plan_et.existants[ligne[0]][1])
    details = plan_et.fermes()
    fermes += [(cle, details[cle][0], details[cle][1], details[cle][2]) for cle in plan_et.a_fermer]
    return {
        "crees": _resume(extraits(plan_et.nouveaux), regions, categories),
        "modifies": _resume(extraits(plan_et.modifies), regions, categories),
        "fermes": _resume(fermes, regions, categories),
        "organismes": {"crees": len(plan_ej.nouveaux) + len(plan_ej.ebauches) if plan_ej else 0,
                       "modifies": len(plan_ej.modifies) if plan_ej else 0},
    }


# ---------------------------------------------------------------------------------------------------------------
# Applying


def _json(valeur: Any) -> str:
    return json.dumps(norme(valeur), ensure_ascii=False)


def _historique(plan: Plan, import_id: int) -> list[tuple]:
    """History rows of the changed rows: every column whose value differs, with before and after."""
    colonnes = [*plan.colonnes[1:], "dernier_import_id"]
    avant = ecriture.valeurs_de(plan.modele, colonnes, [ligne[0] for ligne in plan.modifies])
    lignes = []
    for ligne in plan.modifies:
        anciennes = avant[ligne[0]]
        for nom, ancienne, nouvelle in zip(colonnes, anciennes, (*ligne[1:], import_id), strict=True):
            if norme(ancienne) != norme(nouvelle):
                lignes.append((import_id, plan.objet, ligne[0], nom, _json(ancienne), _json(nouvelle)))
    return lignes


def appliquer(plan: Plan, import_finess: ImportFiness) -> dict[str, int]:
    """Write the plan (inside the caller's transaction) with its history; return the counts."""
    pk = import_finess.pk
    historique = _historique(plan, pk) if plan.modifies else []
    colonnes = (*plan.colonnes, "dernier_import_id")
    nombre = len(plan.nouveaux) + len(plan.ebauches)
    massif = nombre >= SEUIL_MASSIF and nombre >= plan.taille
    with ecriture.index_suspendus(plan.modele, actif=massif):
        if plan.ebauches:
            ecriture.inserer(plan.modele, ("finess_ej", "dernier_import_id"), [(cle, pk) for cle in plan.ebauches])
        ecriture.inserer(plan.modele, colonnes, ((*ligne, pk) for ligne in plan.nouveaux))
    ecriture.mettre_a_jour(plan.modele, colonnes, [(*ligne, pk) for ligne in plan.modifies])
    if plan.a_fermer:
        ferme_le = norme(plan.ferme_le)
        details = plan.fermes()
        for cle in plan.a_fermer:
            _, _, _, avant_ferme_le, avant_import = details[cle]
            historique.append((pk, "et", cle, "ouvert", "1", "0"))
            if norme(avant_ferme_le) != ferme_le:
                historique.append((pk, "et", cle, "ferme_le", _json(avant_ferme_le), _json(ferme_le)))
            historique.append((pk, "et", cle, "dernier_import_id", _json(avant_import), _json(pk)))
        ecriture.mettre_a_jour_cles(plan.modele, plan.a_fermer, ouvert=False, ferme_le=plan.ferme_le,
                                    dernier_import_id=pk)
    ecriture.inserer(ChangementFiness, COLONNES_CHANGEMENT, historique)
    return {"crees": len(plan.nouveaux) + len(plan.ebauches),
            "modifies": len(plan.modifies), "fermes": plan.nb_fermetures, "changements": len(historique)}
