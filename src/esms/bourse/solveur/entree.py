"""Reading the solver's JSON input (docs/bourse.md) into an `Instance`, with located French errors.

Member fields (FINESS numbers, category, region, case…) are checked by the rules' own reader
(`esms.rules.parse_dossier`) and its messages are relocated to this contract: « offres[2].membres[3].finess_et :
clé de contrôle invalide », « demandes[5].categorie : … ». Every error is reported, all at once, and
unknown fields are errors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from esms.bourse.solveur.modeles import Demande, Instance, Offre
from esms.rules import RulesInputError, parse_dossier

CHAMPS_INSTANCE = frozenset({"campaign", "submitted_at", "demandes", "offres"})
CHAMPS_DEMANDE_OBLIGATOIRES = (
    "finess_et",
    "finess_ej",
    "categorie",
    "region",
    "departement",
    "latitude",
    "longitude",
    "distance_max_km",
)
# Optional member fields a need may carry for the rules (defaults: acquisition, referenced solution).
CHAMPS_MEMBRE_FACULTATIFS = frozenset(
    {
        "cas",
        "solution_referencee_segur",
        "autres_fonds_ue",
        "deja_finance_pour",
        "part_heures_eligibles",
        "sons_eligible",
        "solution_candidate_segur",
    }
)
CHAMPS_DEMANDE = frozenset({*CHAMPS_DEMANDE_OBLIGATOIRES, "solution_dui", *CHAMPS_MEMBRE_FACULTATIFS})
CHAMPS_OFFRE = frozenset({"id", "porteur", "solution_dui", "places", "membres"})
DISTANCE_MAX_KM = 1000.0
SOLUTION_A_CHOISIR = "Solution à choisir"


class _Lecteur:
    def __init__(self) -> None:
        self.erreurs: list[str] = []

    def erreur(self, chemin: str, message: str) -> None:
        self.erreurs.append(f"{chemin} : {message}")

    def objet(self, valeur: Any, chemin: str, champs: frozenset[str] | None) -> Mapping[str, Any] | None:
        if not isinstance(valeur, Mapping):
            self.erreur(chemin or "document", "objet JSON attendu")
            return None
        if champs is not None:
            for cle in valeur:
                if cle not in champs:
                    self.erreur(f"{chemin}.{cle}" if chemin else str(cle), "champ inconnu")
        return valeur

    def liste(self, donnees: Mapping[str, Any], cle: str) -> list[Any]:
        valeur = donnees.get(cle)
        if not isinstance(valeur, list):
            self.erreur(cle, "liste JSON attendue" if cle in donnees else "champ obligatoire manquant")
            return []
        return valeur

    def texte(self, donnees: Mapping[str, Any], cle: str, chemin: str, nul: bool = False) -> str | None:
        valeur = donnees.get(cle)
        if valeur is None:
            if not nul:
                self.erreur(chemin, "champ obligatoire manquant")
            return None
        if not isinstance(valeur, str) or not valeur.strip():
            self.erreur(chemin, "texte non vide attendu" + (" ou null" if nul else ""))
            return None
        return valeur.strip()

    def nombre(self, donnees: Mapping[str, Any], cle: str, chemin: str, bas: float, haut: float) -> float:
        valeur = donnees.get(cle)
        if valeur is None:
            self.erreur(chemin, "champ obligatoire manquant")
            return math.nan
        if (
            isinstance(valeur, bool)
            or not isinstance(valeur, int | float)
            or not math.isfinite(valeur)
            or not bas <= valeur <= haut
        ):
            self.erreur(chemin, f"nombre entre {bas:g} et {haut:g} attendu")
            return math.nan
        return float(valeur)

    def coordonnees(self, donnees: Mapping[str, Any], chemin: str) -> tuple[float, float]:
        return (
            self.nombre(donnees, "latitude", f"{chemin}.latitude", -90, 90),
            self.nombre(donnees, "longitude", f"{chemin}.longitude", -180, 180),
        )

    def rules(self, dossier: dict[str, Any], relocaliser: dict[str, str]) -> None:
        """Check a dossier with the rules' reader; move its error paths to this contract."""
        try:
            parse_dossier(dossier)
        except RulesInputError as exc:
            for erreur in exc.erreurs:
                for avant, apres in relocaliser.items():
                    if erreur.startswith(avant):
                        erreur = apres + erreur[len(avant) :]
                        break
                self.erreurs.append(erreur)


def membre_de_demande(donnees: Mapping[str, Any]) -> dict[str, Any]:
    """The member fields the rules read for a need (its DUI solution is set by the grappe it joins)."""
    membre: dict[str, Any] = {
        "finess_et": donnees.get("finess_et"),
        "finess_ej": donnees.get("finess_ej"),
        "categorie": donnees.get("categorie"),
        "region": donnees.get("region"),
        "departement": donnees.get("departement"),
        "cas": "acquisition",
        "solution_referencee_segur": True,
        "autres_fonds_ue": False,
    }
    membre.update({cle: donnees[cle] for cle in CHAMPS_MEMBRE_FACULTATIFS if cle in donnees})
    return membre


