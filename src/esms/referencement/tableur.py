"""Reading an uploaded spreadsheet (CSV or XLSX) into located rows, within size and memory bounds.

`lire_tableur(fichier, nom)` returns the header (normalised names) and the data rows, each cell with its
place: « fichier.xlsx, ligne 4, colonne C « siren » ». The upload goes through the shared upload module
(`esms.televersements`, kind « tableurs »): streamed to a temporary file and refused as soon as it passes the
kind's size limit; a gzip CSV is decompressed under the kind's caps; an XLSX whose members would inflate past
them (zip bomb) is refused before openpyxl opens it. Nothing here writes to the database.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from esms import televersements
from esms.referencement.erreurs import ImportRefuse

GENRE = "tableurs"
LIGNES_MAX = 100_000
MAX_ERREURS = 50


def cle_colonne(texte: str) -> str:
    """A header cell compared without accents, case, punctuation nor repeated blanks."""
    sans_accents = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode()
    propre = "".join(c if c.isalnum() else " " for c in sans_accents.casefold())
    return "_".join(propre.split())


def lettre_colonne(index: int) -> str:
    lettres = ""
    index += 1
    while index:
        index, reste = divmod(index - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


@dataclass(frozen=True)
class Tableau:
    nom: str
    xlsx: bool
    entete: list[str]  # normalised column keys
    lignes: list[tuple[int, list[str]]]  # (line number in the file, cells)

    def lieu(self, numero: int, colonne: str) -> str:
        index = self.entete.index(colonne)
        repere = f"{lettre_colonne(index)} " if self.xlsx else ""
        return f"{self.nom}, ligne {numero}, colonne {repere}« {colonne} »"

    def cellules(self, ligne: list[str]) -> dict[str, str]:
        return {c: (ligne[i].strip() if i < len(ligne) else "") for i, c in enumerate(self.entete)}


def _csv(contenu: bytes, nom: str) -> list[list[str]]:
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            texte = contenu.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefuse(f"{nom} : encodage non reconnu (UTF-8 ou Windows-1252 attendu).") from None
    premiere = texte.split("\n", 1)[0]
    separateur = ";" if premiere.count(";") >= premiere.count(",") and ";" in premiere else ","
    try:
        return list(csv.reader(io.StringIO(texte), delimiter=separateur))
    except csv.Error as exc:
        raise ImportRefuse(f"{nom} : CSV illisible ({exc}).") from None


def _cellule(valeur: object) -> str:
    if valeur is None:
        return ""
    if hasattr(valeur, "date") and hasattr(valeur, "hour"):  # openpyxl datetime of a date cell
        return valeur.date().isoformat()  # type: ignore[union-attr]
    if hasattr(valeur, "isoformat"):
        return valeur.isoformat()  # type: ignore[union-attr]
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur)


def _xlsx(chemin: Path, nom: str) -> list[list[str]]:
    televersements.verifier_zip(chemin, nom=nom, genre=GENRE)
    from openpyxl import load_workbook

    try:
        classeur = load_workbook(chemin, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ImportRefuse(f"{nom} : classeur XLSX illisible.") from None
    try:
        lignes = []
        for ligne in classeur.worksheets[0].iter_rows(values_only=True):
            lignes.append([_cellule(v) for v in ligne])
            if len(lignes) > LIGNES_MAX + 1:
                raise ImportRefuse(f"{nom} : plus de {LIGNES_MAX} lignes.")
        return lignes
    finally:
        classeur.close()


def _lire(fichier, nom: str, extension: str) -> list[list[str]]:
    recu = source = None
    try:
        recu = televersements.recevoir(fichier, nom=nom, genre=GENRE)
        source = televersements.decompresser(recu, genre=GENRE) if extension == ".csv" else recu
        if source.taille == 0:
            raise ImportRefuse(f"{nom} : le fichier est vide.")
        return _csv(source.chemin.read_bytes(), nom) if extension == ".csv" else _xlsx(source.chemin, nom)
    finally:
        for temporaire in {id(f): f for f in (recu, source) if f is not None}.values():
            temporaire.effacer()


def lire_tableur(fichier, nom: str, alias: Mapping[str, str], obligatoires: Iterable[str]) -> Tableau:
    """Read a CSV or XLSX upload; header cells are mapped to column keys through `alias` (normalised
    spelling → key). Missing mandatory columns are located errors; unknown columns are ignored."""
    nom = televersements.nom_sur(nom)
    extension = Path(nom[:-3] if nom.lower().endswith(".csv.gz") else nom).suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise ImportRefuse(f"{nom} : format non accepté (CSV ou XLSX attendu).")
    try:
        brutes = _lire(fichier, nom, extension)
    except televersements.TeleversementRefuse as exc:
        raise ImportRefuse(exc.messages) from None
    numerotees = [(i, cells) for i, cells in enumerate(brutes, start=1) if any(c.strip() for c in cells)]
    if not numerotees:
        raise ImportRefuse(f"{nom} : le fichier est vide.")
    if len(numerotees) > LIGNES_MAX + 1:
        raise ImportRefuse(f"{nom} : plus de {LIGNES_MAX} lignes.")
    _, entete_brute = numerotees[0]
    entete = [alias.get(cle_colonne(c), cle_colonne(c)) for c in entete_brute]
    erreurs = [f"{nom}, ligne {numerotees[0][0]} : colonne « {c} » manquante." for c in obligatoires
               if c not in entete]
    doubles = sorted({c for c in entete if c and entete.count(c) > 1 and c in alias.values()})
    erreurs += [f"{nom}, ligne {numerotees[0][0]} : colonne « {c} » présente plusieurs fois." for c in doubles]
    if erreurs:
        raise ImportRefuse(erreurs)
    if len(numerotees) == 1:
        raise ImportRefuse(f"{nom} : aucune ligne de données après l'en-tête.")
    return Tableau(nom, extension == ".xlsx", entete, numerotees[1:])
