"""Writes of the usages domain: keyword-only, scope-checked, audited, each in one transaction.

- indicator reports: `declarer_indicateurs` (form or API), `importer_indicateurs` (CSV/XLSX file),
  `soumettre_indicateurs` (vendor API: the dossier is found from the establishment);
- evidence: `deposer_preuve` (porteur or vendor; file-like object, Django upload or bytes);
- the ARS's decision: `valider_usage` (rules verdict, validated DUI figures, payment order when due —
  never above the convention, the dossier row being locked) and `rejeter_usage`;
- `ordonner_versement`: a scheduled payment is ordered to the Caisse des dépôts;
- vendors: `autoriser_editeur`, `revoquer_editeur`.

Refusals raise `UsageRefuse` / `PreuveInvalide` / `IdentifiantsDirects` (French messages, located in the
file when there is one) or `PermissionDenied`; nothing is written then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from esms import televersements
from esms.candidatures import conventions as etapes_convention
from esms.candidatures import regles
from esms.candidatures import services as candidatures
from esms.candidatures.etats import ETATS_DECLARATION, ETATS_VALIDATION, Etat
from esms.candidatures.models import Dossier, Membre
from esms.comptes import audit
from esms.comptes.models import User
from esms.comptes.notifications import notifier
from esms.comptes.permissions import (
    Acteur,
    compte_de,
    decide,
    est_editeur,
    etablissements_non_autorises,
    in_scope,
    require,
    utilisateur_de,
)
from esms.financement import conventions
from esms.financement.models import Convention, Versement
from esms.referentiel.models import Etablissement
from esms.refus import hors_perimetre
from esms.rules import RulesInputError
from esms.rules.dui_actif import DefinitionDuiActif, definition_dui_actif, motif_de_validation
from esms.rules.parametres import Parametre
from esms.televersements import Source
from esms.usages import indicateurs, selectors
from esms.usages.erreurs import PreuveInvalide, UsageRefuse
from esms.usages.models import (
    Canal,
    DuiActifValide,
    Preuve,
    RapportIndicateurs,
    TraitementPreuve,
    ValidationUsage,
)
from esms.usages.preuves import journal, recalcul, stockage


def _lock(dossier: Dossier) -> Dossier:
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("grappe__campagne", "grappe__porteur", "region_pilote", "version").get(pk=dossier.pk))


def _lien(dossier: Dossier) -> str:
    return reverse("usages:dossier", args=[dossier.pk])


def _periode(debut: date, fin: date) -> None:
    if fin < debut:
        raise UsageRefuse(f"Période invalide : la fin ({fin:%d/%m/%Y}) précède le début ({debut:%d/%m/%Y}).")


def membres(dossier: Dossier) -> set[str]:
    return set(Membre.objects.filter(grappe_id=dossier.grappe_id).values_list("etablissement_id", flat=True))


def _autorisations_editeur(actor: Acteur, finess: set[str]) -> None:
    """A vendor acts only for the establishments that authorised it."""
    refuses = etablissements_non_autorises(actor, finess)
    if refuses:
        raise hors_perimetre(
            f"L'établissement {', '.join(refuses)} n'a pas autorisé l'éditeur « {actor} » à transmettre ses "
            "indicateurs ou ses preuves."
        )


def _peut_declarer(actor: Acteur, dossier: Dossier, finess: set[str]) -> None:
    require(actor, "usages.declarer", dossier)
    if dossier.etat not in ETATS_DECLARATION:
        raise UsageRefuse(
            f"Le dossier {dossier} est « {Etat(dossier.etat).label.lower()} » : les indicateurs et les preuves "
            "se déclarent une fois la convention signée (conventionné, en suivi d'usage ou soldé)."
        )
    _autorisations_editeur(actor, finess)


def catalogue(dossier: Dossier) -> list[str]:
    """The indicator codes of the dossier's campaign version."""
    return list(regles.campagne_de(regles.version_du_dossier(dossier)).usage.indicateurs)


def dossier_de(finess_et: str) -> Dossier:
    """The dossier in which an establishment reports its usage (for the vendors' API)."""
    dossier = (Dossier.objects.filter(grappe__membres__etablissement_id=finess_et, etat__in=ETATS_DECLARATION)
               .order_by("-depose_le", "-id").first())
    if dossier is None:
        raise UsageRefuse(f"L'établissement {finess_et} ne fait partie d'aucun dossier conventionné ou en suivi d'usage.")
    return dossier


