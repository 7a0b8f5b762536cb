"""Indicator values: checking one report against the campaign's catalogue, and reading a CSV or XLSX file
of reports (one line per establishment) with every error located by file, line and column.

File layout (header on the first line, in any order): `finess_et`, `dui_actifs`, then one column per
indicator code of the catalogue (e.g. `taux_dui_actifs`, `taux_ins_qualifiee`…). An empty cell means
« not reported ». Decimal numbers accept a comma or a dot, never an exponent; counts are integers (`esms.nombres`). The file
is read as a stream from its temporary copy (`esms.televersements`), before any transaction. Nothing is
written when any line is wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from esms import nombres, televersements
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
    """A bounded indicator value (`esms.nombres.decimal_borne`): comma accepted, no exponent; None when
    empty; `NombreInvalide` (a ValueError, French reason) otherwise."""
    return nombres.decimal_borne(brut, negatif=True)


def entier_positif(brut: object) -> int | None:
    """A count (`esms.nombres.compte`: 0 to one billion, digits only); None when empty; ValueError otherwise."""
    return nombres.compte(brut)


def verifier_valeurs(valeurs: Mapping[str, object], catalogue: Iterable[str], lieu: str) -> tuple[dict[str, str], list[str]]:
    """Keep the reported values of known indicators as decimal text; located errors for the others."""
    codes = set(catalogue)
    propres: dict[str, str] = {}
    erreurs: list[str] = []
    for code, brut in valeurs.items():
        if code not in codes:
            erreurs.append(f"{lieu}, indicateur « {str(code)[:100]} » : inconnu du catalogue de la campagne "
                           f"(attendu : {', '.join(sorted(codes))}).")
            continue
        try:
            valeur = nombre(brut)
        except ValueError as exc:
            erreurs.append(f"{lieu}, indicateur « {code} » : {exc}.")
            continue
        if valeur is not None:
            if valeur < 0:
                erreurs.append(f"{lieu}, indicateur « {code} » : valeur négative.")
                continue
            propres[code] = nombres.texte_decimal(valeur)
    return propres, erreurs


def _lignes_csv(chemin: Path, nom: str) -> Iterator[list[object]]:
    """The CSV's records, streamed from the file (`;` or `,` chosen from the first line)."""
    with open(chemin, encoding="utf-8-sig", newline="") as flux:
        try:
            premiere = flux.readline(1 << 16)
        except UnicodeDecodeError:
            raise UsageRefuse(f"{nom}, ligne 1 : le fichier n'est pas encodé en UTF-8.") from None
        separateur = ";" if ";" in premiere else ","
        flux.seek(0)
        lecteur = csv.reader(flux, delimiter=separateur)
        while True:
            try:
                ligne = next(lecteur)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise UsageRefuse(f"{nom}, ligne {lecteur.line_num + 1} : le fichier n'est pas encodé en UTF-8.") from None
            except csv.Error as exc:
                raise UsageRefuse(f"{nom}, ligne {lecteur.line_num} : ligne CSV illisible ({exc}).") from None
            yield list[object](ligne)


