"""Adapter between the database and the rules package: builds the rules' JSON contract from a dossier
(in a fixed number of queries) and evaluates it under the campagne version in force."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import SupportsFloat

from django.db.models import Count
from django.utils import timezone

from esms import rules
from esms.candidatures.lisibles import erreurs_lisibles
from esms.candidatures.models import Campagne, Dossier, Grappe, Membre, VersionParametres
from esms.referencement.ght import organismes_en_ght
from esms.referencement.models import CommandeSons
from esms.referencement.selectors import libelle_dui, pour_les_regles
from esms.referentiel.models import Etablissement
from esms.rules.categories import classify
from esms.rules.decisions.delais import depot_possible
from esms.rules.decisions.sons import eligibilite_sons
from esms.rules.modeles import CommandeSonsInput
from esms.rules.referencement import referencement_au
from esms.rules.sons import load_sons
from esms.rules.sortie import verdict_vers_dict


class VersionIntrouvable(LookupError):
    """The campagne has no parameter version loaded."""


def version_en_vigueur(campagne, le: date | None = None) -> VersionParametres:
    le = le or timezone.localdate()
    publiees = VersionParametres.objects.filter(campagne=campagne, statut=VersionParametres.Statut.PUBLIEE)
    version = publiees.filter(date_effet__lte=le).order_by("-date_effet", "-numero").first()
    if version is None:
        version = publiees.order_by("date_effet", "numero").first()
    if version is None:
        raise VersionIntrouvable(f"La campagne {campagne.code} n'a aucune version de paramètres chargée.")
    return version


def campagnes_ouvertes(le: date | None = None) -> list[str]:
    """Codes of the campaigns in which a grappe may still be filed (rules: `delais.depot_possible`, under the
    parameter version in force)."""
    le = le or timezone.localdate()
    codes = []
    for campagne in Campagne.objects.filter(versions__isnull=False).distinct():
        try:
            parametres = campagne_de(version_en_vigueur(campagne, le))
        except VersionIntrouvable:
            continue
        if depot_possible(parametres, le):
            codes.append(campagne.code)
    return codes


def tailles_organismes(finess_ej: list[str]) -> dict[str, int]:
    """Number of open ESSMS (category eligible under art. L.312-1 CASF) run by each organisme, in one query:
    what the rules need to apply the small-organisme support to every member, not only the porteur's."""
    lignes = (Etablissement.objects.filter(organisme_id__in=finess_ej, ouvert=True, categorie__eligible=True)
              .order_by().values("organisme_id").annotate(n=Count("pk")))
    return {ligne["organisme_id"]: ligne["n"] for ligne in lignes if ligne["n"] >= 1}


def _solution(grappe: Grappe) -> dict:
    """The project's DUI for the rules: from the register (its referencing derived), else the legacy text."""
    solution = grappe.solution  # no query when none is chosen
    if solution is None:
        return {"solution_dui": grappe.solution_dui or "(solution non choisie)", "solution_referencee_segur": False}
    return {"solution_dui": libelle_dui(solution), "referencement_segur": {
        "solution": solution.nom, "version": solution.version, "editeur": solution.editeur.nom,
        "vague": solution.vague, "couloir": solution.couloir, "secteurs": list(solution.secteurs),
        "date_referencement": solution.date_referencement.isoformat(),
        "date_retrait": solution.date_retrait.isoformat() if solution.date_retrait else None}}


def _commandes_sons(finess: list[str], le: date) -> dict[str, dict]:
    """Each member's SONS order known at `le` (its latest), in the rules' shape (one query)."""
    commandes: dict[str, dict] = {}
    for commande in (CommandeSons.objects.filter(etablissement_id__in=finess, date_commande__lte=le)
                     .select_related("solution__editeur").order_by("date_commande", "vague")):
        commandes[commande.etablissement_id] = {
            "solution": libelle_dui(commande.solution), "version": commande.solution.version,
            "editeur": commande.solution.editeur.nom, "vague": commande.vague,
            "date_commande": commande.date_commande.isoformat(), "statut": commande.statut,
            "date_deploiement": commande.date_deploiement.isoformat() if commande.date_deploiement else None}
    return commandes