def _canal(actor: Acteur, canal: str | None) -> str:
    return canal or (Canal.API if est_editeur(actor) else Canal.FORMULAIRE)


# --- Indicator reports ----------------------------------------------------------------------------

def declarer_indicateurs(*, actor: Acteur, dossier: Dossier, finess_et: str, debut: date, fin: date, dui_actifs: object,
                         valeurs: Mapping[str, object] | None = None, canal: str | None = None) -> RapportIndicateurs:
    """Record one establishment's figures for a period (the latest report for a period is the one in force).
    The figures are checked before the write transaction (strict numbers, `esms.nombres`)."""
    require(actor, "usages.declarer", dossier)
    _periode(debut, fin)
    try:
        nombre_dui = indicateurs.entier_positif(dui_actifs)
    except ValueError as exc:
        raise UsageRefuse(f"{finess_et}, dui_actifs : {exc}.") from None
    if nombre_dui is None:
        raise UsageRefuse(f"{finess_et}, dui_actifs : nombre de DUI actifs manquant.")
    propres, erreurs = indicateurs.verifier_valeurs(valeurs or {}, catalogue(dossier), finess_et)
    if erreurs:
        raise UsageRefuse(erreurs)
    return _enregistrer_rapport(actor=actor, dossier=dossier, finess_et=finess_et, debut=debut, fin=fin,
                                nombre_dui=nombre_dui, propres=propres, canal=canal)


@transaction.atomic
def _enregistrer_rapport(*, actor: Acteur, dossier: Dossier, finess_et: str, debut: date, fin: date, nombre_dui: int,
                         propres: dict[str, str], canal: str | None) -> RapportIndicateurs:
    dossier = _lock(dossier)
    _peut_declarer(actor, dossier, {finess_et})
    if finess_et not in membres(dossier):
        raise UsageRefuse(f"L'établissement {finess_et} n'est pas membre de la grappe du dossier {dossier}.")
    rapport = RapportIndicateurs.objects.create(
        dossier=dossier, etablissement_id=finess_et, periode_debut=debut, periode_fin=fin, dui_actifs=nombre_dui,
        valeurs=propres, canal=_canal(actor, canal), auteur=compte_de(actor))
    audit.record(actor=actor, action="usages.declarer_indicateurs", obj=dossier,
                 after={"finess_et": finess_et, "periode": [debut.isoformat(), fin.isoformat()],
                        "dui_actifs": nombre_dui, "valeurs": propres, "canal": rapport.canal})
    return rapport


def _refus_televersement(*, actor: Acteur, action: str, dossier: Dossier, nom: str, raisons: list[str]) -> None:
    """A refused upload leaves a trace: an audit event naming the file and the reasons (nothing else written)."""
    audit.record(actor=actor, action=action, obj=dossier, after={"fichier": nom, "raisons": raisons[:10]})


def importer_indicateurs(*, actor: Acteur, dossier: Dossier, fichier: Source, nom: str, debut: date, fin: date,
                         etape: Callable[[str], None] | None = None) -> list[RapportIndicateurs]:
    """Record the reports of a CSV/XLSX file (one line per establishment): all of them, or none.

    The upload is streamed to a temporary file under the « indicateurs » size limit (gunzipped under caps
    when compressed), then read and checked line by line outside any transaction; the short write
    transaction only locks the dossier to insert the validated lines."""
    require(actor, "usages.declarer", dossier)
    _periode(debut, fin)
    nom = televersements.nom_sur(nom)
    etape = etape or (lambda _texte: None)
    recu = source = None
    try:
        etape("Réception du fichier (taille, décompression)")
        recu = televersements.recevoir(fichier, nom=nom, genre="indicateurs")
        source = televersements.decompresser(recu, genre="indicateurs")
        etape("Lecture et contrôle des lignes")
        lignes = indicateurs.lire_fichier(source.chemin, nom=source.nom, catalogue=catalogue(dossier),
                                          membres=membres(dossier))
    except televersements.TeleversementRefuse as exc:
        _refus_televersement(actor=actor, action="usages.importer_indicateurs.refus", dossier=dossier, nom=nom,
                             raisons=exc.messages)
        raise UsageRefuse(exc.messages) from None
    except UsageRefuse as exc:
        _refus_televersement(actor=actor, action="usages.importer_indicateurs.refus", dossier=dossier, nom=nom,
                             raisons=exc.messages)
        raise
    finally:
        for temporaire in {id(f): f for f in (recu, source) if f is not None}.values():
            temporaire.effacer()
    etape("Enregistrement des indicateurs")
    return _enregistrer_import(actor=actor, dossier=dossier, lignes=lignes, nom=nom, debut=debut, fin=fin)


