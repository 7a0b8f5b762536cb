"""Read queries of the référentiel. The FINESS référentiel is public data: every role may consult all of it
(`referentiel.consulter`); imports are for admins and ARS agents (`referentiel.voir_imports`)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Field, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from esms.comptes.permissions import Acteur, filter_scope, get_in_scope, require
from esms.referentiel.models import (
    Categorie,
    ChangementFiness,
    Commune,
    Etablissement,
    GroupeFiness,
    ImportFiness,
    MembreGroupe,
    OrganismeGestionnaire,
    Region,
)
from esms.referentiel.normalisation import cle_recherche

_NUMERO_FINESS = re.compile(r"^[0-9]{2}[0-9]{7}$|^2[AB][0-9]{7}$")
_DEBUT_NUMERO = re.compile(r"^(?:[0-9]{3,8}|2[AB][0-9]{1,6})$")
_CODE_COMMUNE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$")
_ABREVIATIONS = ((re.compile(r"\bSAINTE\b"), "STE"), (re.compile(r"\bSAINT\b"), "ST"))


def _filtre_texte(q: str) -> Q:
    texte = q.strip().upper().replace(" ", "")
    if _NUMERO_FINESS.match(texte):
        return Q(finess_et=texte) | Q(organisme_id=texte)
    if _DEBUT_NUMERO.match(texte):
        return Q(finess_et__startswith=texte)
    filtre = Q()
    for mot in cle_recherche(q).split():  # the establishment's name or its organisme's
        filtre &= Q(nom_recherche__contains=mot) | Q(organisme__nom_recherche__contains=mot)
    return filtre


def _filtre_commune(commune: str) -> Q:
    texte = commune.strip().upper()
    if _CODE_COMMUNE.match(texte):
        return Q(code_commune=texte) | Q(ligne_acheminement__startswith=texte + " ")
    # FINESS writes the city in capitals without accents, « SAINT » abbreviated: « 02100 ST QUENTIN ».
    cle = cle_recherche(commune)
    for motif, abreviation in _ABREVIATIONS:
        cle = motif.sub(abreviation, cle)
    codes = list(Commune.objects.filter(nom__iexact=commune.strip()).values_list("code_insee", flat=True))
    filtre = Q(ligne_acheminement__contains=f" {cle}")
    return filtre | Q(code_commune__in=codes) if codes else filtre


def _categories(**filtre: object) -> list[str]:
    return list(Categorie.objects.filter(**filtre).values_list("code", flat=True))


def rechercher_etablissements(*, actor: Acteur, q: str = "", commune: str = "", departement: str = "",
                              categorie: str = "", secteur: str = "", eligibles: bool = False,
                              statut: str = "ouverts") -> QuerySet[Etablissement]:
    """Establishments matching the criteria, by name then number, with their category and département."""
    require(actor, "referentiel.consulter")
    etablissements = Etablissement.objects.select_related("categorie", "departement", "organisme")
    if statut == "ouverts":
        etablissements = etablissements.filter(ouvert=True)
    elif statut == "fermes":
        etablissements = etablissements.filter(ouvert=False)
    if q:
        etablissements = etablissements.filter(_filtre_texte(q))
    if commune:
        etablissements = etablissements.filter(_filtre_commune(commune))
    if departement:
        etablissements = etablissements.filter(departement_id=departement)
    if categorie:
        etablissements = etablissements.filter(categorie_id=categorie)
    # Category codes are resolved first: a short constant list lets the planners use the category indexes.
    if secteur:
        etablissements = etablissements.filter(
            Q(secteur_qualifie=secteur) | Q(secteur_qualifie="", categorie_id__in=_categories(secteur=secteur)))
    if eligibles:
        etablissements = etablissements.filter(categorie_id__in=_categories(eligible=True))
    return etablissements.order_by("nom_recherche", "finess_et")


def etablissement(*, actor: Acteur, finess_et: str) -> Etablissement:
    require(actor, "referentiel.consulter")
    return get_object_or_404(
        Etablissement.objects.select_related("categorie", "departement", "region", "organisme",
                                             "organisme__statut_juridique", "qualifie_par", "dernier_import"),
        finess_et=finess_et)


def commune(code_insee: str) -> Commune | None:
    return Commune.objects.filter(code_insee=code_insee).first() if code_insee else None


def organisme(*, actor: Acteur, finess_ej: str) -> OrganismeGestionnaire:
    require(actor, "referentiel.consulter")
    return get_object_or_404(OrganismeGestionnaire.objects.select_related("departement", "statut_juridique"),
                             finess_ej=finess_ej)


def etablissements_de(organisme: OrganismeGestionnaire) -> QuerySet[Etablissement]:
    return (organisme.etablissements.select_related("categorie", "departement")
            .order_by("-ouvert", "nom_recherche", "finess_et"))


def chiffres_organisme(organisme: OrganismeGestionnaire) -> dict[str, int]:
    return organisme.etablissements.aggregate(
        total=Count("pk"), ouverts=Count("pk", filter=Q(ouvert=True)),
        eligibles=Count("pk", filter=Q(ouvert=True, categorie__eligible=True)))


def points_du_departement(departement_id: str) -> list[tuple[str, float, float]]:
    """(FINESS, latitude, longitude) of the open, geolocated establishments of a département (for the mini-map)."""
    lignes = (Etablissement.objects.filter(departement_id=departement_id, ouvert=True, latitude__isnull=False)
              .values_list("finess_et", "latitude", "longitude"))
    return [(finess, lat, lon) for finess, lat, lon in lignes if lat is not None and lon is not None]


def imports(*, actor: Acteur) -> QuerySet[ImportFiness]:
    require(actor, "referentiel.voir_imports")
    return ImportFiness.objects.select_related("acteur").order_by("-demarre_le", "-pk")


class ImportProgramme(TypedDict):
    """A FINESS file waiting for (or in) the task worker."""

    fichier: str
    en_cours: bool
    programme_le: datetime
    demarre_le: datetime | None


def imports_programmes(*, actor: Acteur) -> list[ImportProgramme]:
    """FINESS files uploaded from the imports page that the task worker has not finished with yet: waiting in the
    queue or running (read from the django-tasks database backend; its other backends keep no queue)."""
    require(actor, "referentiel.voir_imports")
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    taches = (DBTaskResult.objects.filter(task_path__endswith=".importer_finess_en_tache",
                                          status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
              .order_by("enqueued_at")[:50])
    return [ImportProgramme(fichier=(tache.args_kwargs.get("kwargs") or {}).get("nom_fichier", "?"),
                            en_cours=tache.status == TaskResultStatus.RUNNING, programme_le=tache.enqueued_at,
                            demarre_le=tache.started_at) for tache in taches]


def rapport_rejets(*, actor: Acteur, pk: int) -> Path:
    """Path of an import's rejects report; 404 when absent or outside var/imports/."""
    import_finess = get_object_or_404(imports(actor=actor), pk=pk)
    chemin = Path(import_finess.rapport_rejets) if import_finess.rapport_rejets else None
    racine = (Path(settings.VAR_DIR) / "imports").resolve()
    if chemin is None or not chemin.is_file() or racine not in chemin.resolve().parents:
        raise Http404("Rapport des rejets introuvable.")
    return chemin


