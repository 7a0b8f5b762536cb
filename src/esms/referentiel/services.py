"""Write operations of the référentiel (keyword-only, permission-checked, transactional, audited once).

- `charger_referentiel`: regions, départements, communes, FINESS categories (classified by
  `esms.rules.categories`) and legal statuses, upserted in bulk.
- `importer_finess`: the Etalab ET extract (and optionally the EJ one), set-based upsert.
- `qualifier_etablissement`: an ARS agent (of the establishment's region) or a national admin overrides the
  programme sector of one establishment, with a mandatory reason.

Import decisions
----------------
- Everything is parsed and validated before the first write; then one transaction writes the EJ rows, the EJ
  stubs, the new ET, the changed ET and the closures. An unchanged ET (same `empreinte`, still open) is not
  written at all, so re-importing the same file writes 0 ET rows.
- An ET absent from the new extract is closed (`ouvert=False`, `ferme_le` = extract date), never deleted; one
  that reappears is reopened. Rejected ET (--skip-invalid) are left as they are, never closed.
- An extract older than the last successfully imported one (same file type) is refused: importing it would close
  establishments opened since. The same date is accepted (corrected file).
- A failed import writes no référentiel row: the data transaction is rolled back. The failure itself is kept — an
  `ImportFiness` row with status « échoué », the located message, and one audit event — so the imports page
  shows it.
- A file with no valid line is refused (it would close every establishment).
- EJ absent from a newer EJ file are kept as they are (the model has no closing date for EJ).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from esms import televersements
from esms.comptes import audit
from esms.comptes.permissions import Acteur, require, utilisateur_de
from esms.referentiel import chargement
from esms.referentiel.erreurs import (
    Anomalie,
    ErreurImport,
    ErreurReferentiel,
    ImportRefuse,
    ReferentielNonCharge,
    nombre,
)
from esms.referentiel.importer import annulation, format_ej, format_et, format_plus, groupes, plan
from esms.referentiel.importer.analyse import analyser_fichier
from esms.referentiel.importer.format_commun import Contexte
from esms.referentiel.importer.lecture import sha256_fichier
from esms.referentiel.importer.rapport import ecrire_rapport
from esms.referentiel.models import (
    Categorie,
    Commune,
    Departement,
    Etablissement,
    ImportFiness,
    OrganismeGestionnaire,
    Region,
    StatutJuridique,
)
from esms.refus import hors_perimetre
from esms.televersements import Source

# ---------------------------------------------------------------------------------------------------------------
# Geography and nomenclatures


M = TypeVar("M", bound=Model)


def _upsert(modele: type[M], objets: list[M], champs: list[str]) -> int:
    modele._default_manager.bulk_create(objets, batch_size=2000, update_conflicts=True,
                                        unique_fields=[modele._meta.pk.name], update_fields=champs)
    return len(objets)


@transaction.atomic
def charger_referentiel(*, actor: Acteur, dossier: Path | str | None = None) -> dict[str, int]:
    """Load (or refresh) regions, départements, communes, categories and legal statuses. Idempotent."""
    require(actor, "referentiel.importer")
    dossier = Path(dossier or chargement.DOSSIER_PAQUET)
    donnees = chargement.lire_nomenclatures(dossier)
    comptes = {
        "regions": _upsert(Region, donnees.regions, ["nom", "est_corse", "est_outre_mer"]),
        "departements": _upsert(Departement, donnees.departements,
                                ["code_finess", "nom", "region", "est_corse", "est_outre_mer"]),
        "communes": _upsert(Commune, donnees.communes, ["nom", "departement", "codes_postaux", "population"]),
        "categories": _upsert(Categorie, donnees.categories, [
            "libelle", "libelle_court", "domaine", "code_agr3", "libelle_agr3", "code_agr2", "libelle_agr2",
            "code_agr1", "libelle_agr1", "date_fin", "eligible", "secteur", "motif_eligibilite",
            "source_eligibilite"]),
        "statuts_juridiques": _upsert(StatutJuridique, donnees.statuts, [
            "libelle", "code_agr2", "libelle_agr2", "code_agr1", "libelle_agr1"]),
    }
    comptes["categories_eligibles"] = sum(1 for c in donnees.categories if c.eligible)
    audit.record(actor=actor, action="referentiel.charger", after=comptes, comment=str(dossier),
                 object_type="referentiel.Referentiel", object_id=str(dossier)[:100],
                 object_repr="Géographie et nomenclatures FINESS")
    return comptes


# ---------------------------------------------------------------------------------------------------------------
# FINESS import


def contexte_import() -> Contexte:
    """Reference data the FINESS lines are validated against; a French error when it is not loaded."""
    departements = {code_finess: (code, region) for code, code_finess, region
                    in Departement.objects.values_list("code", "code_finess", "region_id")}
    categories = set(Categorie.objects.values_list("code", flat=True))
    if not departements or not categories:
        raise ReferentielNonCharge(
            "Le référentiel géographique et les nomenclatures FINESS ne sont pas chargés : "
            "lancez d'abord « esms charger_referentiel »."
        )
    return Contexte(departements=departements, categories=categories,
                    statuts=set(StatutJuridique.objects.values_list("code", flat=True)))


@dataclass
class FichierLu:
    """One parsed FINESS file, whatever its layout (Etalab ET/EJ CSV or FINESS+ JSON), ready to plan."""

    chemin: Path
    nom: str
    sha256: str
    type_fichier: str  # "et", "ej" (Etalab) or "plus" (FINESS+ Structures)
    nature: str  # ImportFiness.Nature
    date_extraction: date
    nb_lignes: int
    anomalies: list[Anomalie]
    numeros_rejetes: set[str]
    lignes_et: list[tuple[Any, ...]] | None = None
    colonnes_et: tuple[str, ...] = ()
    lignes_ej: list[tuple[Any, ...]] = field(default_factory=list)
    colonnes_ej: tuple[str, ...] = ()
    ebauches: set[str] = field(default_factory=set)
    groupes: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


_COLONNES_ETALAB_ET = (*format_et.COLONNES, "ouvert", "ferme_le")


def _lire(chemin: Path, nom: str, contexte: Contexte, *, encodage: str, type_attendu: str | None,
          nature: str | None) -> FichierLu:
    """Parse and check one file (format recognised from its content), without writing."""
    if format_plus.est_finess_plus(chemin):
        if type_attendu == "ej":
            raise ErreurImport(Anomalie(0, "(fichier)", "", "fichier FINESS+ (JSON) fourni là où un fichier "
                                                           "Etalab des entités juridiques est attendu"))
        extrait = format_plus.analyser(chemin, contexte)
        assert extrait.date_extraction is not None
        return FichierLu(
            chemin=chemin, nom=nom, sha256=sha256_fichier(chemin), type_fichier="plus",
            nature=nature or format_plus.nature_du_fichier(nom), date_extraction=extrait.date_extraction,
            nb_lignes=extrait.nb_ege, anomalies=extrait.anomalies,
            numeros_rejetes=extrait.numeros_rejetes, lignes_et=extrait.lignes, colonnes_et=format_plus.COLONNES_ET,
            lignes_ej=extrait.organismes_lignes, colonnes_ej=format_plus.COLONNES_EJ,
            ebauches=extrait.organismes - {ligne[0] for ligne in extrait.organismes_lignes},
            groupes=extrait.groupes, details={
                "version_schema": extrait.version_schema, "genere_le": extrait.genere_le,
                "pmej": extrait.nb_pmej, "ege": extrait.nb_ege, "groupes": len(extrait.groupes),
                "hors_perimetre": extrait.hors_perimetre, "hors_perimetre_ej": extrait.hors_perimetre_ej,
                "ej_rejetes": len(extrait.ej_rejetes)})
    analyse = analyser_fichier(chemin, contexte, encodage=encodage, type_attendu=type_attendu)
    lu = FichierLu(chemin=chemin, nom=nom, sha256=analyse.sha256, type_fichier=analyse.type_fichier,
                   nature=ImportFiness.Nature.INSTANTANE, date_extraction=analyse.date_extraction,
                   nb_lignes=analyse.extrait.nb_lignes, anomalies=analyse.anomalies,
                   numeros_rejetes=analyse.extrait.numeros_rejetes, details={"encodage": encodage})
    if analyse.compteur:
        lu.details["compteur_entete"] = analyse.compteur
    if analyse.type_fichier == "ej":
        lu.lignes_ej, lu.colonnes_ej = analyse.extrait.lignes, format_ej.COLONNES
    else:
        extrait_et = analyse.extrait
        assert isinstance(extrait_et, format_et.ExtraitEt)
        lu.lignes_et = [(*ligne, True, None) for ligne in extrait_et.lignes]
        lu.colonnes_et = _COLONNES_ETALAB_ET
        lu.ebauches = extrait_et.organismes
    return lu


def _valider(lu: FichierLu, ignorer_invalides: bool) -> None:
    if lu.anomalies and not ignorer_invalides:
        raise ErreurImport(lu.anomalies[0], total=len(lu.anomalies))
    if not lu.lignes_et and not lu.lignes_ej and not lu.details.get("hors_perimetre"):
        raise ErreurImport(Anomalie(lu.nb_lignes if lu.type_fichier != "plus" else 0,
                                    "type de ligne" if lu.type_fichier != "plus" else "pmej", "", (
            "aucune ligne valide dans le fichier : import refusé (il fermerait tous les établissements)"
            if lu.anomalies else "aucune donnée après la ligne d'entête")), total=max(len(lu.anomalies), 1))


_FAMILLES = {"et": ("et", "plus"), "plus": ("et", "plus"), "ej": ("ej",)}


def _dernier_applique(type_fichier: str) -> ImportFiness | None:
    return (ImportFiness.objects.filter(statut=ImportFiness.Statut.REUSSI, type_fichier__in=_FAMILLES[type_fichier],
                                        date_extraction__isnull=False)
            .order_by("-date_extraction", "-pk").first())


def _pourcentage(part: float) -> str:
    return f"{part * 100:.1f} %".replace(".", ",")


def motifs_d_attente(lu: FichierLu, plan_et: plan.Plan | None, plan_ej: plan.Plan | None) -> list[str]:
    """Why an import must wait for a national administrator's confirmation (empty: apply at once)."""
    motifs = []
    seuil = float(settings.FINESS_SEUIL_FERMETURES)
    if plan_et is not None:
        ouverts = plan_et.ouverts
        fermes = plan_et.nb_fermetures
        if ouverts and fermes > seuil * ouverts:
            motifs.append(f"il fermerait {nombre(fermes)} établissement(s) sur {nombre(ouverts)} ouvert(s) "
                          f"({_pourcentage(fermes / ouverts)}, au-delà du seuil de {_pourcentage(seuil)})")
    if all(p is None or p.vide for p in (plan_et, plan_ej)):
        return motifs
    dernier = _dernier_applique(lu.type_fichier)
    if dernier is not None and dernier.date_extraction is not None and lu.date_extraction <= dernier.date_extraction:
        motifs.append(f"son extraction (du {lu.date_extraction:%d/%m/%Y}) n'est pas plus récente que celle du "
                      f"dernier import appliqué (n° {dernier.pk}, extraction du {dernier.date_extraction:%d/%m/%Y})")
    return motifs