@transaction.atomic
def _enregistrer_import(*, actor: Acteur, dossier: Dossier, lignes: list[indicateurs.LigneRapport], nom: str, debut: date,
                        fin: date) -> list[RapportIndicateurs]:
    dossier = _lock(dossier)
    _peut_declarer(actor, dossier, {ligne.finess_et for ligne in lignes})
    hors_grappe = sorted({ligne.finess_et for ligne in lignes} - membres(dossier))
    if hors_grappe:  # the grappe changed while the file was read
        raise UsageRefuse(f"{nom} : l'établissement {hors_grappe[0]} n'est plus membre de la grappe.")
    rapports = RapportIndicateurs.objects.bulk_create([
        RapportIndicateurs(dossier=dossier, etablissement_id=ligne.finess_et, periode_debut=debut, periode_fin=fin,
                           dui_actifs=ligne.dui_actifs, valeurs=ligne.valeurs, canal=Canal.FICHIER,
                           nom_fichier=nom, auteur=utilisateur_de(actor))
        for ligne in lignes])
    audit.record(actor=actor, action="usages.importer_indicateurs", obj=dossier,
                 after={"fichier": nom, "periode": [debut.isoformat(), fin.isoformat()],
                        "etablissements": [ligne.finess_et for ligne in lignes]})
    return rapports


def programmer_indicateurs(*, actor: Acteur, dossier: Dossier, fichier: Source, nom: str, debut: date,
                           fin: date) -> TraitementPreuve:
    """Receive a (large) indicator file now — streamed under the « indicateurs » limit — and leave its reading,
    checks and recording to the task worker (`importer_indicateurs`, run by `taches.traiter_indicateurs`); the
    uploader follows its state on the usage page."""
    from esms.usages.taches import traiter_indicateurs

    nom = televersements.nom_sur(nom, "indicateurs.csv")
    _peut_declarer(actor, dossier, set())
    _periode(debut, fin)
    try:
        recu = televersements.recevoir(fichier, nom=nom, genre="indicateurs", dossier=stockage.racine() / "attente")
    except televersements.TeleversementRefuse as exc:
        _refus_televersement(actor=actor, action="usages.importer_indicateurs.refus", dossier=dossier, nom=nom,
                             raisons=exc.messages)
        raise UsageRefuse(exc.messages) from None
    traitement = TraitementPreuve.objects.create(
        dossier=dossier, genre=TraitementPreuve.Genre.INDICATEURS, auteur=compte_de(actor), nom=nom, chemin=str(recu.chemin),
        taille=recu.taille, periode_debut=debut, periode_fin=fin)
    audit.record(actor=actor, action="usages.programmer_indicateurs", obj=dossier,
                 after={"fichier": nom, "taille": recu.taille, "traitement": traitement.pk})
    traiter_indicateurs.enqueue(traitement_id=traitement.pk)
    traitement.refresh_from_db()
    return traitement


def soumettre_indicateurs(*, actor: Acteur, finess_et: str, debut: date, fin: date, dui_actifs: int,
                          valeurs: Mapping[str, object] | None = None) -> RapportIndicateurs:
    """Vendor API: record an establishment's figures in the dossier it belongs to."""
    _autorisations_editeur(actor, {finess_et})
    return declarer_indicateurs(actor=actor, dossier=dossier_de(finess_et), finess_et=finess_et, debut=debut,
                                fin=fin, dui_actifs=dui_actifs, valeurs=valeurs, canal=Canal.API)


# --- Evidence -------------------------------------------------------------------------------------

