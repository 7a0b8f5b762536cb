"""Uploads shared by every app: bounded, streamed to a temporary file, decompressed under caps.

Nothing here keeps a whole upload in memory and nothing runs inside a database transaction:

- `recevoir(source, nom=…, genre=…)` copies bytes, a Django upload, a path or a binary file object into a
  temporary file block by block, hashing it (SHA-256) and refusing it as soon as it passes the size limit
  of its kind (`limite(genre)`);
- `decompresser(fichier, genre=…)` gunzips a received file (recognised by its magic number) into another
  temporary file, refusing it as soon as the output passes the kind's decompressed size or the ratio cap
  (`blocs_decompresses` gives the same bounded blocks to a reader that streams);
- `verifier_zip(chemin, nom=…, genre=…)` checks a ZIP container (XLSX, ODS) before any reader opens it:
  number of members, total declared size and ratio (Python's zipfile never inflates a member past its
  declared size, so the declared sizes bound what a reader can get);
- `GestionnaireLimite` (in FILE_UPLOAD_HANDLERS) stops a multipart request whose file passes the largest
  limit of any kind while Django is still reading it.

Limits per kind come from `settings.ESMS_LIMITES_TELEVERSEMENT` (bytes), merged over `LIMITES_PAR_DEFAUT`;
decompressed sizes from `settings.ESMS_LIMITES_DECOMPRESSION`, the ratio from
`settings.ESMS_RATIO_DECOMPRESSION_MAX`. Every refusal is a `TeleversementRefuse` with a French message
naming the file. Strict numbers (counts, amounts, indicator values) live in `esms.nombres`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeAlias

from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from esms.refus import Refus


class _Lisible(Protocol):
    def read(self, taille: int, /) -> bytes: ...


# What `recevoir` copies: bytes, a path, a Django upload or file (read by `chunks`), or a binary file object.
Source: TypeAlias = bytes | bytearray | memoryview | str | Path | File | _Lisible

BLOC = 1 << 20
Mio = 1024 * 1024
Gio = 1024 * Mio

# Kind → largest accepted upload, in bytes (as sent: compressed when it is compressed).
LIMITES_PAR_DEFAUT: dict[str, int] = {
    "indicateurs": 5 * Mio,  # one line per establishment of a grappe: a few kilobytes in practice
    "preuves": 4 * Gio,  # DUI activity extracts, up to tens of millions of events
    "documents": 20 * Mio,  # dossier documents (PDF, office files, images)
    "pieces_jointes": 20 * Mio,  # message attachments
    "finess": 600 * Mio,  # a national FINESS extract is about 100 MB uncompressed
    "tableurs": 5 * Mio,  # ANS register of DUI solutions, SONS orders (CSV or XLSX, a few thousand lines)
    "justificatifs": 10 * Mio,  # supporting document of an account claim (PDF or image)
}
# Kind → largest decompressed size, in bytes.
DECOMPRESSION_PAR_DEFAUT: dict[str, int] = {
    "indicateurs": 20 * Mio,
    "preuves": 8 * Gio,
    "documents": 100 * Mio,
    "pieces_jointes": 100 * Mio,
    "finess": 1 * Gio,
    "tableurs": 50 * Mio,
    "justificatifs": 10 * Mio,
}
# Decompressed / compressed size above which an input is refused as a decompression bomb. Real CSV
# extracts compress 5 to 20 times; the threshold leaves room for very repetitive ones.
RATIO_PAR_DEFAUT = 100
# Below this decompressed size, no ratio is enforced (a tiny file compresses arbitrarily well).
PLANCHER_RATIO = 16 * Mio
MEMBRES_ZIP_MAX = 10_000


class TeleversementRefuse(Refus):
    """An upload is refused (`esms.refus.Refus`, code `fichier_invalide`); `messages` lists every reason
    (French, naming the file)."""

    code_par_defaut = "fichier_invalide"


def _reglage(nom: str, defaut: dict[str, int]) -> dict[str, int]:
    return {**defaut, **(getattr(settings, nom, None) or {})}


def limite(genre: str) -> int:
    """The largest upload accepted for `genre`, in bytes."""
    limites = _reglage("ESMS_LIMITES_TELEVERSEMENT", LIMITES_PAR_DEFAUT)
    if genre not in limites:
        raise KeyError(f"Genre de téléversement inconnu : {genre}")
    return int(limites[genre])


def limite_decompressee(genre: str) -> int:
    return int(_reglage("ESMS_LIMITES_DECOMPRESSION", DECOMPRESSION_PAR_DEFAUT)[genre])


def ratio_max() -> int:
    return int(getattr(settings, "ESMS_RATIO_DECOMPRESSION_MAX", RATIO_PAR_DEFAUT))


def taille_lisible(octets: int) -> str:
    if octets >= Gio and octets % Gio == 0:
        return f"{octets // Gio} Gio"
    if octets >= Mio:
        return f"{octets / Mio:.0f} Mio"
    return f"{octets / 1024:.0f} Kio" if octets >= 1024 else f"{octets} octets"


def _trop_gros(nom: str, genre: str) -> TeleversementRefuse:
    return TeleversementRefuse(f"« {nom} » : le fichier dépasse la taille maximale admise "
                               f"({taille_lisible(limite(genre))}). Rien n'a été enregistré.")


@dataclass
class Fichier:
    """A received upload in a temporary file, which the caller removes (`effacer`, or `with`)."""

    chemin: Path
    nom: str  # the uploader's file name (no directory)
    taille: int
    sha256: str

    def effacer(self) -> None:
        self.chemin.unlink(missing_ok=True)

    def __enter__(self) -> Fichier:
        return self

    def __exit__(self, *exc) -> None:
        self.effacer()


def nom_sur(nom: str | None, defaut: str = "fichier") -> str:
    """The base name of an uploaded file (no directory a client could smuggle in)."""
    return Path((nom or "").replace("\\", "/")).name[:255] or defaut


def _blocs(source) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        for debut in range(0, len(source), BLOC):
            yield bytes(source[debut:debut + BLOC])
    elif isinstance(source, str | Path):
        with open(source, "rb") as flux:
            while bloc := flux.read(BLOC):
                yield bloc
    elif hasattr(source, "chunks"):
        if hasattr(source, "seek"):
            source.seek(0)
        yield from source.chunks(BLOC)
    else:
        while bloc := source.read(BLOC):
            yield bloc


def dossier_temporaire() -> Path:
    dossier = Path(getattr(settings, "ESMS_DOSSIER_TELEVERSEMENTS", None) or Path(tempfile.gettempdir()) / "esms-televersements")
    dossier.mkdir(parents=True, exist_ok=True)
    return dossier


def recevoir(source: Source, *, nom: str, genre: str, dossier: Path | None = None) -> Fichier:
    """Copy `source` (bytes, Django upload, path or binary file object) into a temporary file, hashing it;
    refuse it as soon as it passes the limit of `genre`. `dossier`: where to put the temporary file (the
    same file system as its final place lets the caller move it atomically)."""
    nom = nom_sur(nom)
    maximum = limite(genre)
    taille_annoncee = getattr(source, "size", None)
    if isinstance(taille_annoncee, int) and taille_annoncee > maximum:
        raise _trop_gros(nom, genre)
    cible = dossier or dossier_temporaire()
    cible.mkdir(parents=True, exist_ok=True)
    descripteur, temp = tempfile.mkstemp(dir=cible, prefix="televersement-", suffix=Path(nom).suffix.lower()[:12])
    digest, taille = hashlib.sha256(), 0
    try:
        with os.fdopen(descripteur, "wb") as sortie:
            for bloc in _blocs(source):
                if isinstance(bloc, str):
                    raise TeleversementRefuse(f"« {nom} » : contenu binaire attendu (octets), texte reçu.")
                taille += len(bloc)
                if taille > maximum:
                    raise _trop_gros(nom, genre)
                digest.update(bloc)
                sortie.write(bloc)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Fichier(Path(temp), nom, taille, digest.hexdigest())


def est_gzip(chemin: Path) -> bool:
    with open(chemin, "rb") as flux:
        return flux.read(2) == b"\x1f\x8b"


def _refus_bombe(nom: str, genre: str, sortie: int, entree: int, ratio: bool) -> TeleversementRefuse:
    if ratio:
        return TeleversementRefuse(
            f"« {nom} » : archive refusée, son contenu décompressé dépasse {ratio_max()} fois sa taille compressée "
            f"(plus de {taille_lisible(sortie)} pour {taille_lisible(entree)}). Rien n'a été enregistré.")
    return TeleversementRefuse(
        f"« {nom} » : archive refusée, son contenu décompressé dépasse la taille maximale admise "
        f"({taille_lisible(limite_decompressee(genre))}). Rien n'a été enregistré.")


def _controler_sortie(nom: str, genre: str, sortie: int, entree: int) -> None:
    if sortie > limite_decompressee(genre):
        raise _refus_bombe(nom, genre, sortie, entree, ratio=False)
    if sortie > PLANCHER_RATIO and sortie > ratio_max() * max(entree, 1):
        raise _refus_bombe(nom, genre, sortie, entree, ratio=True)


def blocs_decompresses(chemin: Path, *, nom: str, genre: str) -> Iterator[bytes]:
    """The decompressed blocks of a gzip file (one or several members), bounded block by block: a bomb is
    refused after at most one block past its cap, whatever its header says. For readers that stream."""
    entree_taille = chemin.stat().st_size
    sortie = 0
    try:
        with open(chemin, "rb") as entree:
            decompresseur, donnees, en_cours = zlib.decompressobj(wbits=31), b"", False
            while True:
                if not donnees:
                    donnees = entree.read(BLOC)
                    if not donnees:
                        break
                if not en_cours and not donnees.strip(b"\x00"):
                    donnees = b""  # zero padding after the last member
                    continue
                en_cours = True
                bloc = decompresseur.decompress(donnees, BLOC)
                donnees = decompresseur.unconsumed_tail
                sortie += len(bloc)
                _controler_sortie(nom, genre, sortie, entree_taille)
                if bloc:
                    yield bloc
                if decompresseur.eof:  # another gzip member may follow
                    donnees, en_cours = decompresseur.unused_data, False
                    decompresseur = zlib.decompressobj(wbits=31)
    except zlib.error:
        raise TeleversementRefuse(f"« {nom} » : archive gzip illisible. Rien n'a été enregistré.") from None
    if en_cours:
        raise TeleversementRefuse(f"« {nom} » : archive gzip tronquée. Rien n'a été enregistré.")


def decompresser(fichier: Fichier, *, genre: str) -> Fichier:
    """A gzip upload decompressed into a new temporary file under the kind's caps (`blocs_decompresses`), or
    the same `fichier` when it is not gzip. The caller still removes `fichier`."""
    if not est_gzip(fichier.chemin):
        return fichier
    nom = fichier.nom[:-3] if fichier.nom.lower().endswith(".gz") else fichier.nom
    descripteur, temp = tempfile.mkstemp(dir=fichier.chemin.parent, prefix="decompresse-",
                                         suffix=Path(nom).suffix.lower()[:12])
    digest, sortie = hashlib.sha256(), 0
    try:
        with os.fdopen(descripteur, "wb") as ecrit:
            for bloc in blocs_decompresses(fichier.chemin, nom=fichier.nom, genre=genre):
                sortie += len(bloc)
                digest.update(bloc)
                ecrit.write(bloc)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Fichier(Path(temp), nom, sortie, digest.hexdigest())


def verifier_zip(chemin: Path, *, nom: str, genre: str) -> None:
    """Refuse a ZIP container (XLSX, ODS) whose members would inflate past the kind's caps."""
    try:
        with zipfile.ZipFile(chemin) as archive:
            membres = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TeleversementRefuse(f"« {nom} » : classeur illisible (archive ZIP endommagée).") from None
    if len(membres) > MEMBRES_ZIP_MAX:
        raise TeleversementRefuse(f"« {nom} » : archive refusée ({len(membres)} éléments, au plus {MEMBRES_ZIP_MAX}).")
    total = sum(membre.file_size for membre in membres)
    _controler_sortie(nom, genre, total, chemin.stat().st_size)