def _nouvel_import(lu: FichierLu, *, actor: Acteur, details: dict[str, Any], url_source: str) -> ImportFiness:
    return ImportFiness.objects.create(
        fichier=lu.nom[:500], type_fichier=lu.type_fichier, nature=lu.nature, date_extraction=lu.date_extraction,
        sha256=lu.sha256, nb_lignes=lu.nb_lignes, nb_rejetes=len(lu.numeros_rejetes),
        chemin_fichier=str(lu.chemin)[:500], url_source=url_source[:500],
        acteur=utilisateur_de(actor), details=details,
    )


def _terminer(import_finess: ImportFiness, comptes_et: dict[str, int], comptes_ej: dict[str, int], debut: float, *, actor: Acteur,
              confirme: bool) -> None:
    import_finess.nb_crees = comptes_et.get("crees", 0)
    import_finess.nb_modifies = comptes_et.get("modifies", 0)
    import_finess.nb_fermes = comptes_et.get("fermes", 0)
    if import_finess.type_fichier == "ej":
        import_finess.nb_crees, import_finess.nb_modifies = comptes_ej.get("crees", 0), comptes_ej.get("modifies", 0)
    else:
        import_finess.details["organismes_ebauches" if import_finess.type_fichier == "et" else "organismes_crees"] = \
            comptes_ej.get("crees", 0)
        import_finess.details["organismes_modifies"] = comptes_ej.get("modifies", 0)
    import_finess.details["changements"] = (comptes_et.get("changements", 0) + comptes_ej.get("changements", 0)
                                            + comptes_et.get("groupes", 0))
    if import_finess.type_fichier == "plus":
        import_finess.details["groupes_modifies"] = comptes_et.get("groupes", 0)
    import_finess.statut = ImportFiness.Statut.REUSSI
    import_finess.termine_le = timezone.now()
    if confirme:
        import_finess.confirme_par = utilisateur_de(actor)
        import_finess.confirme_le = timezone.now()
    import_finess.duree_secondes = round(time.perf_counter() - debut, 3)
    import_finess.save()
    audit.record(actor=actor, action="referentiel.importer", obj=import_finess, after={
        "type": import_finess.type_fichier, "nature": import_finess.nature,
        "date_extraction": import_finess.date_extraction, "sha256": import_finess.sha256,
        "crees": import_finess.nb_crees, "modifies": import_finess.nb_modifies, "fermes": import_finess.nb_fermes,
        "rejetes": import_finess.nb_rejetes, "confirme": confirme, **import_finess.details,
    }, comment=import_finess.fichier)