def import_finess(*, actor: Acteur, pk: int) -> ImportFiness:
    return get_object_or_404(imports(actor=actor).select_related("confirme_par", "annule_par"), pk=pk)


# One field changed by one import (`import` is the import's id; a Python keyword, hence the functional form).
Changement = TypedDict("Changement", {"import": int, "annule": bool, "date_extraction": date | None, "champ": str,
                                      "avant": str, "apres": str})


def historique(*, objet: str, cle: str, limite: int = 200) -> list[Changement]:
    """What each import changed on one establishment (`objet` « et ») or organisme (« ej »): field, before,
    after, most recent first; bookkeeping columns left out."""
    from esms.referentiel.importer.plan import TECHNIQUES

    modele = Etablissement if objet == "et" else OrganismeGestionnaire
    lignes: list[Changement] = []
    for import_id, statut, date_extraction, champ, avant, apres in (
            ChangementFiness.objects.filter(objet=objet, cle=cle).exclude(champ__in=TECHNIQUES)
            .order_by("-import_finess_id", "champ")
            .values_list("import_finess_id", "import_finess__statut", "import_finess__date_extraction", "champ",
                         "avant", "apres")[:limite]):
        try:
            champ_modele = modele._meta.get_field(champ)
        except FieldDoesNotExist:
            champ_modele = None
        libelle = str(champ_modele.verbose_name) if isinstance(champ_modele, Field) else champ
        avant, apres = json.loads(avant or "null"), json.loads(apres or "null")
        if champ == "ouvert":
            avant, apres = ("ouvert" if v else "fermé" for v in (avant, apres))
        lignes.append({"import": import_id, "annule": statut == ImportFiness.Statut.ANNULE,
                       "date_extraction": date_extraction, "champ": libelle,
                       "avant": _affiche(avant), "apres": _affiche(apres)})
    return lignes


