"""Turning a `DossierVerdict` into the plain dict of the JSON contract (see docs/rules.md)."""

from __future__ import annotations

from typing import Any

from esms.rules.modeles import AtteinteUsage, DossierVerdict, Financement, Motif, VersementDu
from esms.rules.trace import jsonable

# Trace entries that inform (the amount computed, the ESSMS cap applied, the payment step, the DUI count) rather
# than check a rule: their `ok` is not a verdict, a page must not show them as a rule « respectée ».
REGLES_INFORMATIVES = frozenset({
    "financement.calcul",
    "financement.plafond_essms",
    "financement.prestation_segur",
    "versement.etape",
    "usage.dui_actif",
    "appel.membres_comptes",
})


def motif_vers_dict(motif: Motif) -> dict[str, Any]:
    return {
        "rule": motif.rule,
        "ok": motif.ok,
        "message": motif.message,
        "parameters": dict(motif.parameters),
        "source": motif.source,
        "finess_et": motif.finess_et,
        "bloquant": motif.bloquant,
    }


def financement_vers_dict(financement: Financement) -> dict[str, Any]:
    return {
        "total": financement.total,
        "total_si_eligible": financement.total_si_eligible,
        "projet": dict(financement.projet),
        "par_membre": [
            {"finess_et": ligne.finess_et, "montant": ligne.montant, "detail": dict(ligne.detail)}
            for ligne in financement.par_membre
        ],
    }


def usage_vers_dict(usage: AtteinteUsage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    return {
        "cibles_atteintes": usage.cibles_atteintes,
        "nb_membres": usage.nb_membres,
        "nb_membres_atteints": usage.nb_membres_atteints,
        "par_membre": [
            {
                "finess_et": a.finess_et,
                "cibles_atteintes": a.cibles_atteintes,
                "indicateurs": jsonable(a.indicateurs),
            }
            for a in usage.par_membre
        ],
    }


def versement_vers_dict(versement: VersementDu | None) -> dict[str, Any] | None:
    if versement is None:
        return None
    return {
        "etape": versement.etape,
        "montant_du": versement.montant_du,
        "montant_convention": versement.montant_convention,
        "deja_verse": versement.deja_verse,
        "avance": versement.avance,
        "droits_acquis": versement.droits_acquis,
        "trop_percu": versement.trop_percu,
    }


def verdict_vers_dict(verdict: DossierVerdict) -> dict[str, Any]:
    """The output contract: JSON-serialisable, no float for money."""
    return {
        "campaign": verdict.campaign,
        "parametres_au": verdict.parametres_au.isoformat(),
        "amendements": list(verdict.amendements),
        "eligible": verdict.eligible,
        "appel": verdict.appel,
        "region_pilote": verdict.region_pilote,
        "date_limite": verdict.date_limite.isoformat() if verdict.date_limite else None,
        "cloture": verdict.cloture.isoformat() if verdict.cloture else None,
        "dans_les_delais": verdict.dans_les_delais,
        "nb_membres_eligibles": verdict.nb_membres_eligibles,
        "financement": financement_vers_dict(verdict.financement),
        "usage": usage_vers_dict(verdict.usage),
        "versement": versement_vers_dict(verdict.versement),
        "motifs": [motif_vers_dict(m) for m in verdict.motifs],
        # Fields added later (the contract only grows): see docs/rules.md.
        "ouverture": verdict.ouverture.isoformat() if verdict.ouverture else None,
        "fenetre": (
            {
                "code": verdict.fenetre.code,
                "libelle": verdict.fenetre.libelle,
                "debut": verdict.fenetre.debut.isoformat(),
                "fin": verdict.fenetre.fin.isoformat(),
            }
            if verdict.fenetre is not None
            else None
        ),
        "region_pilote_par_defaut": verdict.region_pilote_par_defaut,
        "nb_essms_routage": verdict.nb_essms_routage,
        "reserves": [motif_vers_dict(m) for m in verdict.reserves],
    }
