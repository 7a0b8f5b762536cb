"""Indicator values: checking one report against the campaign's catalogue, and reading a CSV or XLSX file
of reports (one line per establishment) with every error located by file, line and column.

File layout (header on the first line, in any order): `finess_et`, `dui_actifs`, then one column per
indicator code of the catalogue (e.g. `taux_dui_actifs`, `taux_ins_qualifiee`…). An empty cell means
« not reported ». Decimal numbers accept a comma or a dot. Nothing is written when any line is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from esms.usages.erreurs import UsageRefuse

COLONNES_FIXES = ("finess_et", "dui_actifs")
MAX_ERREURS = 50


@dataclass(frozen=True)
class LigneRapport:
    ligne: int
    finess_et: str
    dui_actifs: int
    valeurs: dict[str, str]


def nombre(brut: object) -> Decimal | None:
    """A decimal from a form, a file cell or JSON (comma accepted); None when empty; ValueError otherwise."""
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        return None
    if isinstance(brut, bool):
        raise ValueError
    try:
        valeur = Decimal(str(brut).strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        raise ValueError from None
    if not valeur.is_finite():
        raise ValueError
    return valeur


def entier_positif(brut: object) -> int | None:
    valeur = nombre(brut)
    if valeur is None:
        return None
    if valeur != valeur.to_integral_value() or valeur < 0:
        raise ValueError
    return int(valeur)


def verifier_valeurs(valeurs: Mapping[str, object], catalogue: Iterable[str], lieu: str) -> tuple[dict[str, str], list[str]]:
    """Keep the reported values of known indicators as decimal text; located errors for the others."""
    codes = set(catalogue)
    propres: dict[str, str] = {}
    erreurs: list[str] = []
    for code, brut in valeurs.items():
        if code not in codes:
            erreurs.append(f"{lieu}, indicateur « {code} » : inconnu du catalogue de la campagne "
                           f"(attendu : {', '.join(sorted(codes))}).")
            continue
        try:
            valeur = nombre(brut)
        except ValueError:
            erreurs.append(f"{lieu}, indicateur « {code} » : nombre attendu (reçu « {brut} »).")
            continue
        if valeur is not None:
            if valeur < 0:
                erreurs.append(f"{lieu}, indicateur « {code} » : valeur négative.")
                continue
            propres[code] = format(valeur.normalize(), "f")
    return propres, erreurs


def _lignes_csv(contenu: bytes, nom: str) -> list[list[str]]:
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageRefuse(f"{nom} : le fichier n'est pas encodé en UTF-8.") from None
    premiere = texte.split("\n", 1)[0]
    separateur = ";" if ";" in premiere else ","
    return [ligne for ligne in csv.reader(io.StringIO(texte), delimiter=separateur)]


def _lignes_xlsx(contenu: bytes, nom: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-XLSX file
        raise UsageRefuse(f"{nom} : classeur XLSX illisible.") from None
    feuille = classeur.worksheets[0]
    lignes = [["" if v is None else str(v) for v in ligne] for ligne in feuille.iter_rows(values_only=True)]
    classeur.close()
    return lignes


def _colonne_xlsx(index: int) -> str:
    lettres = ""
    index += 1
    while index:
        index, reste = divmod(index - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def lire_fichier(contenu: bytes, *, nom: str, catalogue: Iterable[str], membres: Iterable[str]) -> list[LigneRapport]:
    """Every line of the file as a report, or UsageRefuse listing the located errors (at most 50)."""
    extension = Path(nom).suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise UsageRefuse(f"{nom} : format non accepté (CSV ou XLSX attendu).")
    if not contenu:
        raise UsageRefuse(f"{nom} : le fichier est vide.")
    lignes = _lignes_csv(contenu, nom) if extension == ".csv" else _lignes_xlsx(contenu, nom)
    lignes = [ligne for ligne in lignes if any(c.strip() for c in ligne)] if lignes else []
    if not lignes:
        raise UsageRefuse(f"{nom} : le fichier est vide.")
    codes, membres = list(catalogue), set(membres)
    entete = [c.strip().lower() for c in lignes[0]]
    inconnues = [c for c in entete if c not in (*COLONNES_FIXES, *codes)]
    manquantes = [c for c in COLONNES_FIXES if c not in entete]
    erreurs = [f"{nom}, ligne 1 : colonne « {c} » manquante." for c in manquantes]
    erreurs += [f"{nom}, ligne 1 : colonne « {c} » inconnue (attendu : {', '.join((*COLONNES_FIXES, *codes))})."
                for c in inconnues if c]
    if erreurs:
        raise UsageRefuse(erreurs)

    def lieu(numero: int, colonne: int) -> str:
        nom_colonne = entete[colonne]
        repere = f"{_colonne_xlsx(colonne)}, " if extension == ".xlsx" else ""
        return f"{nom}, ligne {numero}, colonne {repere}« {nom_colonne} »"

    rapports: list[LigneRapport] = []
    vus: dict[str, int] = {}
    for numero, ligne in enumerate(lignes[1:], start=2):
        if len(ligne) > len(entete) and any(c.strip() for c in ligne[len(entete):]):
            erreurs.append(f"{nom}, ligne {numero} : {len(ligne)} champs pour {len(entete)} colonnes.")
            continue
        cellules = dict(zip(entete, [*ligne, *[""] * (len(entete) - len(ligne))], strict=False))
        i_finess = entete.index("finess_et")
        finess = cellules["finess_et"].strip()
        if len(finess) == 8 and finess.isdigit():
            finess = "0" + finess  # a spreadsheet dropped the leading zero
        if not finess:
            erreurs.append(f"{lieu(numero, i_finess)} : FINESS manquant.")
        elif finess not in membres:
            erreurs.append(f"{lieu(numero, i_finess)} : l'établissement {finess} n'est pas membre de la grappe.")
        elif finess in vus:
            erreurs.append(f"{lieu(numero, i_finess)} : établissement {finess} déjà déclaré ligne {vus[finess]}.")
        else:
            vus[finess] = numero
        i_dui = entete.index("dui_actifs")
        dui = None
        try:
            dui = entier_positif(cellules["dui_actifs"])
            if dui is None:
                erreurs.append(f"{lieu(numero, i_dui)} : nombre de DUI actifs manquant.")
        except ValueError:
            erreurs.append(f"{lieu(numero, i_dui)} : nombre entier positif attendu (reçu « {cellules['dui_actifs']} »).")
        valeurs: dict[str, str] = {}
        for code in codes:
            if code not in entete:
                continue
            try:
                valeur = nombre(cellules[code])
            except ValueError:
                erreurs.append(f"{lieu(numero, entete.index(code))} : nombre attendu (reçu « {cellules[code]} »).")
                continue
            if valeur is not None and valeur < 0:
                erreurs.append(f"{lieu(numero, entete.index(code))} : valeur négative.")
            elif valeur is not None:
                valeurs[code] = format(valeur.normalize(), "f")
        if dui is not None and finess:
            rapports.append(LigneRapport(numero, finess, dui, valeurs))
        if len(erreurs) >= MAX_ERREURS:
            erreurs.append(f"{nom} : trop d'erreurs, lecture arrêtée ligne {numero}.")
            break
    if erreurs:
        raise UsageRefuse(erreurs)
    if not rapports:
        raise UsageRefuse(f"{nom} : aucune ligne de données après l'en-tête.")
    return rapports
