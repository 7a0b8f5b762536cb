"""Set-based evaluation: every dossier of a campaign under one parameter version, rule by rule over columns.

`evaluer_avec` walks one dossier through every rule and builds its explanation trace; simulating a draft
version over a national campaign (3 000 dossiers, 45 000 ESSMS) under two versions that way costs two full
traces per dossier. Here the work is split in two:

- `Table.depuis(dossiers)`: what no campaign parameter changes — category classes, FINESS checks,
  duplicates, referencing derived from the register, SONS orders, routing counts and default lead region —
  computed once as flat columns over every member of every dossier, and shared by both versions;
- `evaluer_table(table, campagne)`: each rule of the dossier verdict as one pass over those columns with
  the version's parameters (memoised on the few distinct keys: call and region, sector, referencing type).

The verdicts (eligibility, failed blocking rules, call, lead region, funding per member and in total) are
those of `evaluer_avec` (property test `tests/rules/test_ensemble.py`): the rule functions and parameter
objects are the same ones, only the iteration differs. Usage targets and payments are not evaluated here
(no parameter of the dossier verdict depends on them). The trace of one dossier is `evaluer_avec`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from esms.rules.categories import CategoryClass
from esms.rules.decisions.delais import calendrier_applicable, fuseau
from esms.rules.decisions.financement import appliquer_part, taille_og
from esms.rules.decisions.grappe import _satisfait, exigence_logiciel
from esms.rules.decisions.membre import MembreEvalue, controle_finess, infos_categorie, normaliser_solution
from esms.rules.decisions.routage import appel_attendu, categorie_essms, region_pilote
from esms.rules.decisions.sons import EtatSons, evaluer_sons
from esms.rules.evaluation import PARIS, date_des_parametres
from esms.rules.modeles import DossierInput, MembreInput
from esms.rules.parametres import Campagne
from esms.rules.referencement import referencement_au
from esms.rules.sons import load_sons

UN = Decimal(1)
ZERO = Decimal(0)
# The blocking rules of a dossier verdict, in the order of its trace.
REGLES_BLOQUANTES = (
    "appel.routage",
    "appel.region_pilote",
    "delais.depot",
    "grappe.doublons",
    "grappe.solution_unique",
    "grappe.taille",
    "grappe.nb_og",
    "grappe.logiciel",
)


@dataclass(frozen=True, slots=True)
class Table:
    """The version-independent columns of a set of dossiers. Members of dossier `i` are the rows
    `debuts[i]:debuts[i + 1]` of the member columns."""

    dossiers: tuple[DossierInput, ...]
    debuts: tuple[int, ...]
    # Member columns.
    membre: tuple[MembreInput, ...]  # with the referencing derived from the register
    categorie: tuple[CategoryClass, ...]
    usld: tuple[bool, ...]
    aide: tuple[bool, ...]
    finess_ok: tuple[bool, ...]
    repete: tuple[bool, ...]
    sons: tuple[EtatSons | None, ...]
    # Dossier columns.
    depose_le: tuple[date, ...]
    nb_essms: tuple[int, ...]
    regions: tuple[tuple[str, ...], ...]
    region_defaut: tuple[str | None, ...]
    doublons_ok: tuple[bool, ...]
    nb_solutions: tuple[int, ...]

    @classmethod
    def depuis(cls, dossiers: Sequence[DossierInput]) -> Table:
        sons_parametres = load_sons()
        referencements: dict[tuple[Any, str, date], bool] = {}
        debuts = [0]
        membres: list[MembreInput] = []
        categories: list[CategoryClass] = []
        uslds: list[bool] = []
        aides: list[bool] = []
        finess: list[bool] = []
        repetes: list[bool] = []
        etats: list[EtatSons | None] = []
        depots, nb_essms, regions, defauts, doublons_ok, nb_solutions = [], [], [], [], [], []
        for dossier in dossiers:
            au = date_des_parametres(dossier)
            vus: set[str] = set()
            solutions: set[str] = set()
            essms: list[MembreInput] = []
            for membre in dossier.members:
                categorie, usld, aide = infos_categorie(membre.categorie)
                registre = membre.solution_registre
                if registre is not None:
                    cle = (registre, categorie.secteur, au)
                    referencee = referencements.get(cle)
                    if referencee is None:
                        referencee = referencements[cle] = referencement_au(registre, categorie.secteur, au).referencee
                    type_ = ("segur_hospitalier" if registre.couloir == "hospitalier" else "segur") if referencee \
                        else "aucun"
                    membre = membre._replace(solution_referencee_segur=referencee, referencement=type_,
                                             date_referencement=registre.date_referencement)
                membres.append(membre)
                categories.append(categorie)
                uslds.append(usld)
                aides.append(aide)
                finess.append(controle_finess(membre) is None)
                repetes.append(membre.finess_et in vus)
                if membre.finess_et not in vus and categorie_essms(membre.categorie)[0]:
                    essms.append(membre)
                vus.add(membre.finess_et)
                solutions.add(normaliser_solution(membre.solution_dui))
                if membre.sons_connu or membre.commande_sons is not None:
                    etat, _ = evaluer_sons(MembreEvalue(membre, categorie, aide, True), au, sons_parametres)
                    etats.append(etat)
                else:
                    etats.append(None)
            debuts.append(len(membres))
            depots.append(dossier.submitted_at.astimezone(PARIS).date())
            nb_essms.append(len(essms))
            regions.append(tuple(sorted({m.region for m in essms})))
            defauts.append(region_pilote(essms, dossier.porteur)[0])
            doublons_ok.append(len(vus) == len(dossier.members))
            nb_solutions.append(len(solutions))
        return cls(
            tuple(dossiers), tuple(debuts), tuple(membres), tuple(categories), tuple(uslds), tuple(aides),
            tuple(finess), tuple(repetes), tuple(etats), tuple(depots), tuple(nb_essms), tuple(regions),
            tuple(defauts), tuple(doublons_ok), tuple(nb_solutions),
        )

    def __len__(self) -> int:
        return len(self.dossiers)


@dataclass(frozen=True, slots=True)
class Resultat:
    """The verdict columns of a table under one version (dossier columns, then member columns)."""

    campagne: Campagne
    eligible: tuple[bool, ...]
    echecs: tuple[tuple[str, ...], ...]  # failed blocking rules, in trace order
    appel: tuple[str, ...]
    region_pilote: tuple[str | None, ...]
    nb_membres_eligibles: tuple[int, ...]
    total: tuple[int, ...]
    total_si_eligible: tuple[int, ...]
    membre_eligible: tuple[bool, ...]  # eligible, first occurrence
    montant_membre: tuple[int, ...]  # montant_si_eligible


def _memo(fonction: Callable[..., Any]) -> Callable[..., Any]:
    cache: dict[Any, Any] = {}

    def appel(*cle: Any) -> Any:
        if cle not in cache:
            cache[cle] = fonction(*cle)
        return cache[cle]

    return appel


def _eligibilite_membres(table: Table, campagne: Campagne) -> list[bool]:
    """Member rules (`decisions.membre.evaluer_membre`) and SONS exclusion, over the member columns."""
    eligibilite, financement = campagne.eligibilite, campagne.financement
    usld_exclue = eligibilite.usld_exclue.valeur
    fonds_ue_interdit = eligibilite.cumul_fonds_ue_interdit.valeur
    prorata = financement.prorata_domicile.valeur
    cas_finances = {cas for cas in ("acquisition", "usage", "mise_a_niveau")
                    if financement.forfaits.pour(cas).valeur is not None}
    return [
        ok_finess
        and ((not usld_exclue) if usld else categorie.eligible)
        and not (aide and prorata and membre.part_heures_eligibles <= ZERO)
        and not (membre.autres_fonds_ue and fonds_ue_interdit)
        and membre.deja_finance_pour is None
        and membre.cas in cas_finances
        and not (etat is not None and etat.exclu)
        for membre, categorie, usld, aide, ok_finess, etat in zip(
            table.membre, table.categorie, table.usld, table.aide, table.finess_ok, table.sons, strict=True)
    ]


def _bornes(campagne: Campagne) -> Callable[[str, str | None], tuple[datetime, datetime] | None]:
    """The filing interval [opening, day after closing) of a call in a region (`decisions.delais`)."""

    def bornes(appel: str, region: str | None) -> tuple[datetime, datetime] | None:
        cal = calendrier_applicable(campagne, appel, region)
        if not cal.ouvert or cal.ouverture is None or cal.cloture is None:
            return None
        tz = fuseau(cal.fuseau)
        return datetime.combine(cal.ouverture, time(0), tz), datetime.combine(cal.cloture + timedelta(days=1),
                                                                             time(0), tz)

    return _memo(bornes)


def evaluer_table(table: Table, campagne: Campagne) -> Resultat:
    """Every dossier of `table` under `campagne`: the same verdicts as `evaluer_avec`, without the trace."""
    grappe, logiciel, fin = campagne.grappe, campagne.logiciel, campagne.financement
    sons_parametres = load_sons()
    eligible_membre = _eligibilite_membres(table, campagne)
    retenu = [e and not r for e, r in zip(eligible_membre, table.repete, strict=True)]
    appel_de = _memo(lambda nb, nb_regions: appel_attendu(nb, nb_regions, campagne))
    bornes = _bornes(campagne)
    exigences: dict[tuple[str, bool | None], str] = {}
    satisfaits: dict[tuple[str, str, bool, bool, bool], bool] = {}
    corse_om = set(grappe.regions_corse_outre_mer.valeur)
    indicatif = set(grappe.regions_seuil_indicatif.valeur)
    au_choix = grappe.ars_pilote_au_choix.valeur
    solution_unique = grappe.solution_dui_unique.valeur
    nb_og_min = grappe.nb_og_min.valeur
    exemption_ahi_pjm = logiciel.exemption_projet_ahi_pjm.valeur
    # Funding parameters (`decisions.financement`, `decisions.sons.exclure_prestation_segur`).
    forfaits = {cas: fin.forfaits.pour(cas).valeur for cas in ("acquisition", "usage", "mise_a_niveau")}
    petit = fin.petit_og
    plafond_nb, seuil_petit = fin.nb_essms_finances_max.valeur, petit.seuil_essms.valeur
    plafond_eq, prorata, arrondi = petit.equipement_plafond_par_essms.valeur, fin.prorata_domicile.valeur, \
        fin.arrondi.valeur
    forfait_sons = sons_parametres.forfait_finance.valeur

    eligibles, echecs_col, appels, pilotes, nb_retenus, totaux, totaux_si = [], [], [], [], [], [], []
    montants: list[int] = []
    for i, dossier in enumerate(table.dossiers):
        debut, fin_ = table.debuts[i], table.debuts[i + 1]
        rangs = [r for r in range(debut, fin_) if retenu[r]]
        echecs: list[str] = []
        # Routing and lead region (`decisions.routage.router`).
        regions = table.regions[i]
        appel = appel_de(table.nb_essms[i], len(regions))
        if dossier.call is not None and dossier.call != appel:
            echecs.append("appel.routage")
        pilote = table.region_defaut[i]
        choisie = dossier.region_pilote
        if choisie is not None and au_choix:
            if choisie in regions:
                pilote = choisie
            else:
                echecs.append("appel.region_pilote")
        # Deadline (`decisions.delais.verifier_delais`).
        intervalle = bornes(appel, pilote)
        if intervalle is None or not intervalle[0] <= dossier.submitted_at < intervalle[1]:
            echecs.append("delais.depot")
        if not table.doublons_ok[i]:
            echecs.append("grappe.doublons")
        if solution_unique and table.nb_solutions[i] > 1:
            echecs.append("grappe.solution_unique")
        # Size and number of OG (`decisions.grappe.verifier_taille`, `verifier_nb_og`).
        n = len(rangs)
        regions_retenus = {table.membre[r].region for r in rangs}
        reduit = n > 0 and regions_retenus <= corse_om
        taille = (grappe.taille_min_corse_outre_mer if reduit else grappe.taille_min).valeur
        if n < taille and not (indicatif and n > 0 and regions_retenus <= indicatif):
            echecs.append("grappe.taille")
        if nb_og_min is not None:
            minimum_og = grappe.nb_og_min_corse_outre_mer.valeur if reduit and \
                grappe.nb_og_min_corse_outre_mer.valeur else nb_og_min
            par_og = Counter(table.membre[r].finess_ej for r in rangs)
            if not (len(par_og) >= (minimum_og or 0) or (par_og and min(par_og.values()) >= taille)):
                echecs.append("grappe.nb_og")
        # Software condition (`decisions.grappe.verifier_logiciel`).
        depose_le = table.depose_le[i]
        if not (exemption_ahi_pjm and rangs and all(table.categorie[r].secteur in ("ahi", "pjm") for r in rangs)):
            for r in rangs:
                membre, categorie = table.membre[r], table.categorie[r]
                cle_exigence = (categorie.secteur, membre.sons_eligible)
                exigence = exigences.get(cle_exigence)
                if exigence is None:
                    evalue = MembreEvalue(membre, categorie, table.aide[r], True)
                    exigence = exigences[cle_exigence] = exigence_logiciel(evalue, campagne)
                if exigence == "aucune":
                    continue
                date_ref = membre.date_referencement
                tardif = date_ref is not None and date_ref > depose_le
                # What `_satisfait` reads of the member, so one call answers for every member with the same key.
                cle = (exigence, membre.type_referencement, membre.ght, membre.solution_candidate_segur, tardif)
                satisfait = satisfaits.get(cle)
                if satisfait is None:
                    satisfait = satisfaits[cle] = _satisfait(exigence, membre, campagne, depose_le)[0]
                if not satisfait:
                    echecs.append("grappe.logiciel")
                    break
        eligible = not echecs

        # Funding (`decisions.financement.calculer_financement`, then the SONS exclusion).
        comptes = 0
        petit_present = petit_acquisition = False
        total = 0
        for r in range(debut, fin_):
            montant = 0
            if retenu[r] and (plafond_nb is None or comptes < plafond_nb):
                comptes += 1
                membre = table.membre[r]
                taille_organisme = taille_og(membre.finess_ej, dossier.porteur, dossier.organismes)
                equipement = 0
                if taille_organisme is not None and taille_organisme < seuil_petit and plafond_eq is not None:
                    demande = membre.montant_equipement_demande
                    equipement = plafond_eq if demande is None else min(demande, plafond_eq)
                    petit_present = True
                    petit_acquisition = petit_acquisition or membre.cas == "acquisition"
                part = membre.part_heures_eligibles if table.aide[r] and prorata else UN
                montant = appliquer_part((forfaits[membre.cas] or 0) + equipement, part, arrondi)
                etat = table.sons[r]
                if etat is not None and etat.valide and etat.meme_solution and membre.cas != forfait_sons:
                    nouveau = appliquer_part((forfaits["usage"] or 0) + equipement, part, arrondi)
                    montant -= max(montant - nouveau, 0)
            montants.append(montant)
            total += montant
        if petit_present:
            total += (petit.pilotage_par_projet.valeur or 0) + (petit.amoa_par_projet.valeur or 0)
        if petit_acquisition:
            total += petit.marche_par_projet.valeur or 0

        eligibles.append(eligible)
        echecs_col.append(tuple(echecs))
        appels.append(appel)
        pilotes.append(pilote)
        nb_retenus.append(n)
        totaux.append(total if eligible else 0)
        totaux_si.append(total)
    return Resultat(campagne, tuple(eligibles), tuple(echecs_col), tuple(appels), tuple(pilotes),
                    tuple(nb_retenus), tuple(totaux), tuple(totaux_si), tuple(retenu), tuple(montants))


def etablissement_eligible(categorie: str, campagne: Campagne) -> bool:
    """Whether an establishment of the référentiel may be funded under `campagne`, from its category alone
    (the member rules that do not depend on the dossier: category under art. L.312-1 CASF, USLD)."""
    classe, usld, _ = infos_categorie(categorie)
    return (not campagne.eligibilite.usld_exclue.valeur) if usld else classe.eligible