def _affiche(valeur: object) -> str:
    return "—" if valeur is None or valeur == "" else str(valeur)


class GroupeAffiche(TypedDict):
    """A GCC/GCO group an organisme belongs to, its role in it and the group's members."""

    groupe: GroupeFiness
    role: str
    membres: list[MembreAffiche]


def groupes_de(organisme: OrganismeGestionnaire) -> list[GroupeAffiche]:
    """The GCC/GCO groups the organisme belongs to (by its FINESS+ pmSmsseId), and, for a GCO, its members."""
    if not organisme.pm_smsse_id:
        return []
    groupes: list[GroupeAffiche] = []
    for membre in (MembreGroupe.objects.filter(pm_smsse_id=organisme.pm_smsse_id).select_related("groupe")
                   .order_by("groupe__type_groupe", "groupe__nom")):
        groupes.append({"groupe": membre.groupe, "role": membre.role, "membres": _membres(membre.groupe)})
    for groupe in GroupeFiness.objects.filter(type_groupe="GCO", pm_smsse_id=organisme.pm_smsse_id):
        groupes.append({"groupe": groupe, "role": "entité du groupement", "membres": _membres(groupe)})
    return groupes


class MembreAffiche(TypedDict):
    """A member of a FINESS+ group, with its organisme when the register knows it."""

    pm_smsse_id: str
    ege_id: str
    role: str
    organisme: OrganismeGestionnaire | None


def _membres(groupe: GroupeFiness) -> list[MembreAffiche]:
    membres = list(groupe.membres.order_by("pm_smsse_id").values("pm_smsse_id", "ege_id", "role"))
    organismes = {og.pm_smsse_id: og for og in OrganismeGestionnaire.objects.filter(
        pm_smsse_id__in=[m["pm_smsse_id"] for m in membres if m["pm_smsse_id"]])}
    return [MembreAffiche(pm_smsse_id=m["pm_smsse_id"], ege_id=m["ege_id"], role=m["role"],
                          organisme=organismes.get(m["pm_smsse_id"])) for m in membres]


def regions() -> QuerySet[Region]:
    """Every region, by code (the référentiel is public)."""
    return Region.objects.order_by("code")


def raisons_sociales(finess_et: list[str]) -> dict[str, str]:
    """The name of each of these establishments, by FINESS ET (one query)."""
    return dict(Etablissement.objects.filter(pk__in=finess_et).values_list("pk", "raison_sociale"))


def nom_de_region(code: str) -> str | None:
    return Region.objects.filter(pk=code).values_list("nom", flat=True).first()


def regions_par_nom() -> list[tuple[str, str]]:
    """Every region as (code, name), by name."""
    return list(Region.objects.order_by("nom").values_list("code", "nom"))


def region_visible(*, actor: Acteur, code: str) -> Region:
    """A region the actor may see (its own for an ARS agent), 404 otherwise."""
    return get_in_scope(actor, Region.objects.all(), code=code)


def categories(*, eligibles: bool = False) -> QuerySet[Categorie]:
    """The FINESS categories by code (only those the programme funds, with `eligibles`)."""
    qs = Categorie.objects.order_by("code")
    return qs.filter(eligible=True) if eligibles else qs


def etablissements_du_perimetre(*, actor: Acteur) -> QuerySet[Etablissement]:
    """The establishments in the actor's scope (its own, its organismes', its region's; all nationally)."""
    return filter_scope(actor, Etablissement.objects.select_related("categorie", "departement"))


def dans_le_perimetre(*, actor: Acteur, finess_et: str) -> bool:
    return filter_scope(actor, Etablissement.objects.filter(pk=finess_et)).exists()