def genre_televersement(genre: str):
    """View decorator: the request's uploads are of kind `genre`, so `GestionnaireLimite` stops reading the
    request body as soon as a file passes that kind's limit (not only the largest one)."""
    limite(genre)  # an unknown kind fails at import time

    def decorateur(vue):
        @functools.wraps(vue)
        def enveloppe(request, *args, **kwargs):
            request.genre_televersement = genre
            return vue(request, *args, **kwargs)
        return enveloppe
    return decorateur


def refus_de_la_requete(request) -> TeleversementRefuse | None:
    """The refusal `GestionnaireLimite` recorded while reading the request, if any (`champ`: the file name)."""
    return getattr(request, "televersement_refuse", None)


class GestionnaireLimite(FileUploadHandler):
    """First upload handler: stops reading a multipart request as soon as one file passes the limit of the
    view's kind (`genre_televersement`), else the largest limit of any kind. The rest of the request body
    is drained without being kept, the view sees no file for that field, and `refus_de_la_requete(request)`
    gives the French refusal."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.recu = 0
        genre = getattr(self.request, "genre_televersement", None)
        self.maximum = limite(genre) if genre else max(_reglage("ESMS_LIMITES_TELEVERSEMENT", LIMITES_PAR_DEFAUT).values())

    def receive_data_chunk(self, raw_data, start):
        self.recu += len(raw_data)
        if self.recu > self.maximum:
            if self.request is not None:
                self.request.televersement_refuse = TeleversementRefuse(
                    f"« {nom_sur(self.file_name)} » : le fichier dépasse la taille maximale admise "
                    f"({taille_lisible(self.maximum)}). Rien n'a été enregistré.", champ=nom_sur(self.file_name))
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
