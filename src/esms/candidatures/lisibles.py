"""Refusals a porteur can act on: the rules' located input errors (« members[0].solution_dui : texte non vide
attendu ») and failed rules (by their stable code, e.g. `grappe.taille`) become French sentences naming the
field, the establishment, and what to do on the edition page. Never a JSON path on a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Field of a member in the rules' contract -> (what it is for the porteur, what to do about it).
CHAMPS_MEMBRE: dict[str, tuple[str, str]] = {
    "solution_dui": ("la solution DUI de la grappe n'est pas choisie",
                     "choisissez-la dans le registre, section « La grappe », puis enregistrez la grappe"),
    "referencement_segur": ("le référencement Ségur de la solution choisie est incomplet dans le registre",
                            "choisissez une autre solution du registre ou signalez-le à l'administration nationale"),
    "solution_referencee_segur": ("le référencement Ségur de la solution n'est pas connu",
                                  "choisissez la solution dans le registre, section « La grappe »"),
    "categorie": ("la catégorie FINESS de l'établissement est inconnue ou invalide",
                  "vérifiez l'établissement dans le référentiel FINESS ou retirez-le de la grappe"),
    "departement": ("le département de l'établissement est incohérent dans le référentiel",
                    "retirez l'établissement et signalez l'anomalie à votre ARS"),
    "region": ("la région de l'établissement est inconnue dans le référentiel",
               "retirez l'établissement et signalez l'anomalie à votre ARS"),
    "finess_et": ("le numéro FINESS de l'établissement est invalide",
                  "retirez-le et ajoutez l'établissement par sa fiche du référentiel"),
    "finess_ej": ("le numéro FINESS de l'organisme gestionnaire de l'établissement est invalide",
                  "signalez l'anomalie à votre ARS"),
    "cas": ("le cas de financement n'est pas reconnu",
            "choisissez le cas dans la colonne « Cas » du tableau des membres, puis « Enregistrer »"),
    "part_heures_eligibles": ("la part des heures éligibles doit être un nombre entre 0 et 1",
                              "corrigez-la dans le tableau des membres (ex. 0,8 pour 80 %)"),
    "deja_finance_pour": ("le champ « Déjà financé pour » est mal rempli",
                          "indiquez le nom de la solution déjà financée, ou laissez-le vide"),
    "montant_equipement_demande": ("l'équipement demandé doit être un montant positif en euros",
                                   "corrigez-le dans le tableau des membres"),
    "autres_fonds_ue": ("la déclaration des autres fonds européens manque",
                        "cochez ou décochez « Autres fonds UE » dans le tableau des membres, puis « Enregistrer »"),
}

MEMBRES_VIDES = ("La grappe ne compte aucun établissement : ajoutez au moins un établissement dans la section "
                 "« Ajouter des établissements » (ceux d'un autre organisme ne comptent qu'après son accord).")
REGION_PILOTE = ("la région de dépôt choisie n'est pas valable",
                 "choisissez, section « La grappe », l'ARS d'une région où la grappe compte un établissement")

# What to do when a blocking rule fails, by the rules' stable code (the rule's own message says why).
CONSEILS: dict[str, str] = {
    "grappe.taille": "Ajoutez des établissements éligibles (section « Ajouter des établissements ») ou retirez "
                     "ceux qui ne comptent pas.",
    "grappe.doublons": "Retirez l'établissement présent deux fois.",
    "grappe.solution_unique": "Une grappe déploie une seule solution DUI : choisissez-la dans la section « La grappe ».",
    "grappe.nb_og": "Associez des établissements d'autres organismes gestionnaires à la grappe.",
    "grappe.logiciel": "Choisissez, section « La grappe », une solution référencée Ségur pour le secteur de chaque "
                       "membre, ou retirez les membres concernés.",
    "delais.depot": "Le dépôt n'est plus possible pour cet appel ; rapprochez-vous de votre ARS.",
    "appel.routage": "Vérifiez les régions des établissements membres.",
    "appel.region_pilote": "Choisissez, section « La grappe », l'ARS d'une région où la grappe compte un "
                           "établissement.",
}

_CHEMIN_MEMBRE = re.compile(r"^members\[(\d+)\]\.(\w+)(?:\.[\w.]+)? : (.*)$")


def erreurs_lisibles(erreurs: Iterable[str], membres: Sequence[tuple[str, str]]) -> list[str]:
    """French sentences for the rules' located input errors. `membres` lists (FINESS, name) of the members as
    sent to the rules, in the same order (the index of « members[i] »). Errors on the same field are grouped:
    one sentence names every establishment concerned."""
    par_champ: dict[str, list[str]] = {}
    autres: list[str] = []
    for erreur in erreurs:
        trouve = _CHEMIN_MEMBRE.match(erreur)
        if erreur.startswith("members : "):
            autres.append(MEMBRES_VIDES)
        elif erreur.startswith("region_pilote : "):
            quoi, faire = REGION_PILOTE
            autres.append(f"{quoi[0].upper()}{quoi[1:]} : {faire}.")
        elif trouve:
            rang, champ = int(trouve.group(1)), trouve.group(2)
            finess, nom = membres[rang] if rang < len(membres) else ("?", "")
            qui = f"{finess} « {nom} »" if nom else finess
            if champ in CHAMPS_MEMBRE:
                par_champ.setdefault(champ, []).append(qui)
            else:
                autres.append(f"Établissement {qui} : donnée invalide ({trouve.group(3)}) ; "
                              "retirez-le de la grappe et signalez l'anomalie à votre ARS.")
        else:
            autres.append(f"Donnée du dossier invalide ({erreur.split(' : ', 1)[-1]}) : signalez-le à l'assistance.")
    phrases = []
    for champ, concernes_liste in par_champ.items():
        quoi, faire = CHAMPS_MEMBRE[champ]
        n = len(concernes_liste)
        concernes = ", ".join(concernes_liste[:5]) + (f" et {n - 5} autre(s)" if n > 5 else "")
        sujet = "Pour l'établissement" if n == 1 else f"Pour {n} établissements"
        phrases.append(f"{sujet} ({concernes}), {quoi} : {faire}.")
    return list(dict.fromkeys([*autres, *phrases]))


def avec_conseil(motif: dict) -> str:
    """The rule's French message followed by what to do (by the rule's code), for a refusal."""
    conseil = CONSEILS.get(motif.get("rule", ""), "")
    return f"{motif['message']} {conseil}".strip()
