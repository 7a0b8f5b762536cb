"""The form of one section of a campaign's parameters, built from the rules' shape (`rules.schema_campagne`):
one typed input per parameter (number, yes/no, date, choice, text; one row per item for a list of codes or
choices, always with an empty row to add one; JSON for lists of records and tables) with its source, status
and note, read back into the rules' plain form, with each error placed on its field (and its row)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from esms.rules.parametres import STATUTS
from esms.rules.schema_campagne import SECTIONS, Dictionnaire, Feuille, Groupe

LIBELLES_SECTIONS = {
    "grappe": "Grappe (taille, appels, organismes)",
    "calendrier": "Calendrier (dates des appels)",
    "enveloppes": "Enveloppes",
    "financement": "Financement (forfaits et montants)",
    "versement": "Versements",
    "logiciel": "Condition logicielle",
    "eligibilite": "Éligibilité",
    "usage": "Cibles d'usage (seuils)",
    "programme": "Programme (cibles nationales, pièces)",
}


def libelle(chemin: str) -> str:
    """« grappe.taille_min_corse_outre_mer » → « Taille min corse outre mer (grappe) »."""
    section, _, reste = chemin.partition(".")
    mots = reste.replace(".", " — ").replace("_", " ") if reste else section
    return f"{mots[:1].upper()}{mots[1:]} ({section})"


@dataclass
class Champ:
    chemin: str
    nature: str  # entier | booleen | date | choix | texte | liste | json
    nullable: bool
    valeur: str  # as shown in the input
    source: str = ""
    statut: str = ""
    note: str = ""
    options: tuple[str, ...] = ()
    bloc: bool = False  # a table of parameters (each with its own source), edited as one JSON block
    erreurs: list[str] = field(default_factory=list)
    lignes: list[str] = field(default_factory=list)  # a list's items, one input each
    motif: str = ""  # a list item's pattern (e.g. two digits for a region code)
    exemple: str = ""  # an item the pattern accepts, for the error message

    @property
    def lignes_affichees(self) -> list[tuple[int, str]]:
        """The rows of a list, numbered from 1, and one empty row to add an item."""
        return list(enumerate([*self.lignes, ""], start=1))

    @property
    def libelle(self) -> str:
        return libelle(self.chemin)

    @property
    def ident(self) -> str:
        return "p-" + self.chemin.replace(".", "-")


def _nature(spec: Feuille) -> tuple[str, tuple[str, ...]]:
    schema = spec.schema
    items = schema.get("items") or {}
    if schema.get("type") == "array" and ("enum" in items or items.get("type") == "string"):
        return "liste", tuple(items.get("enum", ()))
    if "enum" in schema:
        return "choix", tuple(schema["enum"])
    type_ = schema.get("type")
    if type_ == "integer":
        return "entier", ()
    if type_ == "boolean":
        return "booleen", ()
    if type_ == "string":
        return ("date", ()) if schema.get("format") == "date" else ("texte", ())
    return "json", ()


def _affiche(nature: str, valeur: Any) -> str:
    if valeur is None:
        return ""
    if nature == "booleen":
        return "oui" if valeur else "non"
    if nature == "json":
        return json.dumps(valeur, ensure_ascii=False, indent=1)
    return str(valeur)


def champs(section: str, donnees: dict[str, Any]) -> list[Champ]:
    """The inputs of `section`, filled from its plain form `donnees`."""
    resultat: list[Champ] = []

    def parcourir(spec: Feuille | Groupe | Dictionnaire, noeud: Any, chemin: str) -> None:
        if isinstance(spec, Groupe):
            for nom, sous in spec.champs.items():
                parcourir(sous, (noeud or {}).get(nom), f"{chemin}.{nom}")
        elif isinstance(spec, Dictionnaire):
            resultat.append(Champ(chemin, "json", False, _affiche("json", noeud or {}), bloc=True))
        else:
            nature, options = _nature(spec)
            feuille = noeud or {}
            valeur = feuille.get("valeur")
            champ = Champ(chemin, nature, spec.nullable, "" if nature == "liste" else _affiche(nature, valeur),
                          str(feuille.get("source") or ""), str(feuille.get("statut") or ""),
                          str(feuille.get("note") or ""), options)
            if nature == "liste":
                champ.lignes = [str(v) for v in valeur or []]
                champ.motif = str((spec.schema.get("items") or {}).get("pattern") or "")
                champ.exemple = _EXEMPLES.get(champ.motif, "")
            resultat.append(champ)

    parcourir(SECTIONS[section], donnees, section)
    return resultat


_EXEMPLES = {"^[0-9]{2}$": "84", "^[0-9]{3}$": "500"}


def _lire_liste(champ: Champ, lignes: list[str]) -> list[str]:
    """A list's items from its rows (empty rows dropped); `ValueError` naming each faulty row."""
    champ.lignes = [ligne.strip() for ligne in lignes if ligne.strip()]
    fautes = []
    for rang, item in enumerate(champ.lignes, start=1):
        if champ.options and item not in champ.options:
            fautes.append(f"ligne {rang} : « {item} » n'est pas parmi {', '.join(champ.options)}")
        elif champ.motif and not re.fullmatch(champ.motif.strip("^$"), item):
            attendu = f" (par exemple {champ.exemple})" if champ.exemple else ""
            fautes.append(f"ligne {rang} : code « {item} » invalide{attendu}")
    if len(set(champ.lignes)) != len(champ.lignes):
        fautes.append("un même élément figure deux fois")
    if fautes:
        raise ValueError(" ; ".join(fautes))
    return champ.lignes


