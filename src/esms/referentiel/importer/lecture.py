"""Reading a FINESS file: plain or gzip bytes, SHA-256, decoding into lines with suspect characters located.

Encoding — the official Etalab files of 2021 are ISO-8859-1 (latin-1) with Windows-1252 punctuation (the bytes
0x92 `’` and 0x9C `œ` occur in names). We decode with cp1252, whose 0xA0–0xFF range is latin-1, and keep the
five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) only to report them as undecodable.

A UTF-8 file given for a latin-1 one would import silently as mojibake (`Ã©` for `é`). So, with the default
encoding, any line holding a valid multi-byte UTF-8 character (an accented capital followed by a C1 byte or a
symbol in latin-1 terms: none of the 190 667 lines of the 2021 national file) is reported as « encodé en
UTF-8 »; when the whole
file is valid UTF-8 (and not plain ASCII) the import stops at once, even with --skip-invalid. The caller may
pass `encodage="utf-8"` for files that really are UTF-8 (some recent FINESS files are): then undecodable bytes
are reported instead.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from esms import televersements
from esms.referentiel.erreurs import FichierIntrouvable, ImportRefuse

ENCODAGES = ("latin-1", "utf-8")

_NON_DEFINIS_CP1252 = "\x81\x8d\x8f\x90\x9d"
_SUSPECTS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{_NON_DEFINIS_CP1252}\udc80-\udcff]")
# Candidate start of a multi-byte UTF-8 character (lead byte + continuation byte); confirmed by decoding its line.
_UTF8_MULTIOCTET = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _garder_octet(erreur: UnicodeError) -> tuple[str, int]:
    if not isinstance(erreur, UnicodeDecodeError):  # registered for decoding only
        raise erreur
    octet = erreur.object[erreur.start]
    return chr(octet), erreur.start + 1


codecs.register_error("esms_finess_octet", _garder_octet)


@dataclass
class TexteDecode:
    """The file's lines (without line ends) and, per line number (1-based), its first suspect character."""

    lignes: list[str]
    suspects: dict[int, tuple[int, str]] = field(default_factory=dict)  # ligne → (position, message)
    fatal: tuple[int, int, str] | None = None  # (ligne, position, message): the whole file is unusable


# The Etalab CSV reader holds the decoded file in memory: beyond this size (decompressed) a file is refused,
# so that the import stays under the platform's 600 MB. The national ET extract is 30 MB; FINESS+ files (JSON)
# are streamed and only bound by the « finess » caps of `esms.televersements`. Setting ESMS_FINESS_CSV_MAX_OCTETS.
CSV_MAX_OCTETS = 64 * 1024 * 1024


def csv_max_octets() -> int:
    from django.conf import settings

    return int(getattr(settings, "ESMS_FINESS_CSV_MAX_OCTETS", CSV_MAX_OCTETS) if settings.configured else CSV_MAX_OCTETS)


def _trop_gros(chemin: Path, maximum: int) -> ImportRefuse:
    return ImportRefuse(f"« {chemin.name} » : fichier Etalab de plus de {televersements.taille_lisible(maximum)} une "
                        "fois décompressé, au-delà de ce que l'import lit en mémoire (l'extraction nationale des "
                        "établissements fait environ 30 Mo) : rien n'a été importé.")


