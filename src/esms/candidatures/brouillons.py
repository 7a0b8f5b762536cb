"""Draft parameter versions: edited section by section by a national administrator, simulated, then
published. A campaign has at most one draft; it applies to no dossier (`regles.version_en_vigueur` reads
published versions only) until `publier` dates it, after which it is immutable like every version."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from esms import rules
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Campagne, VersionParametres
from esms.candidatures.regles import version_en_vigueur
from esms.comptes import audit
from esms.comptes.permissions import Acteur, require, utilisateur_de


def brouillon_de(campagne: Campagne) -> VersionParametres | None:
    return campagne.versions.filter(statut=VersionParametres.Statut.BROUILLON).order_by("-numero").first()


def _valider(parametres: dict[str, Any], campagne: Campagne) -> dict[str, Any]:
    """The parameters as the rules store them; the rules' located errors (« chemin : raison ») otherwise."""
    try:
        resolue = rules.campagne_from_dict(parametres)
    except rules.ParametresInvalides as exc:
        raise CandidatureRefusee(list(exc.erreurs)) from exc
    if resolue.code != campagne.code:
        raise CandidatureRefusee(f"code : « {resolue.code} » ne correspond pas à la campagne {campagne.code}.")
    return rules.campagne_to_dict(resolue)


@transaction.atomic
def enregistrer_section(*, actor: Acteur, campagne: Campagne, section: str, contenu: dict[str, Any]) -> VersionParametres:
    """Replace one section of the campaign's draft (created from the version in force when there is none)."""
    require(actor, "campagnes.gerer")
    brouillon = (campagne.versions.select_for_update().filter(statut=VersionParametres.Statut.BROUILLON)
                 .order_by("-numero").first())
    base = brouillon or version_en_vigueur(campagne)
    if section not in base.parametres:
        raise CandidatureRefusee(f"section : « {section} » n'est pas une section des paramètres.")
    parametres = copy.deepcopy(base.parametres)
    avant = parametres[section]
    parametres[section] = contenu
    parametres = _valider(parametres, campagne)
    if brouillon is None:
        numero = (campagne.versions.aggregate(n=Max("numero"))["n"] or 0) + 1
        brouillon = VersionParametres.objects.create(
            campagne=campagne, numero=numero, date_effet=timezone.localdate(), parametres=parametres,
            motif=f"Brouillon établi à partir de la version {base.numero}", source=VersionParametres.Source.SAISIE,
            statut=VersionParametres.Statut.BROUILLON, creee_par=utilisateur_de(actor))
    else:
        brouillon.parametres = parametres
        brouillon.save(update_fields=["parametres"])
    audit.record(actor=actor, action="campagnes.brouillon", obj=brouillon, before={section: avant},
                 after={section: parametres[section]}, comment=f"Section {section}")
    return brouillon


@transaction.atomic
def publier(*, actor: Acteur, version: VersionParametres, date_effet: date, motif: str) -> VersionParametres:
    """Publish a draft: from `date_effet` it is the version in force, and it is never modified again."""
    require(actor, "campagnes.gerer")
    version = VersionParametres.objects.select_for_update().get(pk=version.pk)
    if version.statut != VersionParametres.Statut.BROUILLON:
        raise CandidatureRefusee(f"La version {version.numero} est déjà publiée : elle ne peut plus changer.")
    if not motif.strip():
        raise CandidatureRefusee("motif : obligatoire (par exemple la référence de l'instruction).")
    version.parametres = _valider(version.parametres, version.campagne)
    version.statut = VersionParametres.Statut.PUBLIEE
    version.date_effet = date_effet
    version.motif = motif.strip()
    version.save(update_fields=["parametres", "statut", "date_effet", "motif"])
    audit.record(actor=actor, action="campagnes.publication", obj=version,
                 after={"numero": version.numero, "date_effet": date_effet.isoformat()}, comment=version.motif)
    return version
