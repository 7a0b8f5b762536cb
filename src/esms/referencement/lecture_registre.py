"""Reading the ANS list of referenced DUI solutions (CSV or XLSX) into register lines, with every error
located by file, line and column. The supported columns are documented in docs/referencement.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from esms.referencement.dates import lire_date
from esms.referencement.erreurs import ImportRefuse
from esms.referencement.siren import erreur_siren, normaliser_siren
from esms.referencement.tableur import MAX_ERREURS, Tableau, cle_colonne, lire_tableur
from esms.rules.referencement import secteurs_de

# Column key → spellings accepted in the header (compared through `cle_colonne`).
COLONNES: dict[str, tuple[str, ...]] = {
    "editeur": ("editeur", "éditeur", "raison sociale de l'éditeur", "nom de l'éditeur", "industriel"),
    "siren": ("siren", "siren de l'éditeur", "n° siren"),
    "solution": ("solution", "nom de la solution", "logiciel", "nom commercial de la solution"),
    "version": ("version", "version de la solution", "version référencée"),
    "couloir": ("couloir", "couloir de référencement"),
    "vague": ("vague", "vague de référencement"),
    "secteurs": ("secteurs", "secteurs couverts", "périmètre", "perimetre", "secteur"),
    "date_referencement": ("date de référencement", "date_referencement", "date d'obtention du référencement"),
    "statut": ("statut", "statut du référencement"),
    "date_retrait": ("date de retrait", "date_retrait"),
}
OBLIGATOIRES = ("editeur", "siren", "solution", "version", "vague", "secteurs", "date_referencement")
ALIAS = {cle_colonne(orthographe): cle for cle, orthographes in COLONNES.items() for orthographe in orthographes}

COULOIRS = {"": "medico_social", "medico social": "medico_social", "medico-social": "medico_social",
            "dui": "medico_social", "esms": "medico_social", "dui esms": "medico_social",
            "hospitalier": "hospitalier", "hopital": "hospitalier", "couloir hospitalier": "hospitalier"}
STATUTS = {"": "referencee", "referencee": "referencee", "reference": "referencee", "active": "referencee",
           "retiree": "retiree", "retire": "retiree", "retrait": "retiree"}
_SEPARATEURS = re.compile(r"[;,/|+]|\bet\b")


@dataclass(frozen=True)
class LigneSolution:
    ligne: int
    editeur: str
    siren: str
    solution: str
    version: str
    couloir: str
    vague: int
    secteurs: tuple[str, ...]
    date_referencement: date
    statut: str
    date_retrait: date | None

    @property
    def cle(self) -> tuple[str, str, str, str]:
        return (self.siren, self.solution.casefold(), self.version.casefold(), self.couloir)


def _mot(texte: str) -> str:
    return cle_colonne(texte).replace("_", " ")


def lire_vague(brut: str) -> int | None:
    chiffres = "".join(c for c in brut if c.isdigit())
    return int(chiffres) if chiffres in ("1", "2") else None


def lire_registre(fichier, nom: str) -> list[LigneSolution]:
    """Every line of the list, or ImportRefuse with the located errors (at most 50)."""
    tableau = lire_tableur(fichier, nom, ALIAS, OBLIGATOIRES)
    return _lignes(tableau)


def _lignes(tableau: Tableau) -> list[LigneSolution]:
    erreurs: list[str] = []
    lignes: list[LigneSolution] = []
    vues: dict[tuple[str, str, str, str], int] = {}
    noms_editeurs: dict[str, tuple[str, int]] = {}
    for numero, brute in tableau.lignes:
        c = tableau.cellules(brute)
        avant = len(erreurs)

        def erreur(colonne: str, message: str, numero: int = numero) -> None:
            erreurs.append(f"{tableau.lieu(numero, colonne)} : {message}.")

        for colonne in ("editeur", "solution", "version"):
            if not c[colonne]:
                erreur(colonne, "valeur manquante")
        probleme_siren = erreur_siren(c["siren"])
        siren = normaliser_siren(c["siren"])
        if probleme_siren:
            erreur("siren", probleme_siren)
        elif c["editeur"]:
            connu = noms_editeurs.setdefault(siren, (c["editeur"], numero))
            if connu[0].casefold() != c["editeur"].casefold():
                erreur("editeur", f"le SIREN {siren} est celui de « {connu[0]} » (ligne {connu[1]})")
        vague = lire_vague(c["vague"])
        if vague is None:
            erreur("vague", f"vague « {c['vague']} » inconnue (attendu : 1 ou 2, ou « vague 1 », « vague 2 »)")
        couloir = COULOIRS.get(_mot(c.get("couloir", "")))
        if couloir is None:
            erreur("couloir", f"couloir « {c['couloir']} » inconnu (attendu : médico-social ou hospitalier)")
        statut = STATUTS.get(_mot(c.get("statut", "")))
        if statut is None:
            erreur("statut", f"statut « {c['statut']} » inconnu (attendu : référencée ou retirée)")
        secteurs: list[str] = []
        noms_secteurs = [s.strip() for s in _SEPARATEURS.split(c["secteurs"]) if s.strip()]
        if not noms_secteurs:
            erreur("secteurs", "aucun secteur indiqué")
        for nom_secteur in noms_secteurs:
            codes = secteurs_de(nom_secteur)
            if codes is None:
                erreur("secteurs", f"secteur « {nom_secteur} » inconnu (attendu : personnes âgées, handicap, "
                                   "domicile, protection de l'enfance, AHI, PJM, difficultés spécifiques)")
            else:
                secteurs.extend(s for s in codes if s not in secteurs)
        date_ref = date_retrait = None
        try:
            date_ref = lire_date(c["date_referencement"])
        except ValueError:
            erreur("date_referencement", f"date « {c['date_referencement']} » invalide (JJ/MM/AAAA attendu)")
        if c.get("date_retrait"):
            try:
                date_retrait = lire_date(c["date_retrait"])
            except ValueError:
                erreur("date_retrait", f"date « {c['date_retrait']} » invalide (JJ/MM/AAAA attendu)")
        if statut == "retiree" and not c.get("date_retrait"):
            erreur("statut", "solution retirée sans date de retrait (colonne « date_retrait »)")
        if date_ref and date_retrait and date_retrait < date_ref:
            erreur("date_retrait", "date de retrait antérieure à la date de référencement")
        if len(erreurs) == avant:
            ligne = LigneSolution(numero, c["editeur"], siren, c["solution"], c["version"], couloir or "",
                                  vague or 0, tuple(secteurs), date_ref,  # type: ignore[arg-type]
                                  statut or "", date_retrait)
            if ligne.cle in vues:
                erreur("solution", f"solution « {ligne.solution} {ligne.version} » de l'éditeur {siren} déjà "
                                   f"présente ligne {vues[ligne.cle]} (doublon)")
            else:
                vues[ligne.cle] = numero
                lignes.append(ligne)
        if len(erreurs) >= MAX_ERREURS:
            erreurs.append(f"{tableau.nom} : trop d'erreurs, lecture arrêtée ligne {numero}.")
            break
    if erreurs:
        raise ImportRefuse(erreurs)
    return lignes
