"""Validity of a grappe: no duplicate, one DUI solution, minimum size (reduced only when every member
is in Corse or overseas), 2021 temps 1 minimum number of OG, 2021 temps 1 priority sectors (warning),
and the software condition (Ségur referencing, with the AHI/PJM exceptions of each campaign)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from esms.rules.decisions.membre import MembreEvalue, normaliser_solution
from esms.rules.modeles import MembreInput, Motif, Verdict
from esms.rules.parametres import Campagne, ExigenceLogiciel
from esms.rules.trace import motif, pourcentage

SOURCE_DOUBLON = (
    "Hypothèse : un même ESSMS ne peut figurer deux fois dans une grappe (il n'est financé qu'une fois) ; "
    "appui : ARS PACA https://www.paca.ars.sante.fr/appel-projets-programme-esms-numerique-phase-de-generalisation-1"
)
LIBELLES_EXIGENCE = {
    "referencement": "une solution référencée Ségur",
    "candidature": "une solution au moins candidate (inscrite au guichet) au référencement Ségur",
    "aucune": "aucune exigence de référencement",
}


def doublons(membres: Sequence[MembreInput]) -> tuple[set[int], Verdict[list[str]]]:
    """Indexes of the 2nd and later occurrences of an ET, and the blocking verdict."""
    vus: set[str] = set()
    repetes: set[int] = set()
    numeros: list[str] = []
    for rang, membre in enumerate(membres):
        if membre.finess_et in vus:
            repetes.add(rang)
            if membre.finess_et not in numeros:
                numeros.append(membre.finess_et)
        vus.add(membre.finess_et)
    ok = not numeros
    message = (
        "Aucun établissement n'apparaît deux fois."
        if ok
        else f"Établissement(s) présent(s) plusieurs fois dans la grappe : {', '.join(numeros)}."
    )
    return repetes, Verdict(ok, numeros, (motif("grappe.doublons", ok, message, source=SOURCE_DOUBLON),))


def verifier_solution_unique(membres: Sequence[MembreInput], campagne: Campagne) -> Verdict[list[str]]:
    """One and the same DUI solution for every member of the project."""
    parametre = campagne.grappe.solution_dui_unique
    solutions: dict[str, str] = {}
    for membre in membres:
        solutions.setdefault(normaliser_solution(membre.solution_dui), membre.solution_dui.strip())
    noms = list(solutions.values())
    ok = len(noms) <= 1 or not parametre.valeur
    if len(noms) <= 1:
        message = (
            f"Une seule solution DUI pour tout le projet (« {noms[0]} »)."
            if noms
            else "Aucune solution DUI déclarée."
        )
    else:
        message = f"Le projet mêle {len(noms)} solutions DUI ({', '.join(noms)}) : une seule solution est admise par projet."
    return Verdict(ok, noms, (motif("grappe.solution_unique", ok, message, [parametre]),))


def tous_corse_outre_mer(membres: Sequence[MembreInput], campagne: Campagne) -> bool:
    """True when every member is in Corse or an overseas region (and there is at least one)."""
    regions = campagne.grappe.regions_corse_outre_mer.valeur
    return bool(membres) and all(m.region in regions for m in membres)


def seuil_indicatif(eligibles: Sequence[MembreInput], campagne: Campagne) -> bool:
    """True when every member is in a region whose ARS appreciates the minimum (2022 Corse: « idéalement »)."""
    regions = campagne.grappe.regions_seuil_indicatif.valeur
    return bool(regions) and bool(eligibles) and all(m.region in regions for m in eligibles)


def verifier_taille(eligibles: Sequence[MembreInput], nb_declares: int, campagne: Campagne) -> Verdict[int]:
    """Minimum number of eligible ESSMS (distinct). Below an indicative minimum (the ARS appreciates it),
    the grappe is not refused: the motif passes, is not blocking, and is marked as a reservation
    (rule `grappe.taille_reserve`) for the ARS to appreciate with its decision."""
    grappe = campagne.grappe
    reduit = tous_corse_outre_mer(eligibles, campagne)
    minimum = grappe.taille_min_corse_outre_mer if reduit else grappe.taille_min
    n = len(eligibles)
    ok = n >= minimum.valeur
    zone = " (tous les membres en Corse ou outre-mer)" if reduit else ""
    message = f"{n} établissement(s) éligible(s) sur {nb_declares} déclaré(s) ; minimum requis{zone} : {minimum.valeur}."
    parametres = [minimum, grappe.regions_corse_outre_mer]
    if not ok and seuil_indicatif(eligibles, campagne):
        message = (
            f"{n} établissement(s) éligible(s) sur {nb_declares} déclaré(s), sous le seuil indicatif de "
            f"{minimum.valeur} (« idéalement ») : réserve, l'ARS appréciera ce seuil en fonction du contexte du "
            "porteur (capacité à mener le projet, maturité en management du système d'information)."
        )
        parametres.append(grappe.regions_seuil_indicatif)
        return Verdict(True, n, (motif("grappe.taille_reserve", True, message, parametres, bloquant=False),))
    return Verdict(ok, n, (motif("grappe.taille", ok, message, parametres),))


def verifier_nb_og(eligibles: Sequence[MembreInput], campagne: Campagne) -> Verdict[int] | None:
    """2021 temps 1: at least 3 OG (2 in Corse/overseas), unless each OG alone has the minimum size."""
    grappe = campagne.grappe
    if grappe.nb_og_min.valeur is None:
        return None
    reduit = tous_corse_outre_mer(eligibles, campagne)
    minimum_og = (
        grappe.nb_og_min_corse_outre_mer
        if reduit and grappe.nb_og_min_corse_outre_mer.valeur
        else grappe.nb_og_min
    )
    taille = grappe.taille_min_corse_outre_mer if reduit else grappe.taille_min
    par_og = Counter(m.finess_ej for m in eligibles)
    n_og = len(par_og)
    assez_gros = bool(par_og) and all(nombre >= taille.valeur for nombre in par_og.values())
    ok = n_og >= (minimum_og.valeur or 0) or assez_gros
    if n_og >= (minimum_og.valeur or 0):
        message = f"{n_og} organisme(s) gestionnaire(s) ; minimum requis : {minimum_og.valeur}."
    elif assez_gros:
        message = (
            f"{n_og} organisme(s) gestionnaire(s), chacun avec au moins {taille.valeur} ESSMS : "
            "candidature possible sans le minimum d'OG."
        )
    else:
        message = (
            f"{n_og} organisme(s) gestionnaire(s) pour un minimum de {minimum_og.valeur} : un OG de moins de "
            f"{taille.valeur} ESSMS doit se regrouper avec d'autres."
        )
    return Verdict(ok, n_og, (motif("grappe.nb_og", ok, message, [minimum_og, taille]),))


def verifier_priorite(eligibles: Sequence[MembreInput], campagne: Campagne) -> Verdict[int] | None:
    """2021 temps 1 warning: the share of members outside the priority categories must stay a minority."""
    eligibilite = campagne.eligibilite
    prioritaires = eligibilite.categories_prioritaires.valeur
    part_max = eligibilite.part_max_hors_priorite.valeur
    if prioritaires is None or part_max is None or not eligibles:
        return None
    hors = sum(1 for m in eligibles if m.categorie not in prioritaires)
    ok = hors < part_max * len(eligibles)
    message = (
        f"{hors} ESSMS sur {len(eligibles)} hors des catégories prioritaires (PA/PH financés par l'assurance maladie) ; "
        f"part admise : moins de {pourcentage(part_max)}."
    )
    if not ok:
        message += " Projet non prioritaire (alerte, non bloquante)."
    parametres = [eligibilite.categories_prioritaires, eligibilite.part_max_hors_priorite]
    return Verdict(ok, hors, (motif("grappe.priorite", ok, message, parametres, bloquant=False),))


def exigence_logiciel(evalue: MembreEvalue, campagne: Campagne) -> str:
    """Software requirement for one member: the first matching sector rule, else the general rule."""
    logiciel = campagne.logiciel
    secteur = evalue.categorie.secteur
    sons = evalue.membre.sons_eligible
    regle: ExigenceLogiciel
    for regle in logiciel.exigences_par_secteur.valeur:
        if regle.secteur == secteur and (regle.sons_eligible is None or regle.sons_eligible is sons):
            return regle.exigence
    return "referencement" if logiciel.referencement_segur_requis.valeur else "aucune"


LIBELLES_REFERENCEMENT = {
    "segur": "référencement Ségur",
    "resah": "référencement Resah",
    "segur_hospitalier": "référencement Ségur du couloir hospitalier",
    "aucun": "aucun référencement",
}


def referencement_valable(membre: MembreInput, campagne: Campagne, depose_le: date | None) -> tuple[bool, str]:
    """Whether the member's solution referencing satisfies the campaign (accepted types, GHT hospital-corridor
    exception, referenced by the filing date), and the French reason when it does not."""
    logiciel = campagne.logiciel
    type_ = membre.type_referencement
    acceptes = logiciel.referencements_acceptes.valeur
    ght = type_ == "segur_hospitalier" and membre.ght and logiciel.exception_ght_couloir_hospitalier.valeur
    if type_ == "aucun":
        return False, "solution non référencée"
    if type_ not in acceptes and not ght:
        if type_ == "segur_hospitalier":
            return False, "référencement du couloir hospitalier admis seulement pour un ESSMS d'un GHT (2023)"
        return False, f"{LIBELLES_REFERENCEMENT[type_]} non admis en {campagne.code}"
    if (
        logiciel.referencement_au_depot.valeur
        and membre.date_referencement is not None
        and depose_le is not None
        and membre.date_referencement > depose_le
    ):
        return False, f"référencée le {membre.date_referencement:%d/%m/%Y}, après le dépôt"
    return True, ""


def _satisfait(exigence: str, membre: MembreInput, campagne: Campagne, depose_le: date | None) -> tuple[bool, str]:
    if exigence == "aucune":
        return True, ""
    valable, raison = referencement_valable(membre, campagne, depose_le)
    if exigence == "candidature" and not valable and membre.solution_candidate_segur:
        return True, ""
    return valable, raison


def verifier_logiciel(
    eligibles: Sequence[MembreEvalue], campagne: Campagne, depose_le: date | None = None
) -> Verdict[list[str]]:
    """Referencing of the project's DUI (Ségur, or Resah in 2022; hospital corridor for GHT members in 2023),
    with the AHI/PJM exceptions of the campaign."""
    logiciel = campagne.logiciel
    parametres = [
        logiciel.referencement_segur_requis,
        logiciel.referencements_acceptes,
        logiciel.exception_ght_couloir_hospitalier,
        logiciel.exemption_projet_ahi_pjm,
        logiciel.exigences_par_secteur,
    ]
    if (
        logiciel.exemption_projet_ahi_pjm.valeur
        and eligibles
        and all(e.categorie.secteur in ("ahi", "pjm") for e in eligibles)
    ):
        message = "Projet composé uniquement d'ESSMS AHI et/ou PJM : le référencement Ségur du logiciel n'est pas exigé."
        return Verdict(True, [], (motif("grappe.logiciel", True, message, parametres),))
    manquants: list[str] = []
    exigences: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for evalue in eligibles:
        exigence = exigence_logiciel(evalue, campagne)
        exigences[exigence] += 1
        satisfait, raison = _satisfait(exigence, evalue.membre, campagne, depose_le)
        if exigence != "aucune":
            types[evalue.membre.type_referencement] += 1
        if not satisfait:
            detail = f"{LIBELLES_EXIGENCE[exigence]} ; {raison}" if raison else LIBELLES_EXIGENCE[exigence]
            manquants.append(f"{evalue.membre.finess_et} ({detail})")
    ok = not manquants
    if ok:
        detail = ", ".join(f"{n} ESSMS : {LIBELLES_EXIGENCE[e]}" for e, n in sorted(exigences.items()))
        message = (
            f"Condition logicielle remplie ({detail})." if detail else "Aucun ESSMS éligible à contrôler."
        )
        if types and set(types) != {"segur"}:
            message += " Référencements : " + ", ".join(
                f"{n} ESSMS : {LIBELLES_REFERENCEMENT[t]}" for t, n in sorted(types.items())
            ) + "."
    else:
        message = f"La solution DUI ne remplit pas la condition logicielle pour : {', '.join(manquants[:10])}"
        message += f" et {len(manquants) - 10} autre(s)." if len(manquants) > 10 else "."
    return Verdict(ok, manquants, (motif("grappe.logiciel", ok, message, parametres),))


def motifs_de(*verdicts: Verdict[object] | None) -> list[Motif]:
    """Concatenate the traces of several verdicts (None skipped)."""
    return [m for v in verdicts if v is not None for m in v.motifs]