def _enregistrer_echec(*, actor: Acteur, nom: str, erreur: Exception, debut: float, lu: FichierLu | None,
                       type_fichier: str) -> ImportFiness:
    with transaction.atomic():
        echec = ImportFiness.objects.create(
            fichier=nom[:500], type_fichier=lu.type_fichier if lu else type_fichier,
            date_extraction=lu.date_extraction if lu else None,
            sha256=lu.sha256 if lu else "", statut=ImportFiness.Statut.ECHOUE,
            nb_lignes=lu.nb_lignes if lu else 0, nb_rejetes=len(lu.numeros_rejetes) if lu else 0,
            erreur=str(erreur), duree_secondes=round(time.perf_counter() - debut, 3), termine_le=timezone.now(),
            acteur=utilisateur_de(actor),
        )
        audit.record(actor=actor, action="referentiel.import_echoue", obj=echec, comment=str(erreur)[:2000])
    return echec


SEUIL_ANALYSE = 5_000


# Columns the searches, lists and joins filter or sort on: their statistics are refreshed after a large import
# (else PostgreSQL plans searches for an empty table); autovacuum's own ANALYZE completes the others later.
COLONNES_ANALYSEES: dict[type[Model], tuple[str, ...]] = {
    Etablissement: ("finess_et", "organisme", "nom_recherche", "ligne_acheminement", "code_commune", "departement",
                    "region", "categorie", "ouvert", "secteur_qualifie"),
    OrganismeGestionnaire: ("finess_ej", "nom_recherche", "departement"),
}