def lire_octets(chemin: Path) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip magic number — under the « finess » caps of
    `esms.televersements` (decompressed size and ratio), so that a gzip bomb is refused, never inflated — and
    within `csv_max_octets()`."""
    maximum = csv_max_octets()
    try:
        if not televersements.est_gzip(chemin):
            if chemin.stat().st_size > maximum:
                raise _trop_gros(chemin, maximum)
            return chemin.read_bytes()
        blocs, total = [], 0
        for bloc in televersements.blocs_decompresses(chemin, nom=chemin.name, genre="finess"):
            total += len(bloc)
            if total > maximum:
                raise _trop_gros(chemin, maximum)
            blocs.append(bloc)
        return b"".join(blocs)
    except FileNotFoundError as exc:
        raise FichierIntrouvable(f"Fichier FINESS introuvable : {chemin}") from exc
    except televersements.TeleversementRefuse as exc:
        raise ImportRefuse(" ".join(exc.messages)) from None


def sha256_fichier(chemin: Path) -> str:
    """SHA-256 of the file as stored (compressed or not), streamed."""
    h = hashlib.sha256()
    with open(chemin, "rb") as flux:
        for bloc in iter(lambda: flux.read(1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


class _Localisateur:
    """Line number and column of increasing offsets, counting line ends only once over the whole file."""

    def __init__(self, donnees: bytes | str) -> None:
        self.donnees = donnees
        self.position = 0
        self.ligne = 1

    def localiser(self, position: int) -> tuple[int, int]:
        if position < self.position:  # not increasing: count again from the start
            self.position, self.ligne = 0, 1
        if isinstance(self.donnees, bytes):
            self.ligne += self.donnees.count(b"\n", self.position, position)
            debut = self.donnees.rfind(b"\n", 0, position) + 1
        else:
            self.ligne += self.donnees.count("\n", self.position, position)
            debut = self.donnees.rfind("\n", 0, position) + 1
        self.position = position
        return self.ligne, position - debut


def _longueur_utf8(octet: int) -> int:
    return 2 if octet < 0xE0 else 3 if octet < 0xF0 else 4


def _message_utf8(debut: bytes) -> str:
    sequence = debut[:_longueur_utf8(debut[0])]
    return (f"caractère encodé en UTF-8 (« {sequence.decode('utf-8')} » lu « {sequence.decode('cp1252', 'replace')} ») "
            "alors que le fichier FINESS doit être en ISO-8859-1 (latin-1) ; réenregistrez-le en latin-1 "
            "ou importez-le avec l'encodage utf-8")


def _lignes_utf8(donnees: bytes) -> tuple[dict[int, tuple[int, str]], tuple[int, int, str] | None]:
    """Lines of a supposedly latin-1 file holding a valid multi-byte UTF-8 character; fatal when the whole file is UTF-8."""
    localisateur = _Localisateur(donnees)
    try:
        donnees.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        trouve = _UTF8_MULTIOCTET.search(donnees)
        if trouve is not None:
            ligne, colonne = localisateur.localiser(trouve.start())
            return {}, (ligne, colonne, "fichier encodé en UTF-8 : "
                        + _message_utf8(donnees[trouve.start():trouve.start() + 4]))
    suspects: dict[int, tuple[int, str]] = {}
    position = 0
    while (trouve := _UTF8_MULTIOCTET.search(donnees, position)) is not None:
        debut = trouve.start()
        position = debut + 1
        try:
            donnees[debut:debut + _longueur_utf8(donnees[debut])].decode("utf-8")
        except UnicodeDecodeError:
            continue
        ligne, colonne = localisateur.localiser(debut)
        suspects.setdefault(ligne, (colonne, _message_utf8(donnees[debut:debut + 4])))
        position = max(position, donnees.find(b"\n", debut) + 1 or len(donnees))
    return suspects, None


def decoder(donnees: bytes, encodage: str = "latin-1") -> TexteDecode:
    """Decode and split into lines; locate undecodable bytes, control characters and UTF-8 sequences."""
    if encodage not in ENCODAGES:
        raise ValueError(f"Encodage non pris en charge : {encodage} (attendu : {', '.join(ENCODAGES)})")
    suspects: dict[int, tuple[int, str]] = {}
    fatal = None
    if encodage == "latin-1":
        if donnees.startswith(codecs.BOM_UTF8):
            fatal = (1, 0, "marque d'ordre d'octets UTF-8 en tête de fichier : le fichier FINESS doit être en "
                           "ISO-8859-1 (latin-1)")
        elif not donnees.isascii():
            suspects, fatal = _lignes_utf8(donnees)
        texte = donnees.decode("cp1252", errors="esms_finess_octet")
    else:
        texte = donnees.decode("utf-8-sig", errors="surrogateescape")
    if "\r" in texte:
        texte = texte.replace("\r\n", "\n")
    localisateur = _Localisateur(texte)
    for trouve in _SUSPECTS.finditer(texte):
        ligne, colonne = localisateur.localiser(trouve.start())
        if ligne in suspects:
            continue
        caractere = trouve.group()
        octet = ord(caractere) - 0xDC00 if "\udc80" <= caractere <= "\udcff" else ord(caractere)
        if caractere in _NON_DEFINIS_CP1252 or octet != ord(caractere):
            message = f"octet non décodable en {'UTF-8' if encodage == 'utf-8' else 'ISO-8859-1 / Windows-1252'} (0x{octet:02X})"
        else:
            message = f"caractère de contrôle interdit (0x{octet:02X})"
        suspects[ligne] = (colonne, message)
    lignes = texte.split("\n")
    if lignes and lignes[-1] == "":
        lignes.pop()
    return TexteDecode(lignes=lignes, suspects=suspects, fatal=fatal)