def programmer_preuve(*, actor: Acteur, dossier: Dossier, fichier: Source, nom: str, debut: date, fin: date) -> TraitementPreuve:
    """Receive a (large) evidence file now — streamed under the « preuves » limit — and leave its checks and
    recount to the task worker; the uploader follows its state on the usage page (`TraitementPreuve`)."""
    from esms.usages.taches import traiter_preuve

    nom = televersements.nom_sur(nom, "preuve")
    _peut_declarer(actor, dossier, set())
    _periode(debut, fin)
    try:
        recu = televersements.recevoir(fichier, nom=nom, genre="preuves", dossier=stockage.racine() / "attente")
    except televersements.TeleversementRefuse as exc:
        _refus_televersement(actor=actor, action="usages.deposer_preuve.refus", dossier=dossier, nom=nom,
                             raisons=exc.messages)
        raise PreuveInvalide(exc.messages) from None
    traitement = TraitementPreuve.objects.create(dossier=dossier, auteur=compte_de(actor), nom=nom, chemin=str(recu.chemin),
                                                 taille=recu.taille, periode_debut=debut, periode_fin=fin)
    audit.record(actor=actor, action="usages.programmer_preuve", obj=dossier,
                 after={"fichier": nom, "taille": recu.taille, "traitement": traitement.pk})
    traiter_preuve.enqueue(traitement_id=traitement.pk)
    traitement.refresh_from_db()
    return traitement


def deposer_preuve(*, actor: Acteur, fichier: Source, nom: str, debut: date, fin: date, dossier: Dossier | None = None,
                   finess_et: str | None = None, canal: str | None = None,
                   etape: Callable[[str], None] | None = None) -> Preuve:
    """Check an evidence file, recompute its active DUIs (DuckDB) under the campaign's definition, store it
    content-addressed and chain it in the log. `fichier`: bytes, a Django upload or a binary file object.
    Without `dossier`, the dossier is the one of `finess_et` (vendors' API)."""
    if dossier is None:
        if not finess_et:
            raise UsageRefuse("Indiquez le dossier ou l'établissement (FINESS ET) de la preuve.")
        _autorisations_editeur(actor, {finess_et})
        dossier = dossier_de(finess_et)
    nom = Path(nom or "preuve").name
    _peut_declarer(actor, dossier, set())
    _periode(debut, fin)
    campagne = regles.campagne_de(regles.version_du_dossier(dossier))
    try:
        definition = definition_dui_actif(campagne, debut, fin).valeur
    except RulesInputError as exc:
        raise UsageRefuse(list(exc.erreurs)) from None
    etape = etape or (lambda _texte: None)
    reception = None
    try:
        etape("Réception du fichier (taille, décompression)")
        reception = stockage.recevoir(fichier, nom=nom)
        etape("Contrôle et recomptage des DUI actifs (DuckDB)")
        resultat = recalcul.recompter(reception.chemin, nom=reception.nom or nom, definition=definition,
                                      finess_autorises=membres(dossier))
    except UsageRefuse as exc:
        if reception is not None:
            reception.effacer()
        _refus_televersement(actor=actor, action="usages.deposer_preuve.refus", dossier=dossier, nom=nom,
                             raisons=exc.messages)
        raise
    try:
        _autorisations_editeur(actor, set(resultat.par_etablissement))
        etape("Enregistrement et chaînage au journal des preuves")
        return _enregistrer_preuve(actor=actor, dossier=dossier, reception=reception, nom=nom,
                                   definition=definition, resultat=resultat, canal=_canal(actor, canal))
    finally:
        reception.effacer()


@transaction.atomic
def _enregistrer_preuve(*, actor: Acteur, dossier: Dossier, reception: stockage.Reception, nom: str,
                        definition: DefinitionDuiActif, resultat: recalcul.Recalcul, canal: str) -> Preuve:
    dossier = _lock(dossier)
    _peut_declarer(actor, dossier, set())
    cree = stockage.ranger(reception)
    try:
        preuve = Preuve.objects.create(
            dossier=dossier, sha256=reception.sha256, nom_original=nom[:255], format=resultat.format,
            taille=reception.taille, periode_debut=definition.debut, periode_fin=definition.fin,
            ecritures_min=definition.ecritures_min, fenetre_jours=definition.fenetre_jours,
            nb_evenements=resultat.nb_evenements, nb_dui=resultat.nb_dui, resultats=resultat.par_etablissement,
            canal=canal, deposee_par=compte_de(actor))
        preuve.refresh_from_db()  # the record as stored (dates, JSON) is what the log hashes
        maillon = journal.ajouter(preuve=preuve, acteur=compte_de(actor).get_username())
        audit.record(actor=actor, action="usages.deposer_preuve", obj=dossier,
                     after={"sha256": reception.sha256, "fichier": nom, "maillon": maillon.rang,
                            "dui_actifs": resultat.total, "evenements": resultat.nb_evenements})
    except BaseException:
        if cree:
            stockage.retirer(reception.sha256)
        raise
    return preuve


