"""The append-only, hash-chained log of evidence deposits, and its verification.

Each entry (`MaillonJournal`) holds: its rank, the previous entry's hash, the file's SHA-256, the dossier,
the actor, the time and the counts; its hash is the SHA-256 of the canonical JSON of all of that. Changing
a row breaks its own hash; rewriting it consistently breaks the next entry's `precedent`; removing the
last entries disagrees with the head (`TeteJournal`). `verifier()` also re-hashes every stored file.
Publishing the head hash from time to time (it is printed by `esms preuves verifier`) anchors the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from esms.usages.models import MaillonJournal, Preuve, TeteJournal
from esms.usages.preuves import stockage

ORIGINE = "0" * 64


def canonique(donnees) -> str:
    return json.dumps(donnees, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def empreinte(*, rang: int, precedent: str, sha256: str, dossier: str, acteur: str, horodatage: str,
              comptes: str) -> str:
    contenu = canonique({"rang": rang, "precedent": precedent, "sha256": sha256, "dossier": dossier,
                         "acteur": acteur, "horodatage": horodatage, "comptes": json.loads(comptes)})
    return hashlib.sha256(contenu.encode("utf-8")).hexdigest()


def empreinte_de(maillon: MaillonJournal) -> str:
    return empreinte(rang=maillon.rang, precedent=maillon.precedent, sha256=maillon.sha256, dossier=maillon.dossier,
                     acteur=maillon.acteur, horodatage=maillon.horodatage, comptes=maillon.comptes)


def ajouter(*, preuve: Preuve, acteur: str, comptes: dict) -> MaillonJournal:
    """Append the deposit of `preuve` to the chain. Must run in the deposit's transaction: the head row is
    locked, so concurrent deposits are chained one after the other."""
    TeteJournal.objects.bulk_create([TeteJournal(pk=1)], ignore_conflicts=True)
    tete = TeteJournal.objects.select_for_update().get(pk=1)
    maillon = MaillonJournal(rang=tete.rang + 1, precedent=tete.empreinte, sha256=preuve.sha256, preuve=preuve,
                             dossier=preuve.dossier.numero or str(preuve.dossier_id), acteur=acteur,
                             horodatage=timezone.now().isoformat(), comptes=canonique(comptes))
    maillon.empreinte = empreinte_de(maillon)
    maillon.save()
    tete.rang, tete.empreinte = maillon.rang, maillon.empreinte
    tete.save()
    return maillon


@dataclass(frozen=True)
class Verification:
    nb_maillons: int
    nb_fichiers: int
    tete: str
    erreur: str | None  # the first broken link, located; None when the whole chain holds

    @property
    def intacte(self) -> bool:
        return self.erreur is None


def _maillons() -> Iterator[MaillonJournal]:
    yield from MaillonJournal.objects.order_by("rang").iterator(chunk_size=2000)


def verifier(*, fichiers: bool = True) -> Verification:
    """Walk the whole chain (and re-hash each stored file); stop at the first broken link."""
    precedent, rang_attendu, nb, vus = ORIGINE, 1, 0, set()

    def echec(message: str) -> Verification:
        return Verification(nb, len(vus), precedent, message)

    for maillon in _maillons():
        lieu = f"maillon n° {maillon.rang} (dossier {maillon.dossier}, fichier {maillon.sha256[:16]}…)"
        if maillon.rang != rang_attendu:
            return echec(f"Maillon n° {rang_attendu} manquant : le suivant trouvé est le n° {maillon.rang}.")
        if maillon.precedent != precedent:
            return echec(f"{lieu} : l'empreinte du maillon précédent ne correspond pas (chaîne rompue).")
        if empreinte_de(maillon) != maillon.empreinte:
            return echec(f"{lieu} : le contenu du maillon a été modifié (empreinte recalculée différente).")
        preuve = Preuve.objects.filter(pk=maillon.preuve_id).values_list("sha256", flat=True).first()
        if preuve != maillon.sha256:
            return echec(f"{lieu} : la preuve enregistrée ne correspond plus au fichier journalisé.")
        if fichiers and maillon.sha256 not in vus:
            chemin = stockage.chemin_de(maillon.sha256)
            if not chemin.exists():
                return echec(f"{lieu} : fichier absent ({chemin}).")
            if stockage.empreinte_fichier(chemin) != maillon.sha256:
                return echec(f"{lieu} : le fichier stocké a été modifié ({chemin} ne correspond plus à son SHA-256).")
            vus.add(maillon.sha256)
        precedent, rang_attendu, nb = maillon.empreinte, rang_attendu + 1, nb + 1
    tete = TeteJournal.objects.filter(pk=1).first()
    if tete is not None and (tete.rang, tete.empreinte) != (nb, precedent):
        return echec(f"Tête du journal incohérente : elle désigne le maillon n° {tete.rang}, le dernier trouvé est "
                     f"le n° {nb} (maillons supprimés ?).")
    if tete is None and nb:
        return echec("Tête du journal absente.")
    orpheline = Preuve.objects.filter(maillon__isnull=True).order_by("pk").first()
    if orpheline is not None:
        return echec(f"Preuve n° {orpheline.pk} ({orpheline.sha256[:16]}…) absente du journal.")
    return Verification(nb, len(vus), precedent, None)
