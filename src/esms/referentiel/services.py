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
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from esms.comptes import audit
from esms.comptes.permissions import require, utilisateur_de
from esms.referentiel import chargement
from esms.referentiel.erreurs import Anomalie, ErreurImport, ErreurReferentiel, ReferentielNonCharge
from esms.referentiel.importer import ecriture, format_ej, format_et
from esms.referentiel.importer.analyse import FichierAnalyse, analyser_fichier
from esms.referentiel.importer.format_commun import Contexte
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

# ---------------------------------------------------------------------------------------------------------------
# Geography and nomenclatures


def _upsert(modele, objets: list, champs: list[str]) -> int:
    modele.objects.bulk_create(objets, batch_size=2000, update_conflicts=True,
                               unique_fields=[modele._meta.pk.name], update_fields=champs)
    return len(objets)


@transaction.atomic
def charger_referentiel(*, actor, dossier: Path | str | None = None) -> dict[str, int]:
    """Load (or refresh) regions, départements, communes, categories and legal statuses. Idempotent."""
    require(actor, "referentiel.importer")
    dossier = Path(dossier or settings.SHARED_DATA_DIR)
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
class _Compteurs:
    crees: int = 0
    modifies: int = 0
    fermes: int = 0
    details: dict = field(default_factory=dict)


def _ecrire_ej(analyse: FichierAnalyse) -> _Compteurs:
    extrait = analyse.extrait
    existants = ecriture.empreintes(OrganismeGestionnaire, "empreinte")
    nouveaux, modifies = [], []
    for ligne in extrait.lignes:
        avant = existants.get(ligne[0])
        if avant is None:
            nouveaux.append(ligne)
        elif avant[0] != ligne[-1]:
            modifies.append(ligne)
    ecriture.inserer(OrganismeGestionnaire, format_ej.COLONNES, nouveaux)
    ecriture.mettre_a_jour(OrganismeGestionnaire, format_ej.COLONNES, modifies)
    return _Compteurs(crees=len(nouveaux), modifies=len(modifies))


SEUIL_MASSIF = 20_000


def _massif(nouveaux: int, existants: int) -> bool:
    """Bulk load: many new rows, at least as many as the table already holds (first national import)."""
    return nouveaux >= SEUIL_MASSIF and nouveaux >= existants


_COLONNES_ET = (*format_et.COLONNES, "ouvert", "ferme_le", "dernier_import_id")


def _ecrire_et(analyse: FichierAnalyse, import_finess: ImportFiness) -> _Compteurs:
    extrait = analyse.extrait
    existants_ej = set(ecriture.empreintes(OrganismeGestionnaire))
    ebauches = sorted(extrait.organismes - existants_ej)
    with ecriture.index_suspendus(OrganismeGestionnaire, actif=_massif(len(ebauches), len(existants_ej))):
        ecriture.inserer(OrganismeGestionnaire, ("finess_ej",), [(n,) for n in ebauches])

    existants = ecriture.empreintes(Etablissement, "empreinte", "ouvert")
    suite = (True, None, import_finess.pk)
    nouveaux, modifies = [], []
    for ligne in extrait.lignes:
        avant = existants.pop(ligne[0], None)
        if avant is None:
            nouveaux.append(ligne + suite)
        elif avant[0] != ligne[-1] or not avant[1]:
            modifies.append(ligne + suite)
    rejetes = extrait.numeros_rejetes
    a_fermer = sorted(cle for cle, (_, ouvert) in existants.items() if ouvert and cle not in rejetes)
    with ecriture.index_suspendus(Etablissement, actif=_massif(len(nouveaux), len(extrait.lignes) - len(nouveaux)
                                                               + len(existants))):
        ecriture.inserer(Etablissement, _COLONNES_ET, nouveaux)
    ecriture.mettre_a_jour(Etablissement, _COLONNES_ET, modifies)
    ecriture.mettre_a_jour_cles(Etablissement, a_fermer, ouvert=False, ferme_le=analyse.date_extraction,
                                dernier_import_id=import_finess.pk)
    return _Compteurs(crees=len(nouveaux), modifies=len(modifies), fermes=len(a_fermer),
                      details={"organismes_ebauches": len(ebauches)})