# --- The ARS's decision and the payments ----------------------------------------------------------

def _peut_valider(actor: Acteur, dossier: Dossier) -> None:
    require(actor, "usages.valider", dossier)
    if not decide(actor, "candidatures.piloter", dossier):
        raise hors_perimetre(f"Seule la région pilote ({dossier.region_pilote or 'national'}) ou l'administration "
                              "nationale valide les usages de ce dossier.")
    if dossier.etat not in ETATS_VALIDATION:
        raise UsageRefuse(f"Le dossier {dossier} est « {Etat(dossier.etat).label.lower()} » : les usages se valident "
                          "une fois le suivi d'usage ouvert.")


def tolerance(dossier: Dossier) -> Parametre[Decimal]:
    """The gap tolerance of the dossier's campaign (rules parameter `usage.tolerance_ecart`, with its source)."""
    return regles.campagne_de(regles.version_du_dossier(dossier)).usage.tolerance_ecart


def _entrees(synthese: selectors.Synthese) -> str:
    """The fingerprint of what a validation decides on: the reports and evidence in force for the period."""
    elements = sorted((ligne.finess_et, ligne.rapport.pk if ligne.rapport else None,
                       ligne.preuve.pk if ligne.preuve else None) for ligne in synthese.lignes)
    return hashlib.sha256(journal.canonique(elements).encode()).hexdigest()


def valider_usage(*, actor: Acteur, dossier: Dossier, debut: date, fin: date, motif: str = "",
                  montant_attendu: int | None = None) -> ValidationUsage:
    """Validate the usage reported for the period: the rules say which targets each establishment meets and
    which payment is due; the validated active-DUI figures feed the national indicator; the payment due is
    ordered (the balance through `etapes_convention.solder` when it completes the convention).

    Idempotent: validating again the same reports and evidence of a period returns the validation already
    made (20 concurrent clicks make one validation); a uniqueness constraint backs this in the database.
    New reports for the period can be validated again (a later, complete attainment pays the rest).
    With `montant_attendu` (the payment the agent confirmed on the page), another amount due is refused."""
    try:
        return _valider_usage(actor=actor, dossier=dossier, debut=debut, fin=fin, motif=motif,
                              montant_attendu=montant_attendu)
    except IntegrityError:
        # A concurrent click committed the same validation first (the constraint held): return it.
        existante = _validation_existante(dossier, debut, fin, _entrees(selectors.synthese(dossier, debut, fin,
                                                                                   tolerance=tolerance(dossier).valeur)))
        if existante is None:
            raise
        return existante


def _validation_existante(dossier: Dossier, debut: date, fin: date, entrees: str) -> ValidationUsage | None:
    return (ValidationUsage.objects.filter(dossier=dossier, periode_debut=debut, periode_fin=fin, entrees=entrees,
                                           decision=ValidationUsage.Decision.VALIDEE)
            .select_related("versement").first())