def _colonne(modele: type[Model], nom: str) -> str:
    """The database column of a concrete field of `modele`."""
    champ = modele._meta.get_field(nom)
    if not isinstance(champ, Field) or not champ.column:
        raise LookupError(f"{modele._meta.label}.{nom} n'est pas une colonne.")
    return champ.column


def _analyser_tables(resultats: list[ImportFiness]) -> None:
    """Refresh the planner statistics after a large import."""
    if sum(r.nb_crees + r.nb_modifies + r.nb_fermes for r in resultats) < SEUIL_ANALYSE:
        return
    with connection.cursor() as curseur:
        for modele, champs in COLONNES_ANALYSEES.items():
            table = connection.ops.quote_name(modele._meta.db_table)
            if connection.vendor != "postgresql":  # SQLite analyses whole tables (its indexes) only
                curseur.execute(f"ANALYZE {table}")
                continue
            colonnes = ", ".join(connection.ops.quote_name(_colonne(modele, c)) for c in champs)
            curseur.execute(f"ANALYZE {table} ({colonnes})")


def _planifier(lus: list[FichierLu]) -> list[tuple[plan.Plan | None, plan.Plan | None]]:
    plans: list[tuple[plan.Plan | None, plan.Plan | None]] = []
    deja: set[str] = set()  # EJ numbers written by an earlier file of the same run
    for lu in lus:
        plan_ej = None
        if lu.lignes_ej or lu.ebauches:
            plan_ej = plan.planifier_ej(lu.lignes_ej, lu.colonnes_ej or format_ej.COLONNES, sorted(lu.ebauches - deja))
            deja.update(ligne[0] for ligne in lu.lignes_ej)
        plan_et = None
        if lu.lignes_et is not None:
            plan_et = plan.planifier_et(lu.lignes_et, lu.colonnes_et,
                                        fermer_absents=lu.nature == ImportFiness.Nature.INSTANTANE,
                                        rejetes=lu.numeros_rejetes, ferme_le=lu.date_extraction)
        plans.append((plan_et, plan_ej))
    return plans


