"""Bounds of a FINESS file uploaded from the imports page, checked while streaming it to disk (issue 9 point 1).

- the stored (possibly gzip) size is capped (`FINESS_TELEVERSEMENT_MAX_OCTETS`): counted chunk by chunk, the
  upload stops at the first byte over the cap;
- a gzip file is then decompressed in a streaming pass that stops as soon as the decompressed size exceeds
  `FINESS_DECOMPRESSE_MAX_OCTETS` or the ratio decompressed/compressed exceeds `FINESS_RATIO_MAX` (a
  « zip bomb »), without writing the decompressed bytes;
- parsing and validating happen afterwards, in the import task, before its write transaction.
Minimal FINESS-side module, to be replaced by the platform's shared upload module once it exists.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from esms.referentiel.erreurs import ErreurReferentiel, nombre


class TeleversementRefuse(ErreurReferentiel):
    """The uploaded file breaks a size bound; nothing is kept."""


def _mo(octets: int) -> str:
    return f"{nombre(octets // (1024 * 1024))} Mo"


def enregistrer(morceaux: Iterable[bytes], destination: Path) -> int:
    """Write the chunks to `destination` while counting; refuse (and delete) over the cap. Returns the size."""
    maximum = int(settings.FINESS_TELEVERSEMENT_MAX_OCTETS)
    taille = 0
    try:
        with open(destination, "wb") as fichier:
            for morceau in morceaux:
                taille += len(morceau)
                if taille > maximum:
                    raise TeleversementRefuse(f"Fichier refusé : il dépasse la taille maximale de {_mo(maximum)}.")
                fichier.write(morceau)
        verifier_gzip(destination, taille)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return taille


def verifier_gzip(chemin: Path, taille: int) -> None:
    """Decompress a gzip file in a streaming pass, refusing it over the decompressed size or ratio caps."""
    with open(chemin, "rb") as flux:
        if flux.read(2) != b"\x1f\x8b":
            return
        flux.seek(0)
        maximum = int(settings.FINESS_DECOMPRESSE_MAX_OCTETS)
        ratio = float(settings.FINESS_RATIO_MAX)
        decompresseur = zlib.decompressobj(16 + zlib.MAX_WBITS)
        total = 0
        while bloc := flux.read(1 << 16):
            try:
                total += len(decompresseur.decompress(bloc, 1 << 22))
                while decompresseur.unconsumed_tail:
                    total += len(decompresseur.decompress(decompresseur.unconsumed_tail, 1 << 22))
                    if total > maximum:
                        break
            except zlib.error as exc:
                raise TeleversementRefuse(f"Fichier refusé : archive gzip illisible ({exc}).") from exc
            if total > maximum:
                raise TeleversementRefuse(
                    f"Fichier refusé : une fois décompressé, il dépasserait {_mo(maximum)}.")
            if total > ratio * max(taille, 1) and total > (1 << 20):
                raise TeleversementRefuse(
                    f"Fichier refusé : taux de compression anormal (plus de {ratio:.0f} fois sa taille compressée).")
