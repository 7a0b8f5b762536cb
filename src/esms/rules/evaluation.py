"""Evaluating a dossier: the entry points the web app, the API, the CLI and the benchmark all use.

- `evaluate_dossier(data: dict) -> dict`: JSON contract in, JSON contract out (`docs/rules.md`);
  raises `RulesInputError` (located French messages) on invalid input.
- `evaluate(dossier: DossierInput) -> DossierVerdict`: the typed API. Parameters are those of the
  campaign in force at `date_parametres`, or else at the filing date (Europe/Paris).
- `evaluer_avec(dossier, campagne, as_of)`: the same with an explicit `Campagne`, e.g. a version being
  edited by a national administrator (`campagne_from_dict`).

A reservation (`reserves`, e.g. a 2022 Corse grappe below the « idéalement huit » threshold) never makes
the dossier ineligible: the ARS appreciates it and records its appreciation with the decision.

The dossier is eligible when every blocking rule of the trace passes: call routing, deadline, no
duplicate, one DUI solution, minimum size of eligible members, 2021-1 minimum number of OG, software
condition. A member failing a member rule is excluded from the count and from the funding.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from esms.rules.chargement import load_campagne
from esms.rules.decisions.delais import verifier_delais
from esms.rules.decisions.financement import calculer_financement
from esms.rules.decisions.grappe import (
    doublons,
    motifs_de,
    verifier_logiciel,
    verifier_nb_og,
    verifier_priorite,
    verifier_solution_unique,
    verifier_taille,
)
from esms.rules.decisions.membre import evaluer_membre
from esms.rules.decisions.routage import router
from esms.rules.decisions.sons import (
    deriver_eligibilite_sons,
    deriver_referencement,
    evaluer_sons,
    exclure_prestation_segur,
)
from esms.rules.decisions.usage import evaluer_usage
from esms.rules.decisions.versement import calculer_versement
from esms.rules.entree import parse_dossier
from esms.rules.modeles import DossierInput, DossierVerdict
from esms.rules.parametres import Campagne
from esms.rules.sons import load_sons
from esms.rules.sortie import verdict_vers_dict

PARIS = ZoneInfo("Europe/Paris")


def date_des_parametres(dossier: DossierInput) -> date:
    """The date at which campaign parameters are resolved for this dossier."""
    return dossier.date_parametres or dossier.submitted_at.astimezone(PARIS).date()


def evaluer_avec(dossier: DossierInput, campagne: Campagne, as_of: date) -> DossierVerdict:
    sons = load_sons()
    membres, motifs_referencement = deriver_referencement(dossier.members, as_of)
    membres, motifs_eligibilite_sons = deriver_eligibilite_sons(membres, as_of, sons)
    motifs_referencement = [*motifs_referencement, *motifs_eligibilite_sons]
    repetes, verdict_doublons = doublons(membres)
    verdicts_membres = [evaluer_membre(m, campagne, dossier.trace_complete) for m in membres]
    evalues = [v.valeur for v in verdicts_membres]
    etats_sons, motifs_sons = [], []
    for rang, evalue in enumerate(evalues):
        etat, motifs_membre = evaluer_sons(evalue, as_of, sons)
        etats_sons.append(etat)
        motifs_sons.extend(motifs_membre)
        if etat is not None and etat.exclu:
            evalues[rang] = evalue._replace(eligible=False)
    distincts = [m for rang, m in enumerate(membres) if rang not in repetes]
    retenus = [e for rang, e in enumerate(evalues) if e.eligible and rang not in repetes]
    eligibles = [e.membre for e in retenus]

    verdict_routage = router(distincts, dossier.porteur, campagne, dossier.call, dossier.region_pilote)
    routage = verdict_routage.valeur
    verdict_delais = verifier_delais(dossier.submitted_at, routage.appel, campagne, routage.region_pilote)
    depose_le = dossier.submitted_at.astimezone(PARIS).date()
    motifs_dossier = motifs_de(
        verdict_routage,
        verdict_delais,
        verdict_doublons,
        verifier_solution_unique(membres, campagne),
        verifier_taille(eligibles, len(distincts), campagne),
        verifier_nb_og(eligibles, campagne),
        verifier_priorite(eligibles, campagne),
        verifier_logiciel(retenus, campagne, depose_le),
    )
    motifs_dossier.extend(motifs_referencement)
    eligible = all(m.ok for m in motifs_dossier if m.bloquant)

    verdict_financement = calculer_financement(
        evalues, repetes, dossier.porteur, dossier.organismes, campagne, eligible
    )
    financement, motifs_prestation = exclure_prestation_segur(
        verdict_financement.valeur, evalues, etats_sons, campagne, sons, eligible)
    verdict_usage = evaluer_usage(evalues, repetes, campagne)
    verdict_versement = (
        calculer_versement(dossier.versement, verdict_usage.valeur if verdict_usage else None, campagne)
        if dossier.versement is not None
        else None
    )
    motifs = (
        *motifs_dossier,
        *(m for v in verdicts_membres for m in v.motifs),
        *motifs_sons,
        *motifs_de(verdict_financement),
        *motifs_prestation,
        *motifs_de(verdict_usage, verdict_versement),
    )
    delai = verdict_delais.valeur
    return DossierVerdict(
        campaign=campagne.code,
        parametres_au=as_of,
        amendements=tuple(a.code for a in campagne.amendements_appliques),
        eligible=eligible,
        appel=routage.appel,
        region_pilote=routage.region_pilote,
        date_limite=delai.date_limite,
        cloture=delai.cloture,
        dans_les_delais=delai.dans_les_delais,
        nb_membres_eligibles=len(retenus),
        financement=financement,
        usage=verdict_usage.valeur if verdict_usage else None,
        versement=verdict_versement.valeur if verdict_versement else None,
        motifs=motifs,
        ouverture=delai.ouverture,
        fenetre=delai.fenetre,
        region_pilote_par_defaut=routage.region_pilote_par_defaut,
        nb_essms_routage=routage.nb_essms,
        reserves=tuple(m for m in motifs_dossier if m.rule.endswith("_reserve")),
    )


def evaluate(dossier: DossierInput) -> DossierVerdict:
    """Evaluate a typed dossier with the shipped parameters of its campaign (cached)."""
    as_of = date_des_parametres(dossier)
    return evaluer_avec(dossier, load_campagne(dossier.campaign, as_of), as_of)


def evaluate_dossier(data: Any) -> dict[str, Any]:
    """JSON-contract entry point: validate `data`, evaluate it, return the verdict as a plain dict."""
    return verdict_vers_dict(evaluate(parse_dossier(data)))