def _mettre_en_attente(lu: FichierLu, plans: tuple[plan.Plan | None, plan.Plan | None], motifs: list[str], *,
                       actor: Acteur, details: dict[str, Any],
                       url_source: str) -> ImportFiness:
    plan_et, plan_ej = plans
    with transaction.atomic():
        attente = _nouvel_import(lu, actor=actor, details=details, url_source=url_source)
        attente.statut = ImportFiness.Statut.A_CONFIRMER
        attente.motif_attente = "Import mis en attente de confirmation : " + " ; ".join(motifs) + "."
        attente.apercu = plan.apercu(plan_et, plan_ej) if plan_et is not None else {}
        attente.nb_crees = len(plan_et.nouveaux) if plan_et else 0
        attente.nb_modifies = len(plan_et.modifies) if plan_et else 0
        attente.nb_fermes = plan_et.nb_fermetures if plan_et else 0
        attente.save()
        audit.record(actor=actor, action="referentiel.import_en_attente", obj=attente, comment=attente.motif_attente)
    return attente


def refuser_televersement(*, actor: Acteur, nom: str, refus: televersements.TeleversementRefuse,
                          debut: float | None = None) -> ImportRefuse:
    """Record a refused upload like a failed import (« échoué » row, audit event); returns the error to raise."""
    require(actor, "referentiel.importer")
    erreur = ImportRefuse(" ".join(refus.messages))
    _enregistrer_echec(actor=actor, nom=nom, erreur=erreur, debut=debut or time.perf_counter(), lu=None,
                       type_fichier="et")
    return erreur


def recevoir_televersement(*, actor: Acteur, fichier: Source, nom: str) -> Path:
    """Receive a FINESS file uploaded from the imports page, before any task or transaction: streamed to a
    temporary file under the « finess » size limit of `esms.televersements`, gunzipped under its caps, then
    moved under VAR_DIR/imports/televersements where the import task reads it. A refusal is recorded like a
    failed import (an « échoué » ImportFiness row and an audit event) and raised as `ImportRefuse`."""
    require(actor, "referentiel.importer")
    nom = televersements.nom_sur(nom, "finess.csv")
    dossier = Path(settings.VAR_DIR) / "imports" / "televersements"
    recu = source = None
    debut = time.perf_counter()
    try:
        recu = televersements.recevoir(fichier, nom=nom, genre="finess", dossier=dossier)
        source = televersements.decompresser(recu, genre="finess")
    except televersements.TeleversementRefuse as exc:
        raise refuser_televersement(actor=actor, nom=nom, refus=exc, debut=debut) from None
    finally:
        if recu is not None and source is not recu:
            recu.effacer()
    cible = dossier / f"{timezone.now():%Y%m%d-%H%M%S-%f}-{source.nom}"
    source.chemin.replace(cible)
    return cible