def _lire_demande(lecteur: _Lecteur, brut: Any, rang: int, campagne: Any, depot: Any) -> Demande | None:
    chemin = f"demandes[{rang}]"
    donnees = lecteur.objet(brut, chemin, CHAMPS_DEMANDE)
    if donnees is None:
        return None
    avant = len(lecteur.erreurs)
    solution = lecteur.texte(donnees, "solution_dui", f"{chemin}.solution_dui", nul=True)
    latitude, longitude = lecteur.coordonnees(donnees, chemin)
    distance = lecteur.nombre(donnees, "distance_max_km", f"{chemin}.distance_max_km", 0, DISTANCE_MAX_KM)
    membre = membre_de_demande(donnees)
    lecteur.rules(
        {
            "campaign": campagne,
            "submitted_at": depot,
            "porteur": {"finess_ej": membre["finess_ej"], "nb_essms_geres": 1},
            "members": [{**membre, "solution_dui": solution or SOLUTION_A_CHOISIR}],
        },
        {"members[0]": chemin, "porteur.finess_ej": f"{chemin}.finess_ej"},
    )
    if len(lecteur.erreurs) > avant:
        return None
    return Demande(
        finess_et=str(donnees["finess_et"]).strip().upper(),
        finess_ej=str(donnees["finess_ej"]).strip().upper(),
        region=str(donnees["region"]).strip(),
        latitude=latitude,
        longitude=longitude,
        solution_dui=solution,
        distance_max_km=distance,
        membre=membre,
    )


def _lire_offre(lecteur: _Lecteur, brut: Any, rang: int, campagne: Any, depot: Any) -> Offre | None:
    chemin = f"offres[{rang}]"
    donnees = lecteur.objet(brut, chemin, CHAMPS_OFFRE)
    if donnees is None:
        return None
    avant = len(lecteur.erreurs)
    identifiant = donnees.get("id")
    if isinstance(identifiant, bool) or not isinstance(identifiant, str | int) or str(identifiant).strip() == "":
        lecteur.erreur(f"{chemin}.id", "identifiant (texte ou entier) attendu")
    solution = lecteur.texte(donnees, "solution_dui", f"{chemin}.solution_dui")
    places = donnees.get("places")
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        lecteur.erreur(f"{chemin}.places", "nombre entier supérieur ou égal à 0 attendu")
    bruts = donnees.get("membres")
    if not isinstance(bruts, list) or not bruts:
        lecteur.erreur(f"{chemin}.membres", "liste non vide de membres attendue")
        bruts = []
    membres: list[dict[str, Any]] = []
    coordonnees: list[tuple[float, float]] = []
    for position, membre_brut in enumerate(bruts):
        membre = lecteur.objet(membre_brut, f"{chemin}.membres[{position}]", None)
        if membre is None:
            continue
        coordonnees.append(lecteur.coordonnees(membre, f"{chemin}.membres[{position}]"))
        membres.append({k: v for k, v in membre.items() if k not in ("latitude", "longitude")})
    porteur = donnees.get("porteur")
    lecteur.rules(
        {"campaign": campagne, "submitted_at": depot, "porteur": porteur, "members": membres},
        {"members": f"{chemin}.membres", "porteur": f"{chemin}.porteur", "campaign": "campaign"},
    )
    if solution is not None:
        for position, membre in enumerate(membres):
            if isinstance(membre.get("solution_dui"), str) and membre["solution_dui"].strip() != solution:
                lecteur.erreur(
                    f"{chemin}.membres[{position}].solution_dui",
                    f"solution « {membre['solution_dui']} » différente de celle de l'offre (« {solution} »)",
                )
    if len(lecteur.erreurs) > avant:
        return None
    assert solution is not None and isinstance(porteur, Mapping) and isinstance(places, int)
    return Offre(
        id=str(identifiant).strip(),
        porteur=dict(porteur),
        solution_dui=solution,
        places=places,
        membres=tuple(membres),
        coordonnees=tuple(coordonnees),
    )


def lire_instance(data: Any) -> Instance:
    """Validate the solver's input; raises `RulesInputError` with every located error."""
    lecteur = _Lecteur()
    donnees = lecteur.objet(data, "", CHAMPS_INSTANCE)
    if donnees is None:
        raise RulesInputError(lecteur.erreurs)
    campagne = lecteur.texte(donnees, "campaign", "campaign")
    depot = lecteur.texte(donnees, "submitted_at", "submitted_at")
    if lecteur.erreurs:
        raise RulesInputError(lecteur.erreurs)
    demandes = [_lire_demande(lecteur, d, i, campagne, depot) for i, d in enumerate(lecteur.liste(donnees, "demandes"))]
    offres = [_lire_offre(lecteur, o, i, campagne, depot) for i, o in enumerate(lecteur.liste(donnees, "offres"))]
    vus: dict[str, str] = {}
    for rang, demande in enumerate(demandes):
        if demande is None:
            continue
        if demande.finess_et in vus:
            lecteur.erreur(f"demandes[{rang}].finess_et", f"établissement déjà déclaré en {vus[demande.finess_et]}")
        vus.setdefault(demande.finess_et, f"demandes[{rang}]")
    ids: dict[str, int] = {}
    for rang, offre in enumerate(offres):
        if offre is None:
            continue
        if offre.id in ids:
            lecteur.erreur(f"offres[{rang}].id", f"identifiant « {offre.id} » déjà utilisé par offres[{ids[offre.id]}]")
        ids.setdefault(offre.id, rang)
    # A campaign error is reported once, not once per need and offer.
    erreurs = list(dict.fromkeys(lecteur.erreurs))
    if erreurs:
        raise RulesInputError(erreurs)
    return Instance(
        campaign=str(campagne),
        submitted_at=str(depot),
        demandes=tuple(d for d in demandes if d is not None),
        offres=tuple(o for o in offres if o is not None),
    )