def _commande_input(commande: dict | None) -> CommandeSonsInput | None:
    if commande is None:
        return None
    return CommandeSonsInput(solution=commande["solution"], vague=commande["vague"],
                             date_commande=date.fromisoformat(commande["date_commande"]), statut=commande["statut"])


def eligibilites_sons(membres: list[Membre], le: date | None = None) -> dict[str, tuple[bool, str]]:
    """Each member's SONS eligibility at `le` (default today) as the rules derive it, with the French reason
    (members with their `etablissement` loaded; one query for the orders)."""
    le = le or timezone.localdate()
    commandes = _commandes_sons([m.etablissement_id for m in membres], le)
    sons = load_sons()
    return {m.etablissement_id: eligibilite_sons(m.etablissement.categorie_id,
                                                 _commande_input(commandes.get(m.etablissement_id)), le, sons)
            for m in membres}


def entree(grappe: Grappe, *, submitted_at: datetime, call: str | None = None) -> dict:
    """The rules' JSON contract for the grappe. A member's SONS order is sent when the platform knows one
    (imported or pushed by the vendor); none known sends no `commande_sons` (not proof that none exists)."""
    # Proposed members (another organisme's establishment that has not accepted yet) do not count.
    membres = list(Membre.objects.filter(grappe=grappe, adhesion=Membre.Adhesion.ACCEPTEE)
                   .select_related("etablissement").order_by("etablissement_id"))
    porteur = grappe.porteur
    tailles = tailles_organismes(sorted({m.etablissement.organisme_id for m in membres} | {porteur.finess_ej}))
    solution = _solution(grappe)
    en_ght = organismes_en_ght(sorted({m.etablissement.organisme_id for m in membres}))
    commandes = _commandes_sons([m.etablissement_id for m in membres], timezone.localdate(submitted_at))
    return {
        "campaign": grappe.campagne.code,
        "submitted_at": timezone.localtime(submitted_at).isoformat(),
        **({"call": call} if call else {}),
        **({"region_pilote": grappe.region_pilote_choisie_id} if grappe.region_pilote_choisie_id else {}),
        "porteur": {
            "finess_ej": porteur.finess_ej,
            "nb_essms_geres": tailles.get(porteur.finess_ej, 0),
        },
        "organismes": [{"finess_ej": ej, "nb_essms_geres": n} for ej, n in sorted(tailles.items())
                       if ej != porteur.finess_ej],
        "members": [
            {
                "finess_et": m.etablissement_id,
                "finess_ej": m.etablissement.organisme_id,
                "categorie": m.etablissement.categorie_id,
                "region": m.etablissement.region_id,
                "departement": m.etablissement.departement_id,
                "cas": m.cas,
                **solution,
                **({"commande_sons": commandes[m.etablissement_id]} if m.etablissement_id in commandes else {}),
                "autres_fonds_ue": m.autres_fonds_ue,
                # Its organisme belongs to a GHT (FINESS+ or declared: referencement.ght): the hospital-corridor
                # exception may apply.
                "ght": m.etablissement.organisme_id in en_ght,
                "deja_finance_pour": m.deja_finance_pour or None,
                "part_heures_eligibles": float(m.part_heures_eligibles),
                # Derived by the rules from the SONS waves and the order above, explained in the trace.
                "sons_eligible": "derive",
                **({"montant_equipement_demande": m.montant_equipement_demande}
                   if m.montant_equipement_demande is not None else {}),
            }
            for m in membres
        ],
    }