def importer_finess(*, actor: Acteur, chemin: Path | str, chemin_ej: Path | str | None = None,
                    ignorer_invalides: bool = False, encodage: str = "latin-1", nom_fichier: str | None = None,
                    nature: str | None = None, confirmer: bool = False, url_source: str = "",
                    import_en_attente: ImportFiness | None = None) -> ImportFiness:
    """Import one FINESS file — FINESS+ Structures JSON or Etalab CSV, recognised from its content — plus an
    optional Etalab EJ file (`chemin_ej`) in the same transaction. Returns the ImportFiness of `chemin`: applied
    (« réussi ») or, when it would close too many establishments or is not newer than the last applied one,
    held « à confirmer » with its preview (nothing written) unless `confirmer`.

    `nature` (FINESS+): « instantane » closes the establishments the file no longer lists, « flux » never
    closes by absence; by default it is taken from the file's name, else « flux».
    Raises `ErreurImport` (located French message) or another `ErreurReferentiel`; nothing is written then
    except the failed ImportFiness row and its audit event.
    """
    require(actor, "referentiel.importer")
    if nature is not None and nature not in ImportFiness.Nature.values:
        raise ImportRefuse(f"Nature de fichier inconnue : « {nature} » (attendu : instantane ou flux).")
    debut = time.perf_counter()
    contexte = contexte_import()
    fichiers: list[tuple[Path, str | None, str]] = [(Path(chemin_ej), "ej", Path(chemin_ej).name)] if chemin_ej else []
    fichiers.append((Path(chemin), None, nom_fichier or Path(chemin).name))
    lus: list[FichierLu] = []
    rapports: list[Path] = []
    en_cours: tuple[str, str] = (fichiers[0][2], fichiers[0][1] or "et")
    courant: FichierLu | None = None
    try:
        for chemin_fichier, attendu, nom in fichiers:
            en_cours, courant = (nom, attendu or "et"), None
            courant = _lire(chemin_fichier, nom, contexte, encodage=encodage, type_attendu=attendu, nature=nature)
            _valider(courant, ignorer_invalides)
            lus.append(courant)
        courant = None
        plans = _planifier(lus)
        options = {"ignorer_invalides": ignorer_invalides, "encodage": encodage,
                   "chemin_ej": str(chemin_ej) if chemin_ej else ""}
        motifs = [] if confirmer else motifs_d_attente(lus[-1], *plans[-1])
        if motifs:
            return _mettre_en_attente(lus[-1], plans[-1], motifs, actor=actor, url_source=url_source,
                                      details={**lus[-1].details, **options, "anomalies": len(lus[-1].anomalies)})
        with transaction.atomic():
            resultats: list[ImportFiness] = []
            for rang, (lu, (plan_et, plan_ej)) in enumerate(zip(lus, plans, strict=True)):
                en_cours, courant = (lu.nom, lu.type_fichier), lu
                details = {**lu.details, "anomalies": len(lu.anomalies), "nature": lu.nature}
                dernier = rang == len(lus) - 1
                if dernier and import_en_attente is not None:
                    import_finess = import_en_attente
                    import_finess.details.update(details)
                    import_finess.nb_rejetes = len(lu.numeros_rejetes)
                    import_finess.motif_attente += " Confirmé."
                else:
                    import_finess = _nouvel_import(lu, actor=actor, details=details, url_source=url_source)
                if lu.anomalies:
                    rapport = ecrire_rapport(lu.anomalies, nom_fichier=lu.nom, horodatage=timezone.now())
                    rapports.append(rapport)
                    import_finess.rapport_rejets = str(rapport)
                comptes_ej = plan.appliquer(plan_ej, import_finess) if plan_ej is not None else {}
                comptes_et = plan.appliquer(plan_et, import_finess) if plan_et is not None else {}
                comptes_et["groupes"] = groupes.appliquer(lu.groupes, import_finess)
                if resultats:
                    import_finess.details.update({"import_ej_id": resultats[-1].pk, "ej_crees": resultats[-1].nb_crees,
                                                  "ej_modifies": resultats[-1].nb_modifies})
                _terminer(import_finess, comptes_et, comptes_ej, debut, actor=actor,
                          confirme=dernier and (confirmer or import_en_attente is not None))
                resultats.append(import_finess)
        _analyser_tables(resultats)
        return resultats[-1]
    except (ErreurReferentiel, ValidationError) as erreur:
        for rapport in rapports:
            rapport.unlink(missing_ok=True)
        _enregistrer_echec(actor=actor, nom=en_cours[0], erreur=erreur, debut=debut, lu=courant,
                           type_fichier=en_cours[1])
        raise