def _lire_valeur(champ: Champ, brut: str) -> Any:
    """The plain value of an input; `ValueError` with the French reason."""
    brut = brut.strip()
    if champ.nature != "json" and not brut:
        if champ.nullable:
            return None
        raise ValueError("valeur obligatoire")
    if champ.nature == "entier":
        nombre = brut.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if not nombre.lstrip("-").isdigit():
            raise ValueError(f"nombre entier attendu (par exemple 15), et non « {brut} »")
        return int(nombre)
    if champ.nature == "booleen":
        if brut not in ("oui", "non"):
            raise ValueError("choisir oui ou non")
        return brut == "oui"
    if champ.nature == "date":
        try:
            return date.fromisoformat(brut).isoformat()
        except ValueError:
            raise ValueError(f"date attendue au format AAAA-MM-JJ, et non « {brut} »") from None
    if champ.nature == "choix" and brut not in champ.options:
        raise ValueError(f"valeur attendue parmi : {', '.join(champ.options)}")
    if champ.nature == "json":
        try:
            return json.loads(brut or "null")
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}") from None
    return brut


def lire(section: str, base: dict[str, Any], post: Any) -> tuple[dict[str, Any], list[Champ]]:
    """The section's plain form from a POST (`post.get`), and its fields with what was typed and the errors
    found on each (the rules' checks come after, see `placer`)."""
    lus = champs(section, base)
    contenu: dict[str, Any] = {}
    for champ in lus:
        cles = champ.chemin.split(".")[1:]
        cible = contenu
        for cle in cles[:-1]:
            cible = cible.setdefault(cle, {})
        brut = post.get(f"{champ.chemin}__valeur", "")
        champ.valeur = brut
        try:
            if champ.nature == "liste":
                valeur = _lire_liste(champ, list(post.getlist(f"{champ.chemin}__valeur")))
            else:
                valeur = _lire_valeur(champ, brut)
        except ValueError as exc:
            champ.erreurs.append(str(exc))
            valeur = None
        if champ.bloc:
            cible[cles[-1]] = valeur if valeur is not None else {}
            continue
        champ.source = post.get(f"{champ.chemin}__source", "").strip()
        champ.statut = post.get(f"{champ.chemin}__statut", "")
        champ.note = post.get(f"{champ.chemin}__note", "").strip()
        if not champ.source:
            champ.erreurs.append("source obligatoire (référence de l'instruction, URL, ou « Hypothèse : » et pourquoi)")
        if champ.statut not in STATUTS:
            champ.erreurs.append(f"statut attendu parmi : {', '.join(STATUTS)}")
        feuille: dict[str, Any] = {"valeur": valeur, "source": champ.source, "statut": champ.statut}
        if champ.note:
            feuille["note"] = champ.note
        cible[cles[-1]] = feuille
    return contenu, lus


def placer(erreurs: list[str], lus: list[Champ]) -> list[str]:
    """Put each rules error (« chemin : raison ») on the field it names; return those that name none."""
    par_chemin = sorted(lus, key=lambda c: -len(c.chemin))
    restantes = []
    for erreur in erreurs:
        chemin, separateur, raison = erreur.partition(" : ")
        champ = next((c for c in par_chemin if separateur and (chemin == c.chemin or chemin.startswith(c.chemin + "."))),
                     None)
        if champ is None:
            restantes.append(erreur)
        else:
            precision = chemin[len(champ.chemin) + 1:]
            champ.erreurs.append(f"{precision} : {raison}" if precision else raison)
    return restantes
