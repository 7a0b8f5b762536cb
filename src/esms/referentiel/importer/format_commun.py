"""What the ET and EJ layouts share: the metadata line, the validation context and field checks.

Every check returns a French message (or None); the layout modules attach the file line and field name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, Model

from esms.referentiel.erreurs import Anomalie
from esms.rules.finess import departement_du_numero, erreur_numero_finess

TYPES_DE_LIGNE = {"structureet": "et", "geolocalisation": "et", "structureej": "ej"}


@dataclass
class Contexte:
    """Reference data the lines are checked against (read once from the database)."""

    departements: dict[str, tuple[str, str]]  # FINESS code (01…95, 2A, 2B, 9A…) → (INSEE code, region code)
    categories: set[str]
    statuts: set[str] = field(default_factory=set)


@dataclass
class Entete:
    date_extraction: date
    compteur: str  # the `<n>` of `finess;etalab;<n>;<date>`, often empty; not required


def analyser_entete(ligne: str) -> Entete | Anomalie:
    """Line 1: `finess;etalab;<n>;<date>`."""
    champs = ligne.split(";")
    if len(champs) < 2 or champs[0] != "finess" or champs[1] != "etalab":
        debut = ligne[:40]
        return Anomalie(1, "entête", debut, "ligne de métadonnées « finess;etalab;<n>;<date> » absente "
                                            f"(lu « {debut} ») : ce n'est pas un fichier d'extraction FINESS Etalab")
    if len(champs) != 4:
        return Anomalie(1, "entête", ligne, f"{len(champs)} champs au lieu de 4 dans la ligne de métadonnées")
    if champs[2] and not champs[2].isdigit():
        return Anomalie(1, "entête", champs[2], f"compteur « {champs[2]} » non numérique")
    extraction = lire_date(champs[3])
    if not isinstance(extraction, date):
        return Anomalie(1, "date d'extraction", champs[3], extraction or "date d'extraction absente")
    return Entete(date_extraction=extraction, compteur=champs[2])


def type_de_fichier(lignes: list[str]) -> str | None:
    """`et` or `ej`, from the first data line's type; None when unknown."""
    for ligne in lignes[1:]:
        if ligne:
            return TYPES_DE_LIGNE.get(ligne.split(";", 1)[0])
    return None


def lire_date(valeur: str) -> date | str | None:
    """A `YYYY-MM-DD` date, or None when empty, or a French message when unparsable."""
    if not valeur:
        return None
    if len(valeur) == 10 and valeur[4] == "-" and valeur[7] == "-":
        try:
            return date.fromisoformat(valeur)
        except ValueError:
            pass
    return f"date invalide « {valeur} » (attendu AAAA-MM-JJ)"


class VerificateurNumeros:
    """FINESS number checks (format, département prefix, Luhn key), memoised: EJ numbers repeat a lot."""

    def __init__(self) -> None:
        self._cache: dict[str, str | None] = {}

    def erreur(self, numero: str) -> str | None:
        try:
            return self._cache[numero]
        except KeyError:
            message = erreur_numero_finess(numero)
            if message is not None:
                message = f"{message} ({numero or 'vide'})"
                if message.startswith("clé de contrôle"):
                    message = f"clé de contrôle FINESS invalide ({numero})"
            self._cache[numero] = message
            return message


def incoherence_departement(numero: str, code_insee: str) -> str | None:
    """Message when a FINESS number's département prefix disagrees with the département field."""
    du_numero = departement_du_numero(numero)
    if du_numero is None or du_numero == code_insee:
        return None
    return f"le numéro FINESS {numero} relève du département {du_numero}, pas du département {code_insee} de la ligne"


def longueur_maximale(modele: type[Model], nom: str) -> int:
    """The `max_length` of a text column of the référentiel (the importer refuses longer values, where)."""
    champ = modele._meta.get_field(nom)
    if not isinstance(champ, CharField) or champ.max_length is None:
        raise TypeError(f"{modele.__name__}.{nom} n'est pas un champ texte borné.")
    return champ.max_length


def champ_trop_long(valeur: str, maximum: int) -> str:
    return f"valeur trop longue ({len(valeur)} caractères, maximum {maximum})"


def nombre_de_champs(nb: int, attendu: int, noms: tuple[str, ...]) -> tuple[str, str]:
    """(field name, message) for a line with the wrong number of fields."""
    if nb < attendu:
        return noms[nb], f"{nb} champs au lieu de {attendu} (ligne tronquée ?) : champ {noms[nb]} absent"
    return noms[-1], f"{nb} champs au lieu de {attendu} : champ(s) en trop après {noms[-1]}"