@transaction.atomic
def _valider_usage(*, actor: Acteur, dossier: Dossier, debut: date, fin: date, motif: str,
                   montant_attendu: int | None) -> ValidationUsage:
    dossier = _lock(dossier)
    _peut_valider(actor, dossier)
    convention = Convention.objects.filter(dossier=dossier).first()
    if convention is None or convention.date_signature is None:
        raise UsageRefuse("Aucune convention signée : les usages ne peuvent pas être validés.")
    synthese = selectors.synthese(dossier, debut, fin, tolerance=tolerance(dossier).valeur)
    if not synthese.rapports:
        raise UsageRefuse(f"Aucun indicateur déclaré pour la période du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}.")
    entrees = _entrees(synthese)
    existante = _validation_existante(dossier, debut, fin, entrees)
    if existante is not None:
        return existante
    justification = motif_de_validation({ligne.finess_et: ligne.ecart for ligne in synthese.lignes}, motif,
                                        tolerance(dossier))
    if not justification.ok:
        raise UsageRefuse([m.message for m in justification.motifs], champ="motif")
    deja = conventions.deja_verse(dossier)
    try:
        verdict = regles.evaluer_usage(dossier, synthese.indicateurs_par_et,
                                       {"montant_convention": convention.montant, "deja_verse": deja,
                                        "convention_signee": True})
    except RulesInputError as exc:
        raise UsageRefuse(["Les règles ne peuvent pas évaluer ce dossier :", *exc.erreurs]) from None
    du = montant_a_ordonner(verdict["versement"])
    if montant_attendu is not None and du != montant_attendu:
        raise UsageRefuse(f"Le versement dû est désormais de {du:,} € (vous aviez confirmé {montant_attendu:,} €) : "
                          "vérifiez la page et recommencez.".replace(",", "\u202f"), champ="montant_confirme")
    versement = _ordonner_du(actor=actor, dossier=dossier, convention=convention, deja=deja, du=verdict["versement"],
                             motif=motif)
    validation = ValidationUsage.objects.create(
        dossier=dossier, periode_debut=debut, periode_fin=fin, decision=ValidationUsage.Decision.VALIDEE,
        motif=motif.strip(), acteur=compte_de(actor), versement=versement, entrees=entrees,
        verdict={"usage": verdict["usage"], "versement": verdict["versement"],
                 "motifs": [m for m in verdict["motifs"] if m["rule"].startswith(("usage.", "versement."))],
                 "ecarts": {ligne.finess_et: ligne.ecart_dict() for ligne in synthese.lignes}})
    DuiActifValide.objects.bulk_create([
        DuiActifValide(validation=validation, etablissement_id=ligne.finess_et, dui_actifs=ligne.retenu,
                       declare=ligne.declare, recalcule=ligne.recalcule, periode_fin=fin, valide_le=validation.cree_le)
        for ligne in synthese.lignes if ligne.retenu is not None])
    audit.record(actor=actor, action="usages.valider", obj=dossier, comment=motif,
                 after={"periode": [debut.isoformat(), fin.isoformat()], "cibles_atteintes": verdict["usage"]["cibles_atteintes"],
                        "versement": verdict["versement"], "dui_actifs_valides": synthese.total_retenu})
    notifier(candidatures.porteurs(dossier), sujet=f"Dossier {dossier} : usages validés par l'ARS",
             texte=motif, lien=_lien(dossier))
    return validation


def montant_a_ordonner(du: dict[str, Any] | None) -> int:
    """The payment order a usage validation makes from the rules' `versement` verdict (0: none)."""
    if not du or du["etape"] == "aucun":
        return 0
    return max(int(du["montant_du"]), 0)


def _ordonner_du(*, actor: Acteur, dossier: Dossier, convention: Convention, deja: int, du: dict[str, Any], motif: str) -> Versement | None:
    montant, etape = montant_a_ordonner(du), du["etape"]
    if montant == 0:
        return None
    if deja + montant > convention.montant:  # defence in depth: the rules never allow it
        raise UsageRefuse(f"Versement refusé : {montant} € porteraient le total versé au-delà de la convention.")
    if etape == "solde" and deja + montant == convention.montant and dossier.etat == Etat.EN_SUIVI_USAGE:
        versement = etapes_convention.solder(actor=actor, dossier=dossier,
                                       commentaire=motif or "Cibles d'usage atteintes, validées par l'ARS.")
        if versement.montant != montant:
            raise UsageRefuse("Le solde calculé par les règles diffère du reste de la convention.")
        return versement
    type_ = Versement.Type.SOLDE if etape == "solde" else Versement.Type.AVANCE
    libelle = (f"Solde partiel de la convention {convention.numero} (cibles partiellement atteintes)"
               if etape == "solde" else f"Avance de la convention {convention.numero}")
    return conventions.programmer_versement(actor=actor, dossier=dossier, type=type_, montant=montant, libelle=libelle)