def confirmer_import(*, actor: Acteur, pk: int) -> ImportFiness:
    """Apply an import held « à confirmer » (national administrators): the same file, checked unchanged."""
    require(actor, "referentiel.importer")
    attente = ImportFiness.objects.filter(pk=pk).first()
    if attente is None or attente.statut != ImportFiness.Statut.A_CONFIRMER:
        raise ImportRefuse(f"L'import n° {pk} n'est pas en attente de confirmation.")
    chemin = Path(attente.chemin_fichier)
    if not chemin.is_file():
        raise ImportRefuse(f"Le fichier de l'import n° {pk} n'existe plus ({chemin}) : relancez l'import.")
    if sha256_fichier(chemin) != attente.sha256:
        raise ImportRefuse(f"Le fichier de l'import n° {pk} a changé depuis sa mise en attente (SHA-256 différent) : "
                           "relancez l'import.")
    details = attente.details
    return importer_finess(actor=actor, chemin=chemin, chemin_ej=details.get("chemin_ej") or None,
                           ignorer_invalides=details.get("ignorer_invalides", False),
                           encodage=details.get("encodage", "latin-1"), nom_fichier=attente.fichier,
                           nature=attente.nature if attente.type_fichier == "plus" else None, confirmer=True,
                           url_source=attente.url_source, import_en_attente=attente)


def annuler_import(*, actor: Acteur, pk: int) -> ImportFiness:
    """Roll an applied import back to the state before it (establishments and organismes), audited."""
    require(actor, "referentiel.importer")
    with transaction.atomic():
        cible = ImportFiness.objects.select_for_update().filter(pk=pk).first()
        if cible is None or cible.statut != ImportFiness.Statut.REUSSI:
            raise ImportRefuse(f"L'import n° {pk} n'est pas un import appliqué : rien à annuler.")
        comptes = annulation.annuler(cible)
        cible.statut = ImportFiness.Statut.ANNULE
        cible.annule_par = utilisateur_de(actor)
        cible.annule_le = timezone.now()
        cible.details["annulation"] = comptes
        cible.save()
        audit.record(actor=actor, action="referentiel.annuler_import", obj=cible, after=comptes,
                     comment=f"Annulation de l'import n° {pk} ({cible.fichier})")
    _analyser_tables([ImportFiness(nb_crees=sum(comptes.values()))])
    return cible


# ---------------------------------------------------------------------------------------------------------------
# Qualification


def qualifier_etablissement(*, actor: Acteur, finess_et: str, secteur: str, motif: str) -> Etablissement:
    """Override the programme sector of one establishment (empty `secteur` = back to the category's sector).

    Allowed to national admins and to ARS agents of the establishment's region (PermissionDenied otherwise);
    the reason is mandatory; one audit event with the before/after values.
    """
    from esms.rules.categories import SECTEUR_LIBELLES

    if utilisateur_de(actor) is None:
        raise hors_perimetre("La qualification d'un établissement exige un utilisateur identifié.")
    require(actor, "referentiel.qualifier")
    with transaction.atomic():
        etablissement = (Etablissement.objects.select_for_update().select_related("categorie")
                         .filter(finess_et=finess_et).first())
        if etablissement is None:
            raise ValidationError({"finess_et": f"Établissement FINESS {finess_et} inconnu."})
        require(actor, "referentiel.qualifier", obj=etablissement)
        erreurs = {}
        secteur = (secteur or "").strip()
        motif = (motif or "").strip()
        if secteur and secteur not in SECTEUR_LIBELLES:
            erreurs["secteur"] = f"Secteur inconnu : « {secteur} »."
        if not motif:
            erreurs["motif"] = "Le motif de la qualification est obligatoire."
        nouveau = "" if secteur in ("", etablissement.categorie.secteur) else secteur
        if "secteur" not in erreurs and nouveau == etablissement.secteur_qualifie:
            erreurs["secteur"] = "Ce secteur est déjà celui de l'établissement."
        if erreurs:
            raise ValidationError(erreurs)
        avant = {"secteur_qualifie": etablissement.secteur_qualifie, "secteur": etablissement.secteur,
                 "motif": etablissement.motif_qualification}
        etablissement.secteur_qualifie = nouveau
        etablissement.motif_qualification = motif
        etablissement.qualifie_par = utilisateur_de(actor)
        etablissement.qualifie_le = timezone.now()
        etablissement.save(update_fields=["secteur_qualifie", "motif_qualification", "qualifie_par", "qualifie_le"])
        audit.record(actor=actor, action="referentiel.qualifier", obj=etablissement, before=avant, after={
            "secteur_qualifie": etablissement.secteur_qualifie, "secteur": etablissement.secteur,
            "motif": motif}, comment=motif)
    return etablissement
