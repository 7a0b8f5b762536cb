"""FINESS+ GCC/GCO groups and their members: written only when they change, with a history a rollback replays.

A group carried by the file is compared with its current state (its fields and its sorted members); an
unchanged group is not written at all. A changed or new one is upserted with `dernier_import` = the import and
its members replaced; a changed one also gets one `ChangementFiness` row (objet « gr », champ « groupe »)
keeping its whole state before and after — as for establishments, a created group has no history row. Rolling
the import back puts every changed group back as it was (fields, members, `dernier_import`) and deletes the
groups it created. Groups the file does not carry are left as they are
(FINESS+ files are not required to list every group). Set-based: one read of the groups and members concerned,
bulk writes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from esms.referentiel.importer import ecriture
from esms.referentiel.models import ChangementFiness, GroupeFiness, ImportFiness, MembreGroupe

CHAMPS = ("type_groupe", "nom", "code_type", "identifiant_externe", "pm_smsse_id", "ouvert")
OBJET = ChangementFiness.Objet.GROUPE
LOT = 900


def _etats(identifiants: list[str]) -> dict[str, dict[str, Any]]:
    """Identifiant → {fields…, dernier_import_id, membres: sorted [pm_smsse_id, ege_id, role]} of existing groups."""
    etats: dict[str, dict[str, Any]] = {}
    membres: dict[str, list[list[str]]] = defaultdict(list)
    for debut in range(0, len(identifiants), LOT):
        lot = identifiants[debut:debut + LOT]
        for ligne in GroupeFiness.objects.filter(pk__in=lot).values("identifiant", *CHAMPS, "dernier_import_id"):
            etats[ligne.pop("identifiant")] = ligne
        for groupe, *membre in (MembreGroupe.objects.filter(groupe_id__in=lot)
                                .values_list("groupe_id", "pm_smsse_id", "ege_id", "role")):
            membres[groupe].append(membre)
    for identifiant, etat in etats.items():
        etat["membres"] = sorted(membres[identifiant])
    return etats


def _identiques(avant: dict[str, Any], apres: dict[str, Any]) -> bool:
    return all(avant[c] == apres[c] for c in CHAMPS) and avant["membres"] == apres["membres"]


def _ecrire(etats: dict[str, dict[str, Any]]) -> None:
    """Upsert the groups to these states and replace their members."""
    GroupeFiness.objects.bulk_create(
        [GroupeFiness(identifiant=identifiant, dernier_import_id=etat["dernier_import_id"],
                      **{c: etat[c] for c in CHAMPS}) for identifiant, etat in etats.items()],
        update_conflicts=True, unique_fields=["identifiant"], update_fields=[*CHAMPS, "dernier_import"])
    cles = sorted(etats)
    for debut in range(0, len(cles), LOT):
        MembreGroupe.objects.filter(groupe_id__in=cles[debut:debut + LOT]).delete()
    MembreGroupe.objects.bulk_create([MembreGroupe(groupe_id=identifiant, pm_smsse_id=pm, ege_id=ege, role=role)
                                      for identifiant, etat in etats.items() for pm, ege, role in etat["membres"]],
                                     batch_size=2000)


def appliquer(groupes: list[dict], import_finess: ImportFiness) -> int:
    """Write the file's groups that changed (inside the caller's transaction); return how many."""
    if not groupes:
        return 0
    actuels = _etats([g["identifiant"] for g in groupes])
    changes: dict[str, dict[str, Any]] = {}
    historique = []
    for groupe in groupes:
        identifiant = groupe["identifiant"]
        nouvel = {**{c: groupe[c] for c in CHAMPS}, "dernier_import_id": import_finess.pk,
                  "membres": sorted([list(m) for m in groupe["membres"]])}
        avant = actuels.get(identifiant)
        if avant is not None and _identiques(avant, nouvel):
            continue
        changes[identifiant] = nouvel
        if avant is not None:
            historique.append((import_finess.pk, OBJET, identifiant, "groupe", json.dumps(avant, ensure_ascii=False),
                               json.dumps(nouvel, ensure_ascii=False)))
    if changes:
        _ecrire(changes)
        ecriture.inserer(ChangementFiness, ("import_finess_id", "objet", "cle", "champ", "avant", "apres"), historique)
    return len(changes)


def annuler(import_finess: ImportFiness) -> dict[str, int]:
    """Put back the groups the import changed and delete those it created."""
    restaures = {cle: json.loads(texte) for cle, texte in
                 ChangementFiness.objects.filter(import_finess=import_finess, objet=OBJET).values_list("cle", "avant")}
    crees = sorted(set(GroupeFiness.objects.filter(dernier_import=import_finess).values_list("pk", flat=True))
                   - set(restaures))
    for debut in range(0, len(crees), LOT):
        GroupeFiness.objects.filter(pk__in=crees[debut:debut + LOT]).delete()  # their members with them
    if restaures:
        _ecrire(restaures)
    return {"groupes_restaures": len(restaures), "groupes_supprimes": len(crees)}
