"""The append-only, hash-chained log of evidence deposits, and its verification.

Each entry (`MaillonJournal`) holds: its rank, the previous entry's hash, the file's SHA-256, the dossier,
the actor, the time and the evidence record; its hash is the SHA-256 of the canonical JSON of all of that.
Changing a row breaks its own hash; rewriting it consistently breaks the next entry's `precedent`; removing
the last entries disagrees with the head (`TeteJournal`). `verifier()` also re-hashes every stored file and
compares every evidence row (`Preuve`) with the record its entry logged, field by field: changing the stored
results (27 → 270 active DUIs), the counts, the dossier or the period is named, record and field.

Entry formats (`MaillonJournal.version`): format 2 logs the whole record (`enregistrement`: file digest and
size, format, name, dossier id and number, period, definition used, counts, recomputed results, channel,
depositor) and hashes its version too; format 1 (entries written before) logged the counts, results, period
and definition, and is verified on those fields and its dossier number. No entry is ever rewritten: the
chain written before the change keeps its hashes and its head.
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


VERSION = 2


def empreinte(*, rang: int, precedent: str, sha256: str, dossier: str, acteur: str, horodatage: str,
              comptes: str, version: int = 1) -> str:
    contenu = {"rang": rang, "precedent": precedent, "sha256": sha256, "dossier": dossier,
               "acteur": acteur, "horodatage": horodatage, "comptes": json.loads(comptes)}
    if version != 1:  # format 1 entries keep the hash they were written with
        contenu["version"] = version
    return hashlib.sha256(canonique(contenu).encode("utf-8")).hexdigest()


def empreinte_de(maillon: MaillonJournal) -> str:
    return empreinte(rang=maillon.rang, precedent=maillon.precedent, sha256=maillon.sha256, dossier=maillon.dossier,
                     acteur=maillon.acteur, horodatage=maillon.horodatage, comptes=maillon.comptes,
                     version=maillon.version)


def enregistrement(preuve: Preuve) -> dict:
    """The whole evidence record as the ARS sees it (format 2 of the log)."""
    return {
        "sha256": preuve.sha256, "taille": preuve.taille, "format": preuve.format, "nom": preuve.nom_original,
        "dossier_id": preuve.dossier_id, "dossier": _numero(preuve),
        "periode": [_jour(preuve.periode_debut), _jour(preuve.periode_fin)],
        "definition": {"ecritures_min": preuve.ecritures_min, "fenetre_jours": preuve.fenetre_jours},
        "evenements": preuve.nb_evenements, "dui": preuve.nb_dui,
        "dui_actifs": {str(k): int(v) for k, v in sorted(preuve.resultats.items())},
        "canal": preuve.canal, "deposee_par_id": preuve.deposee_par_id,
    }


def _jour(valeur) -> str:
    return valeur.isoformat() if hasattr(valeur, "isoformat") else str(valeur)


def _numero(preuve: Preuve) -> str:
    from esms.candidatures.models import Dossier

    numero = Dossier.objects.filter(pk=preuve.dossier_id).values_list("numero", flat=True).first()
    return numero or str(preuve.dossier_id)


# Format 1 logged these fields of the record (under these keys).
CHAMPS_V1 = ("evenements", "dui", "dui_actifs", "periode", "definition")


def ajouter(*, preuve: Preuve, acteur: str, comptes: dict | None = None) -> MaillonJournal:
    """Append the deposit of `preuve` to the chain (format 2: its whole record). Must run in the deposit's
    transaction: the head row is locked, so concurrent deposits are chained one after the other."""
    TeteJournal.objects.bulk_create([TeteJournal(pk=1)], ignore_conflicts=True)
    tete = TeteJournal.objects.select_for_update().get(pk=1)
    maillon = MaillonJournal(rang=tete.rang + 1, precedent=tete.empreinte, sha256=preuve.sha256, preuve=preuve,
                             dossier=_numero(preuve), acteur=acteur, version=VERSION,
                             horodatage=timezone.now().isoformat(), comptes=canonique(enregistrement(preuve)))
    maillon.empreinte = empreinte_de(maillon)
    maillon.save()
    tete.rang, tete.empreinte = maillon.rang, maillon.empreinte
    tete.save()
    return maillon


def _champ_modifie(maillon: MaillonJournal, preuve: Preuve) -> str | None:
    """The first field of the evidence record that differs from what its log entry recorded, or None."""
    journalise = json.loads(maillon.comptes)
    actuel = enregistrement(preuve)
    if actuel["dossier"] != maillon.dossier:
        return "dossier"
    champs = list(actuel) if maillon.version >= 2 else list(CHAMPS_V1)
    for champ in champs:
        if canonique(actuel[champ]) != canonique(journalise.get(champ)):
            return champ
    return None


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
    precedent, rang_attendu, nb = ORIGINE, 1, 0
    vus: set[str] = set()

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
        preuve = Preuve.objects.filter(pk=maillon.preuve_id).first()
        if preuve is None or preuve.sha256 != maillon.sha256:
            return echec(f"{lieu} : la preuve enregistrée ne correspond plus au fichier journalisé.")
        ecart = _champ_modifie(maillon, preuve)
        if ecart is not None:
            return echec(f"{lieu} : preuve n° {preuve.pk} « {preuve.nom_original} », le champ « {ecart} » ne correspond "
                         "plus à ce que le journal a enregistré (enregistrement modifié après son dépôt).")
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