def _verifier_anteriorite(analyse: FichierAnalyse) -> None:
    dernier = (ImportFiness.objects.filter(statut=ImportFiness.Statut.REUSSI, type_fichier=analyse.type_fichier,
                                           date_extraction__isnull=False)
               .order_by("-date_extraction").first())
    if dernier is not None and analyse.date_extraction < dernier.date_extraction:
        raise ErreurImport(Anomalie(1, "date d'extraction", analyse.date_extraction.isoformat(), (
            f"extraction du {analyse.date_extraction:%d/%m/%Y} antérieure au dernier extrait importé "
            f"(du {dernier.date_extraction:%d/%m/%Y}, import n° {dernier.pk}) : import refusé, il rouvrirait ou "
            "fermerait à tort des établissements")))


def _valider(analyse: FichierAnalyse, ignorer_invalides: bool) -> None:
    anomalies = analyse.anomalies
    if anomalies and not ignorer_invalides:
        raise ErreurImport(anomalies[0], total=len(anomalies))
    if not analyse.extrait.lignes:
        derniere = analyse.extrait.nb_lignes
        raise ErreurImport(Anomalie(derniere, "type de ligne", "", (
            "aucune ligne valide dans le fichier : import refusé (il fermerait tous les établissements)"
            if anomalies else "aucune donnée après la ligne d'entête")), total=max(len(anomalies), 1))
    _verifier_anteriorite(analyse)


def _nouvel_import(analyse: FichierAnalyse, *, actor, nom: str, details: dict) -> ImportFiness:
    extrait = analyse.extrait
    return ImportFiness.objects.create(
        fichier=nom[:500], type_fichier=analyse.type_fichier, date_extraction=analyse.date_extraction,
        sha256=analyse.sha256, nb_lignes=extrait.nb_lignes, nb_rejetes=len(extrait.numeros_rejetes),
        acteur=actor if getattr(actor, "pk", None) else None, details=details,
    )


def _terminer(import_finess: ImportFiness, compteurs: _Compteurs, debut: float, *, actor) -> None:
    import_finess.nb_crees, import_finess.nb_modifies = compteurs.crees, compteurs.modifies
    import_finess.nb_fermes = compteurs.fermes
    import_finess.details.update(compteurs.details)
    import_finess.statut = ImportFiness.Statut.REUSSI
    import_finess.termine_le = timezone.now()
    import_finess.duree_secondes = round(time.perf_counter() - debut, 3)
    import_finess.save()
    audit.record(actor=actor, action="referentiel.importer", obj=import_finess, after={
        "type": import_finess.type_fichier, "date_extraction": import_finess.date_extraction,
        "sha256": import_finess.sha256, "crees": import_finess.nb_crees, "modifies": import_finess.nb_modifies,
        "fermes": import_finess.nb_fermes, "rejetes": import_finess.nb_rejetes, **import_finess.details,
    }, comment=import_finess.fichier)


def _enregistrer_echec(*, actor, nom: str, erreur: Exception, debut: float, analyse: FichierAnalyse | None,
                       type_fichier: str) -> ImportFiness:
    with transaction.atomic():
        echec = ImportFiness.objects.create(
            fichier=nom[:500], type_fichier=analyse.type_fichier if analyse else type_fichier,
            date_extraction=analyse.date_extraction if analyse else None,
            sha256=analyse.sha256 if analyse else "", statut=ImportFiness.Statut.ECHOUE,
            nb_lignes=analyse.extrait.nb_lignes if analyse else 0,
            nb_rejetes=len(analyse.extrait.numeros_rejetes) if analyse else 0,
            erreur=str(erreur), duree_secondes=round(time.perf_counter() - debut, 3), termine_le=timezone.now(),
            acteur=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor=actor, action="referentiel.import_echoue", obj=echec, comment=str(erreur)[:2000])
    return echec


SEUIL_ANALYSE = 5_000