def _lignes_xlsx(chemin: Path, nom: str) -> Iterator[list[object]]:
    """The first sheet's rows, streamed (openpyxl read-only), after the ZIP container's caps are checked."""
    from openpyxl import load_workbook

    try:
        televersements.verifier_zip(chemin, nom=nom, genre="indicateurs")
    except televersements.TeleversementRefuse as exc:
        raise UsageRefuse(exc.messages) from None
    try:
        classeur = load_workbook(chemin, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-XLSX file
        raise UsageRefuse(f"{nom} : classeur XLSX illisible.") from None
    try:
        for ligne in classeur.worksheets[0].iter_rows(values_only=True):
            yield ["" if v is None else v for v in ligne]
    finally:
        classeur.close()


def _colonne_xlsx(index: int) -> str:
    lettres = ""
    index += 1
    while index:
        index, reste = divmod(index - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def _vide(cellule: object) -> bool:
    return not str(cellule).strip()


def lire_fichier(chemin: Path, *, nom: str, catalogue: Iterable[str], membres: Iterable[str]) -> list[LigneRapport]:
    """Every line of the file (streamed from `chemin`) as a report, or UsageRefuse listing the located errors
    (at most 50). Only valid lines are kept: each is a distinct member of the grappe, so memory is bounded
    by the grappe, not by the file."""
    extension = Path(nom).suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise UsageRefuse(f"{nom} : format non accepté (CSV ou XLSX attendu).")
    if chemin.stat().st_size == 0:
        raise UsageRefuse(f"{nom} : le fichier est vide.")
    lecture: Iterator[list[object]] = _lignes_csv(chemin, nom) if extension == ".csv" else _lignes_xlsx(chemin, nom)
    codes, membres = list(catalogue), set(membres)
    numeros = enumerate(lecture, start=1)
    entete: list[str] = []
    for _numero, ligne in numeros:
        if any(not _vide(c) for c in ligne):
            entete = [str(c).strip().lower() for c in ligne]
            break
    if not entete:
        raise UsageRefuse(f"{nom} : le fichier est vide.")
    inconnues = [c for c in entete if c not in (*COLONNES_FIXES, *codes)]
    manquantes = [c for c in COLONNES_FIXES if c not in entete]
    erreurs = [f"{nom}, ligne 1 : colonne « {c} » manquante." for c in manquantes]
    erreurs += [f"{nom}, ligne 1 : colonne « {c[:100]} » inconnue (attendu : {', '.join((*COLONNES_FIXES, *codes))})."
                for c in inconnues[:MAX_ERREURS] if c]
    if erreurs:
        raise UsageRefuse(erreurs)

    def lieu(numero: int, colonne: int) -> str:
        nom_colonne = entete[colonne]
        repere = f"{_colonne_xlsx(colonne)}, " if extension == ".xlsx" else ""
        return f"{nom}, ligne {numero}, colonne {repere}« {nom_colonne} »"

    i_finess, i_dui = entete.index("finess_et"), entete.index("dui_actifs")
    rapports: list[LigneRapport] = []
    vus: dict[str, int] = {}
    numero = 1
    for numero, ligne in numeros:
        if not any(not _vide(c) for c in ligne):
            continue
        if len(ligne) > len(entete) and any(not _vide(c) for c in ligne[len(entete):]):
            erreurs.append(f"{nom}, ligne {numero} : {len(ligne)} champs pour {len(entete)} colonnes.")
        else:
            cellules = dict(zip(entete, [*ligne, *[""] * (len(entete) - len(ligne))], strict=False))
            finess = str(cellules["finess_et"]).strip()[:40]
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
            dui = None
            try:
                dui = nombres.compte(cellules["dui_actifs"])
                if dui is None:
                    erreurs.append(f"{lieu(numero, i_dui)} : nombre de DUI actifs manquant.")
            except ValueError as exc:
                erreurs.append(f"{lieu(numero, i_dui)} : {exc}.")
            valeurs: dict[str, str] = {}
            for code in codes:
                if code not in entete:
                    continue
                try:
                    valeur = nombre(cellules[code])
                except ValueError as exc:
                    erreurs.append(f"{lieu(numero, entete.index(code))} : {exc}.")
                    continue
                if valeur is not None and valeur < 0:
                    erreurs.append(f"{lieu(numero, entete.index(code))} : valeur négative.")
                elif valeur is not None:
                    valeurs[code] = nombres.texte_decimal(valeur)
            if dui is not None and finess in vus and vus[finess] == numero:
                rapports.append(LigneRapport(numero, finess, dui, valeurs))
        if len(erreurs) >= MAX_ERREURS:
            erreurs.append(f"{nom} : trop d'erreurs, lecture arrêtée ligne {numero}.")
            break
    if erreurs:
        raise UsageRefuse(erreurs)
    if not rapports:
        raise UsageRefuse(f"{nom} : aucune ligne de données après l'en-tête.")
    return rapports
