"""What-if simulation of a draft parameter version against the version in force (nothing is written).

`simuler(table, courante, brouillon, referentiel)` evaluates every dossier of `table` under both versions
(set-based, `ensemble.evaluer_table`) and every establishment of the référentiel from its category, and
returns what changes: dossiers whose verdict changes with the blocking rules responsible, dossiers whose
funding changes, funding per region against each version's envelope, members and establishments newly
eligible or excluded. `tableaux(simulation)` gives the same as tables for the CSV exports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from esms.rules.ensemble import REGLES_BLOQUANTES, Resultat, Table, etablissement_eligible, evaluer_table
from esms.rules.parametres import Campagne

LIBELLES_REGLES = {
    "appel.routage": "appel de dépôt",
    "appel.region_pilote": "région pilote",
    "delais.depot": "délais de dépôt",
    "grappe.doublons": "établissement en double",
    "grappe.solution_unique": "solution DUI unique",
    "grappe.taille": "taille minimale de la grappe",
    "grappe.nb_og": "nombre minimal d'organismes gestionnaires",
    "grappe.logiciel": "condition logicielle (référencement)",
    "financement.calcul": "calcul du financement",
}


@dataclass(frozen=True, slots=True)
class DossierChange:
    rang: int  # index in the table
    eligible_avant: bool
    eligible_apres: bool
    regles: tuple[str, ...]  # blocking rules whose outcome differs (the rules responsible)
    total_avant: int
    total_apres: int
    region_pilote: str | None
    appel: str


@dataclass(frozen=True, slots=True)
class RegionSimulee:
    """Funding of the eligible dossiers led by a region (or the national call) under both versions."""

    region: str  # INSEE code, or "national" for the national call
    nb_avant: int
    nb_apres: int
    montant_avant: int
    montant_apres: int
    enveloppe_avant: int | None
    enveloppe_apres: int | None

    @property
    def depassement_apres(self) -> int:
        return max(0, self.montant_apres - self.enveloppe_apres) if self.enveloppe_apres is not None else 0


@dataclass(frozen=True, slots=True)
class EtablissementChange:
    finess_et: str
    categorie: str
    region: str
    eligible_avant: bool
    eligible_apres: bool
    rang: int | None = None  # the dossier, for a member


@dataclass(frozen=True, slots=True)
class Simulation:
    avant: Resultat
    apres: Resultat
    dossiers: tuple[DossierChange, ...]  # verdict or funding changed
    regions: tuple[RegionSimulee, ...]
    membres: tuple[EtablissementChange, ...]  # members of dossiers newly eligible or excluded
    referentiel: tuple[EtablissementChange, ...]  # establishments of the référentiel newly eligible or excluded
    nb_referentiel_avant: int
    nb_referentiel_apres: int

    @property
    def verdicts_changes(self) -> tuple[DossierChange, ...]:
        return tuple(d for d in self.dossiers if d.eligible_avant != d.eligible_apres)

    @property
    def total_avant(self) -> int:
        return sum(self.avant.total)

    @property
    def total_apres(self) -> int:
        return sum(self.apres.total)


def _regions(resultat: Resultat) -> dict[str, tuple[int, int]]:
    par_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for eligible, appel, region, total in zip(resultat.eligible, resultat.appel, resultat.region_pilote,
                                              resultat.total, strict=True):
        if eligible:
            ligne = par_region["national" if appel == "national" else region or "?"]
            ligne[0] += 1
            ligne[1] += total
    return {cle: (n, montant) for cle, (n, montant) in par_region.items()}


def _enveloppe(campagne: Campagne, region: str) -> int | None:
    enveloppes = campagne.enveloppes
    if region == "national":
        return enveloppes.appel_national.valeur
    return enveloppes.par_region.valeur.get(region)


def simuler(table: Table, courante: Campagne, brouillon: Campagne,
            referentiel: Iterable[tuple[str, str, str]] = ()) -> Simulation:
    """`referentiel`: (finess_et, catégorie, région) of every open establishment."""
    avant, apres = evaluer_table(table, courante), evaluer_table(table, brouillon)
    changes = []
    for rang in range(len(table)):
        e_av, e_ap = avant.eligible[rang], apres.eligible[rang]
        t_av, t_ap = avant.total_si_eligible[rang], apres.total_si_eligible[rang]
        if e_av == e_ap and avant.total[rang] == apres.total[rang] and t_av == t_ap:
            continue
        differentes = set(avant.echecs[rang]) ^ set(apres.echecs[rang])
        regles = tuple(r for r in REGLES_BLOQUANTES if r in differentes) or ("financement.calcul",)
        changes.append(DossierChange(rang, e_av, e_ap, regles, avant.total[rang], apres.total[rang],
                                     apres.region_pilote[rang], apres.appel[rang]))

    regions_av, regions_ap = _regions(avant), _regions(apres)
    regions = []
    for region in sorted(set(regions_av) | set(regions_ap) | set(courante.enveloppes.par_region.valeur)
                         | set(brouillon.enveloppes.par_region.valeur)):
        n_av, m_av = regions_av.get(region, (0, 0))
        n_ap, m_ap = regions_ap.get(region, (0, 0))
        regions.append(RegionSimulee(region, n_av, n_ap, m_av, m_ap, _enveloppe(courante, region),
                                     _enveloppe(brouillon, region)))

    membres = []
    for r, (e_av, e_ap) in enumerate(zip(avant.membre_eligible, apres.membre_eligible, strict=True)):
        if e_av != e_ap:
            membre = table.membre[r]
            rang = _dossier_du_membre(table, r)
            membres.append(EtablissementChange(membre.finess_et, membre.categorie, membre.region, e_av, e_ap, rang))

    par_categorie: dict[str, tuple[bool, bool]] = {}
    nb_av = nb_ap = 0
    etablissements = []
    for finess_et, categorie, region in referentiel:
        statut = par_categorie.get(categorie)
        if statut is None:
            statut = par_categorie[categorie] = (etablissement_eligible(categorie, courante),
                                                 etablissement_eligible(categorie, brouillon))
        nb_av += statut[0]
        nb_ap += statut[1]
        if statut[0] != statut[1]:
            etablissements.append(EtablissementChange(finess_et, categorie, region, *statut))
    return Simulation(avant, apres, tuple(changes), tuple(regions), tuple(membres), tuple(etablissements),
                      nb_av, nb_ap)


def _dossier_du_membre(table: Table, ligne: int) -> int:
    from bisect import bisect_right

    return bisect_right(table.debuts, ligne) - 1


def _oui(valeur: bool) -> str:
    return "oui" if valeur else "non"


def tableaux(simulation: Simulation, numeros: Sequence[str]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The simulation as tables (name → headers, rows) for the CSV exports; `numeros[rang]` names a dossier."""
    dossiers = [
        [numeros[d.rang], d.appel, d.region_pilote or "", _oui(d.eligible_avant), _oui(d.eligible_apres),
         " ; ".join(LIBELLES_REGLES.get(r, r) for r in d.regles), " ; ".join(d.regles), d.total_avant,
         d.total_apres, d.total_apres - d.total_avant]
        for d in simulation.dossiers
    ]
    regions = [
        [r.region, r.nb_avant, r.nb_apres, r.montant_avant, r.montant_apres,
         "" if r.enveloppe_avant is None else r.enveloppe_avant,
         "" if r.enveloppe_apres is None else r.enveloppe_apres, r.depassement_apres]
        for r in simulation.regions
    ]
    etablissements = [
        ["membre", numeros[e.rang] if e.rang is not None else "", e.finess_et, e.categorie, e.region,
         _oui(e.eligible_avant), _oui(e.eligible_apres)]
        for e in simulation.membres
    ] + [
        ["référentiel", "", e.finess_et, e.categorie, e.region, _oui(e.eligible_avant), _oui(e.eligible_apres)]
        for e in simulation.referentiel
    ]
    return {
        "dossiers": (["dossier", "appel", "region_pilote", "eligible_version_en_vigueur", "eligible_brouillon",
                      "regles_responsables", "codes_regles", "financement_en_vigueur", "financement_brouillon",
                      "ecart"], dossiers),
        "regions": (["region", "dossiers_eligibles_en_vigueur", "dossiers_eligibles_brouillon",
                     "financement_en_vigueur", "financement_brouillon", "enveloppe_en_vigueur", "enveloppe_brouillon",
                     "depassement_brouillon"], regions),
        "etablissements": (["origine", "dossier", "finess_et", "categorie", "region", "eligible_en_vigueur",
                            "eligible_brouillon"], etablissements),
    }
