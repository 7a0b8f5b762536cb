"""Rolling an applied import back to the state before it, from its field history — set-based.

- rows it changed or closed get their `avant` values back (one UPDATE per distinct set of changed columns);
- rows it created (`dernier_import` = the import, no history row in it) are deleted — establishments first,
  then organismes; a row another part of the platform now refers to (a grappe member…) stops the rollback
  with a French message, and nothing is changed;
- only the latest applied import can be rolled back: later ones must be rolled back first (their history was
  computed on top of it).
- GCC/GCO groups it created are deleted, those it changed get their previous fields and members back
  (`groupes.annuler`, from the state the import recorded before writing them).
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.db.models import ProtectedError

from esms.referentiel.erreurs import ImportRefuse
from esms.referentiel.importer import ecriture, groupes
from esms.referentiel.models import ChangementFiness, Etablissement, ImportFiness, OrganismeGestionnaire

LOT = 900


def _restaurer(modele, objet: str, import_finess: ImportFiness) -> set[str]:
    """Write back the previous values of the rows the import changed; return their keys."""
    par_cle: dict[str, dict[str, str]] = defaultdict(dict)
    for cle, champ, avant in (ChangementFiness.objects.filter(import_finess=import_finess, objet=objet)
                              .values_list("cle", "champ", "avant").iterator(chunk_size=5000)):
        par_cle[cle][champ] = avant
    groupes: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for cle, champs in par_cle.items():
        noms = tuple(sorted(champs))
        groupes[noms].append((cle, *(_valeur(modele, n, champs[n]) for n in noms)))
    for noms, lignes in groupes.items():
        ecriture.mettre_a_jour(modele, (modele._meta.pk.attname, *noms), lignes)
    return set(par_cle)


def _valeur(modele, nom: str, texte: str):
    valeur = json.loads(texte)
    if valeur is None:
        return None
    champ = modele._meta.get_field(nom)
    if champ.get_internal_type() == "BooleanField":
        return bool(valeur)
    return champ.to_python(valeur) if champ.get_internal_type() in ("DateField", "FloatField") else valeur


def _supprimer(modele, cles: list[str]) -> None:
    for debut in range(0, len(cles), LOT):
        try:
            modele._default_manager.filter(pk__in=cles[debut:debut + LOT]).delete()
        except ProtectedError as exc:
            objets = ", ".join(sorted({str(o) for o in list(exc.protected_objects)[:3]}))
            raise ImportRefuse(
                f"Annulation impossible : des {modele._meta.verbose_name_plural} créés par cet import sont "
                f"désormais utilisés ailleurs dans la plateforme ({objets}…)."
            ) from exc


def annuler(import_finess: ImportFiness) -> dict[str, int]:
    """Roll the import back (inside the caller's transaction); return what was restored and deleted."""
    suivant = (ImportFiness.objects.filter(statut=ImportFiness.Statut.REUSSI, pk__gt=import_finess.pk)
               .order_by("pk").first())
    if suivant is not None:
        raise ImportRefuse(f"Annulation impossible : l'import n° {suivant.pk}, appliqué après celui-ci, doit être "
                           "annulé d'abord (les imports s'annulent du plus récent au plus ancien).")
    restaures_et = _restaurer(Etablissement, "et", import_finess)
    crees_et = sorted(set(Etablissement.objects.filter(dernier_import=import_finess)
                          .values_list("pk", flat=True)) - restaures_et)
    _supprimer(Etablissement, crees_et)
    restaures_ej = _restaurer(OrganismeGestionnaire, "ej", import_finess)
    crees_ej = sorted(set(OrganismeGestionnaire.objects.filter(dernier_import=import_finess)
                          .values_list("pk", flat=True)) - restaures_ej)
    _supprimer(OrganismeGestionnaire, crees_ej)
    return {"etablissements_restaures": len(restaures_et), "etablissements_supprimes": len(crees_et),
            "organismes_restaures": len(restaures_ej), "organismes_supprimes": len(crees_ej),
            **groupes.annuler(import_finess)}
