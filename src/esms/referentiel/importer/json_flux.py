"""Streaming reader of a large JSON object whose one array member holds the records (FINESS+ `pmej`).

The text is decoded by blocks of 1 MB and each value is parsed by the standard library's C scanner
(`json.JSONDecoder.raw_decode`) at its position in the block: the top-level members one by one, and the big
array's items one at a time, so memory holds one block plus one record whatever the file's size. This is a
third faster than an event parser building the same objects (ijson's yajl2 C backend: 1.1 s against 1.6 s of
CPU for the 122 MB national snapshot), and reads the small members (`gcc`, `gco`…) in the same pass wherever
they stand. A value cut by the end of the block is parsed again once the next block is appended; a value that
is still invalid with 32 MB after it, or at the end of the file, is a JSON error, located by line and column
in the decoded file (and, by the caller, by the item's rank), in French.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

BLOC = 1 << 20
VALEUR_MAX = 32 << 20  # characters one value may span (a PMEJ with all its EGE is a few kB to a few MB)
_ESPACES = " \t\r\n"


class ErreurJson(ValueError):
    """Invalid JSON, with its line and column in the decoded file and a French message."""

    def __init__(self, ligne: int, colonne: int, message: str) -> None:
        super().__init__(f"JSON invalide ligne {ligne}, colonne {colonne} : {message}")
        self.ligne, self.colonne = ligne, colonne


_MESSAGES = {  # the standard library's messages (json.decoder, json.scanner), in French
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting property name enclosed in double quotes": "nom de propriété entre guillemets attendu",
    "Unterminated string starting at": "chaîne de caractères non terminée",
    "Invalid control character at": "caractère de contrôle interdit dans une chaîne",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Invalid \\uXXXX escape": "séquence d'échappement \\u invalide",
}


def _constante_refusee(nom: str) -> float:
    raise ValueError(f"constante « {nom} » non autorisée en JSON")


_DECODEUR = json.JSONDecoder(parse_constant=_constante_refusee)


class LecteurObjet:
    """Walks the members of the top-level JSON object of a binary stream (UTF-8, BOM allowed)."""

    def __init__(self, flux: IO[bytes]) -> None:
        self.texte = io.TextIOWrapper(flux, encoding="utf-8-sig")
        self.bloc = ""
        self.position = 0  # in `bloc`
        self.lignes = 0  # line ends of the file before `bloc`
        self.colonnes = 0  # characters between the last of them and `bloc`
        self.fin = False

    def _erreur(self, position: int, message: str) -> ErreurJson:
        fin_de_ligne = self.bloc.rfind("\n", 0, position)
        colonne = position - fin_de_ligne if fin_de_ligne >= 0 else self.colonnes + position + 1
        return ErreurJson(self.lignes + self.bloc.count("\n", 0, position) + 1, colonne, message)

    def _lire(self) -> bool:
        """Append the next block (dropping what was consumed); False at the end of the file."""
        if self.fin:
            return False
        try:
            suite = self.texte.read(BLOC)
        except UnicodeDecodeError as exc:
            raise self._erreur(len(self.bloc), f"octets invalides en UTF-8 ({exc.reason})") from exc
        if not suite:
            self.fin = True
            return False
        fin_de_ligne = self.bloc.rfind("\n", 0, self.position)
        if fin_de_ligne < 0:
            self.colonnes += self.position
        else:
            self.lignes += self.bloc.count("\n", 0, self.position)
            self.colonnes = self.position - fin_de_ligne - 1
        self.bloc = self.bloc[self.position:] + suite
        self.position = 0
        return True

    def _caractere(self) -> str:
        """The next non-blank character (not consumed), or '' at the end of the file."""
        while True:
            bloc, i = self.bloc, self.position
            while i < len(bloc) and bloc[i] in _ESPACES:
                i += 1
            self.position = i
            if i < len(bloc):
                return bloc[i]
            if not self._lire():
                return ""

    def _attendre(self, attendus: str) -> str:
        caractere = self._caractere()
        if not caractere or caractere not in attendus:
            lu = f"« {caractere} »" if caractere else "la fin du fichier"
            raise self._erreur(self.position, f"{' ou '.join(f'« {a} »' for a in attendus)} attendu, {lu} trouvé")
        self.position += 1
        return caractere

    def _valeur(self) -> Any:
        self._caractere()
        while True:
            try:
                valeur, fin = _DECODEUR.raw_decode(self.bloc, self.position)
            except json.JSONDecodeError as exc:
                if len(self.bloc) - self.position < VALEUR_MAX and self._lire():
                    continue  # cut by the end of the block: parse again with the next one
                raise self._erreur(exc.pos, _MESSAGES.get(exc.msg, f"erreur de syntaxe ({exc.msg})")) from exc
            except ValueError as exc:  # a refused constant (NaN, Infinity)
                raise self._erreur(self.position, str(exc)) from exc
            if fin == len(self.bloc) and self._lire():
                continue  # a number may go on in the next block: parse again
            self.position = fin
            return valeur

    def membres(self, tableau: str, articles: Callable[[Iterator[Any]], None]) -> dict[str, Any]:
        """Every top-level member but `tableau`, whose items are handed as an iterator to `articles`."""
        valeurs: dict[str, Any] = {}
        self._attendre("{")
        if self._caractere() == "}":
            self.position += 1
            return valeurs
        while True:
            cle = self._valeur()
            if not isinstance(cle, str):
                raise self._erreur(self.position, "nom de propriété entre guillemets attendu")
            self._attendre(":")
            if cle == tableau and self._caractere() == "[":
                self.position += 1
                iterateur = self._articles()
                articles(iterateur)
                for _ in iterateur:  # what the consumer left, to reach the end of the array
                    pass
                valeurs[cle] = True
            else:
                valeurs[cle] = self._valeur()
            if self._attendre(",}") == "}":
                break
        if self._caractere():
            raise self._erreur(self.position, "contenu après la fin de l'objet JSON")
        return valeurs

    def _articles(self) -> Iterator[Any]:
        if self._caractere() == "]":
            self.position += 1
            return
        while True:
            yield self._valeur()
            if self._attendre(",]") == "]":
                return