def _analyser_tables(resultats: list[ImportFiness]) -> None:
    """Refresh the planner statistics after a large import (else PostgreSQL plans searches for an empty table)."""
    if sum(r.nb_crees + r.nb_modifies + r.nb_fermes for r in resultats) < SEUIL_ANALYSE:
        return
    tables = [Etablissement._meta.db_table, OrganismeGestionnaire._meta.db_table]
    with connection.cursor() as curseur:
        for table in tables:
            curseur.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def importer_finess(*, actor, chemin: Path | str, chemin_ej: Path | str | None = None,
                    ignorer_invalides: bool = False, encodage: str = "latin-1",
                    nom_fichier: str | None = None) -> ImportFiness:
    """Import one Etalab FINESS extract (ET, or EJ when the file holds `structureej` lines), plus an optional EJ
    file (`chemin_ej`) in the same transaction. Returns the ImportFiness of `chemin`.

    Raises `ErreurImport` (located French message) or another `ErreurReferentiel`; nothing is written then
    except the failed ImportFiness row and its audit event.
    """
    require(actor, "referentiel.importer")
    debut = time.perf_counter()
    contexte = contexte_import()
    fichiers = [(Path(chemin_ej), "ej", Path(chemin_ej).name)] if chemin_ej else []
    fichiers.append((Path(chemin), None, nom_fichier or Path(chemin).name))
    analyses: list[FichierAnalyse] = []
    rapports: list[Path] = []
    en_cours: tuple[str, str] = (fichiers[0][2], fichiers[0][1] or "et")
    courante: FichierAnalyse | None = None
    try:
        for chemin_fichier, attendu, nom in fichiers:
            en_cours, courante = (nom, attendu or "et"), None
            courante = analyser_fichier(chemin_fichier, contexte, encodage=encodage, type_attendu=attendu)
            _valider(courante, ignorer_invalides)
            analyses.append(courante)
        courante = None
        with transaction.atomic():
            resultats = []
            for analyse, (_, _, nom) in zip(analyses, fichiers, strict=True):
                en_cours, courante = (nom, analyse.type_fichier), analyse
                details = {"encodage": encodage, "anomalies": len(analyse.anomalies)}
                if analyse.compteur:
                    details["compteur_entete"] = analyse.compteur
                import_finess = _nouvel_import(analyse, actor=actor, nom=nom, details=details)
                if analyse.anomalies:
                    rapport = ecrire_rapport(analyse.anomalies, nom_fichier=nom, horodatage=timezone.now())
                    rapports.append(rapport)
                    import_finess.rapport_rejets = str(rapport)
                if analyse.type_fichier == "ej":
                    compteurs = _ecrire_ej(analyse)
                else:
                    compteurs = _ecrire_et(analyse, import_finess)
                if resultats:
                    compteurs.details["import_ej_id"] = resultats[-1].pk
                    compteurs.details["ej_crees"] = resultats[-1].nb_crees
                    compteurs.details["ej_modifies"] = resultats[-1].nb_modifies
                _terminer(import_finess, compteurs, debut, actor=actor)
                resultats.append(import_finess)
        _analyser_tables(resultats)
        return resultats[-1]
    except (ErreurReferentiel, ValidationError) as erreur:
        for rapport in rapports:
            rapport.unlink(missing_ok=True)
        _enregistrer_echec(actor=actor, nom=en_cours[0], erreur=erreur, debut=debut, analyse=courante,
                           type_fichier=en_cours[1])
        raise


# ---------------------------------------------------------------------------------------------------------------
# Qualification


def qualifier_etablissement(*, actor, finess_et: str, secteur: str, motif: str) -> Etablissement:
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
        etablissement.qualifie_par = actor
        etablissement.qualifie_le = timezone.now()
        etablissement.save(update_fields=["secteur_qualifie", "motif_qualification", "qualifie_par", "qualifie_le"])
        audit.record(actor=actor, action="referentiel.qualifier", obj=etablissement, before=avant, after={
            "secteur_qualifie": etablissement.secteur_qualifie, "secteur": etablissement.secteur,
            "motif": motif}, comment=motif)
    return etablissement