def referencement_derive(grappe: Grappe, le: date | None = None) -> bool:
    """Whether the grappe's register solution is Ségur-referenced for every member's sector at `le`
    (default: the dossier's filing date, else today)."""
    solution = grappe.solution  # no query when none is chosen
    if solution is None:
        return False
    depot = getattr(getattr(grappe, "dossier", None), "depose_le", None)
    le = le or timezone.localdate(depot or timezone.now())
    entree_regles = pour_les_regles(solution)
    categories = Membre.objects.filter(grappe=grappe).values_list("etablissement__categorie_id", flat=True)
    return all(referencement_au(entree_regles, classify(c).secteur, le).referencee for c in set(categories))


@lru_cache(maxsize=32)
def _campagne(version_pk: int, parametres_json: str) -> rules.Campagne:
    return rules.campagne_from_dict(json.loads(parametres_json))


def campagne_de(version: VersionParametres) -> rules.Campagne:
    """The rules' typed parameters of a stored version (cached: versions are immutable)."""
    return _campagne(version.pk, json.dumps(version.parametres, sort_keys=True))


def evaluer(grappe: Grappe, *, submitted_at: datetime | None = None,
            version: VersionParametres | None = None) -> dict:
    """The rules' verdict (JSON contract) for the grappe as it is now, under `version` (default: the one
    in force at `submitted_at`)."""
    submitted_at = submitted_at or timezone.now()
    version = version or version_en_vigueur(grappe.campagne, timezone.localdate(submitted_at))
    donnees = entree(grappe, submitted_at=submitted_at)
    try:
        dossier = rules.parse_dossier(donnees)
    except rules.RulesInputError as exc:
        raise rules.RulesInputError(_lisibles(exc.erreurs, donnees)) from exc
    verdict = rules.evaluer_avec(dossier, campagne_de(version), timezone.localdate(submitted_at))
    return verdict_vers_dict(verdict)


def _lisibles(erreurs, donnees: dict) -> list[str]:
    """The rules' located errors as sentences naming each member (the « members[i] » of `donnees`)."""
    numeros = [m["finess_et"] for m in donnees["members"]]
    noms = dict(Etablissement.objects.filter(pk__in=numeros).values_list("pk", "raison_sociale"))
    return erreurs_lisibles(erreurs, [(n, noms.get(n, "")) for n in numeros])


def evaluer_dossier(dossier: Dossier, **kwargs) -> dict:
    return evaluer(dossier.grappe, **kwargs)


# --- Usage targets and payment (used by esms.usages) ----------------------------------------------

def version_du_dossier(dossier: Dossier) -> VersionParametres:
    """The version the dossier was filed under (or, for a dossier without one, the version in force then)."""
    if dossier.version is not None:  # no query when the dossier has none
        return dossier.version
    return version_en_vigueur(dossier.grappe.campagne, timezone.localdate(dossier.depose_le or timezone.now()))


def evaluer_usage(dossier: Dossier, indicateurs_par_et: Mapping[str, Mapping[str, str | SupportsFloat]],
                  versement: dict | None = None) -> dict:
    """The rules' verdict (JSON contract) with each member's reported indicators (`{finess_et: {code:
    number}}`) and, when given, the convention data (`{"montant_convention", "deja_verse",
    "convention_signee"}`): `usage` says which targets each member meets, `versement` which payment is due.
    Evaluated under the dossier's stored parameter version, at its filing date."""
    submitted_at = dossier.depose_le or timezone.now()
    donnees = entree(dossier.grappe, submitted_at=submitted_at, call=dossier.appel or None)
    for membre in donnees["members"]:
        valeurs = indicateurs_par_et.get(membre["finess_et"])
        if valeurs is not None:
            membre["indicateurs"] = {code: float(v) for code, v in valeurs.items()}
    if versement is not None:
        donnees["versement"] = versement
    verdict = rules.evaluer_avec(rules.parse_dossier(donnees), campagne_de(version_du_dossier(dossier)),
                                 timezone.localdate(submitted_at))
    return verdict_vers_dict(verdict)
