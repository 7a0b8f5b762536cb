"""Campagnes in the database: loading the shipped parameter files as versions, and new dated versions
edited by a national administrator. A version is never modified: a change is a new version, the old
one stays readable, and each dossier keeps the version it was evaluated under."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max

from esms import rules
from esms.candidatures import etiquettes
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Campagne, VersionParametres
from esms.comptes import audit
from esms.comptes.permissions import Acteur, require, utilisateur_de


def _enregistrer(*, actor: Acteur, campagne: Campagne, parametres: dict[str, Any], date_effet: date, motif: str,
                 source: str) -> VersionParametres:
    numero = (campagne.versions.aggregate(n=Max("numero"))["n"] or 0) + 1
    version = VersionParametres.objects.create(campagne=campagne, numero=numero, date_effet=date_effet,
                                               parametres=parametres, motif=motif, source=source, creee_par=utilisateur_de(actor))
    audit.record(actor=actor, action="campagnes.nouvelle_version", obj=version,
                 after={"campagne": campagne.code, "numero": numero, "date_effet": date_effet.isoformat(),
                        "source": source}, comment=motif)
    return version


@transaction.atomic
def charger(*, actor: Acteur, code: str) -> list[VersionParametres]:
    """Load a shipped campagne: one version for the base instruction and one per dated amendment.
    Idempotent: a version identical to the one already stored for that date is not created again."""
    require(actor, "campagnes.gerer")
    base = rules.load_campagne(code, as_of=date.min)
    campagne, creee = Campagne.objects.get_or_create(code=base.code, defaults={"libelle": base.libelle})
    if creee:
        etiquettes.creer_par_defaut(campagne)
    resume = next(r for r in rules.list_campagnes() if r.code == base.code)
    etapes: list[tuple[date, str, date | None]] = [(date(base.annee, 1, 1), f"Paramètres livrés : {resume.instruction}", None)]
    etapes += [(effet, f"Amendement {code_amendement}", effet) for code_amendement, effet in resume.amendements]
    creees = []
    for date_effet, motif, as_of in etapes:
        resolue = rules.load_campagne(base.code, as_of=as_of or date.min)
        parametres = rules.campagne_to_dict(resolue)
        if campagne.versions.filter(date_effet=date_effet, parametres=parametres).exists():
            continue
        creees.append(_enregistrer(actor=actor, campagne=campagne, parametres=parametres, date_effet=date_effet,
                                   motif=motif, source=VersionParametres.Source.FICHIER))
    return creees


@transaction.atomic
def nouvelle_version(*, actor: Acteur, campagne: Campagne, parametres: dict[str, Any], date_effet: date,
                     motif: str) -> VersionParametres:
    """A national administrator's amendment: validated by the rules (located French errors) before writing."""
    require(actor, "campagnes.gerer")
    if not motif.strip():
        raise CandidatureRefusee("Le motif de la nouvelle version est obligatoire (par exemple la référence de l'instruction).")
    try:
        resolue = rules.campagne_from_dict(parametres)
    except rules.ParametresInvalides as exc:
        raise CandidatureRefusee(list(exc.erreurs)) from exc
    if resolue.code != campagne.code:
        raise CandidatureRefusee(f"code : « {resolue.code} » ne correspond pas à la campagne {campagne.code}.")
    return _enregistrer(actor=actor, campagne=campagne, parametres=rules.campagne_to_dict(resolue),
                        date_effet=date_effet, motif=motif.strip(), source=VersionParametres.Source.SAISIE)


def fenetre_ouverte_aujourdhui(parametres: dict[str, Any], aujourd_hui: date) -> dict[str, Any]:
    """A copy of `parametres` whose call windows are open around `aujourd_hui` (demo and tests only)."""
    import copy

    copie = copy.deepcopy(parametres)
    copie["calendrier"]["engagement_avant"]["valeur"] = None
    for calendrier_regional in copie["calendrier"]["par_region"].values():
        calendrier_regional["valeur"] = {}
    for fenetre in copie["calendrier"].values():
        if isinstance(fenetre, dict) and "ouverture" in fenetre:
            fenetre["ouvert"]["valeur"] = True
            fenetre["ouverture"]["valeur"] = (aujourd_hui - timedelta(days=60)).isoformat()
            fenetre["cloture"]["valeur"] = (aujourd_hui + timedelta(days=90)).isoformat()
    return copie