@transaction.atomic
def rejeter_usage(*, actor: Acteur, dossier: Dossier, debut: date, fin: date, motif: str) -> ValidationUsage:
    """Reject the usage reported for the period, with a reason sent to the porteur."""
    dossier = _lock(dossier)
    _peut_valider(actor, dossier)
    if not motif.strip():
        raise UsageRefuse("Le motif du rejet est obligatoire.")
    synthese = selectors.synthese(dossier, debut, fin, tolerance=tolerance(dossier).valeur)
    validation = ValidationUsage.objects.create(
        dossier=dossier, periode_debut=debut, periode_fin=fin, decision=ValidationUsage.Decision.REJETEE,
        motif=motif.strip(), acteur=compte_de(actor), entrees=_entrees(synthese),
        verdict={"ecarts": {ligne.finess_et: ligne.ecart_dict() for ligne in synthese.lignes}})
    audit.record(actor=actor, action="usages.rejeter", obj=dossier, comment=motif,
                 after={"periode": [debut.isoformat(), fin.isoformat()]})
    notifier(candidatures.porteurs(dossier), sujet=f"Dossier {dossier} : usages rejetés par l'ARS", texte=motif,
             lien=_lien(dossier))
    return validation


@transaction.atomic
def ordonner_versement(*, actor: Acteur, versement: Versement) -> Versement:
    """A scheduled payment is ordered to the paying agent (Caisse des dépôts)."""
    dossier = _lock(versement.dossier)
    require(actor, "versements.exporter", dossier)
    if not decide(actor, "candidatures.piloter", dossier):
        raise hors_perimetre("Seule la région pilote ou l'administration nationale ordonne les versements.")
    versement = Versement.objects.select_for_update().get(pk=versement.pk)
    if versement.statut != Versement.Statut.PROGRAMME:
        raise UsageRefuse(f"Le versement est « {versement.get_statut_display().lower()} » : seul un versement "
                          "programmé peut être ordonné.")
    versement.statut = Versement.Statut.ORDONNE
    versement.save(update_fields=["statut"])
    audit.record(actor=actor, action="versements.ordonner", obj=dossier,
                 before={"statut": Versement.Statut.PROGRAMME}, after={"versement": versement.pk, "statut": versement.statut})
    notifier(candidatures.porteurs(dossier), sujet=f"Dossier {dossier} : versement de {versement.montant} € ordonné",
             texte=versement.libelle, lien=_lien(dossier), categorie="versement")
    return versement


# --- Vendors --------------------------------------------------------------------------------------

def _etablissement_gere(actor: Acteur, finess_et: str) -> Etablissement:
    require(actor, "usages.autoriser_editeur")
    etablissement = Etablissement.objects.filter(pk=finess_et).first()
    if etablissement is None:
        raise UsageRefuse(f"Aucun établissement avec le numéro FINESS {finess_et}.")
    if not in_scope(actor, etablissement):
        raise hors_perimetre(f"L'établissement {finess_et} n'est pas dans votre périmètre : seul le porteur de son "
                              "organisme gestionnaire ou son gestionnaire peut autoriser un éditeur.")
    return etablissement


def _editeur(editeur: User | str) -> User:
    compte = editeur if isinstance(editeur, User) else User.objects.filter(username=editeur).first()
    if compte is None or not est_editeur(compte):
        raise UsageRefuse("Ce compte n'est pas un éditeur de DUI actif.")
    return compte


@transaction.atomic
def autoriser_editeur(*, actor: Acteur, editeur: User | str, finess_et: str) -> None:
    """Let a DUI vendor push the establishment's indicators and evidence (API)."""
    etablissement = _etablissement_gere(actor, finess_et)
    compte = _editeur(editeur)
    if compte.etablissements.filter(pk=finess_et).exists():
        raise UsageRefuse(f"L'éditeur « {compte} » est déjà autorisé pour {etablissement}.")
    compte.etablissements.add(etablissement)
    audit.record(actor=actor, action="usages.autoriser_editeur", obj=compte, after={"finess_et": finess_et})


@transaction.atomic
def revoquer_editeur(*, actor: Acteur, editeur: User | str, finess_et: str) -> None:
    etablissement = _etablissement_gere(actor, finess_et)
    compte = _editeur(editeur)
    if not compte.etablissements.filter(pk=finess_et).exists():
        raise UsageRefuse(f"L'éditeur « {compte} » n'est pas autorisé pour {etablissement}.")
    compte.etablissements.remove(etablissement)
    audit.record(actor=actor, action="usages.revoquer_editeur", obj=compte, before={"finess_et": finess_et})
