"""Indicator reports, usage evidence with its hash-chained log, and the ARS's usage validations.

- `RapportIndicateurs`: the figures a porteur (or its vendor) declares for one establishment and period;
  append-only, the latest one for an establishment and period is the one in force.
- `Preuve`: one evidence file (DUI activity extract), stored content-addressed under
  MEDIA_ROOT/preuves/ab/cdef…, with the counts recomputed by DuckDB. Never changed nor deleted while
  its dossier is open.
- `MaillonJournal` / `TeteJournal`: the append-only, hash-chained log of evidence deposits.
- `ValidationUsage` / `DuiActifValide`: the ARS's decision on a dossier's usage targets for a period,
  and the active-DUI figures it validated per establishment (the national indicator sums these).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Canal(models.TextChoices):
    FORMULAIRE = "formulaire", "Formulaire"
    FICHIER = "fichier", "Fichier (CSV ou XLSX)"
    API = "api", "API (éditeur)"


class RapportIndicateurs(models.Model):
    dossier = models.ForeignKey("candidatures.Dossier", on_delete=models.PROTECT, related_name="rapports_indicateurs")
    etablissement = models.ForeignKey("referentiel.Etablissement", on_delete=models.PROTECT,
                                      related_name="rapports_indicateurs")
    periode_debut = models.DateField("début de la période")
    periode_fin = models.DateField("fin de la période")
    dui_actifs = models.PositiveIntegerField("nombre de DUI actifs déclaré")
    valeurs = models.JSONField("indicateurs", default=dict, help_text="Code d'indicateur → valeur (texte décimal).")
    canal = models.CharField(max_length=12, choices=Canal.choices)
    nom_fichier = models.CharField(max_length=255, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("déclaré le", auto_now_add=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        indexes = [models.Index(fields=["dossier", "periode_fin", "etablissement"])]
        verbose_name = "rapport d'indicateurs"
        verbose_name_plural = "rapports d'indicateurs"

    def __str__(self) -> str:
        return f"{self.etablissement_id} {self.periode_debut:%d/%m/%Y}–{self.periode_fin:%d/%m/%Y}"


class Preuve(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PARQUET = "parquet", "Parquet"
        NDJSON = "ndjson", "FHIR NDJSON (AuditEvent)"

    dossier = models.ForeignKey("candidatures.Dossier", on_delete=models.PROTECT, related_name="preuves")
    sha256 = models.CharField(max_length=64, db_index=True)
    nom_original = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=Format.choices)
    taille = models.PositiveBigIntegerField()
    periode_debut = models.DateField("début de la période")
    periode_fin = models.DateField("fin de la période")
    ecritures_min = models.PositiveIntegerField("écritures minimales")
    fenetre_jours = models.PositiveIntegerField("fenêtre (jours)")
    nb_evenements = models.PositiveBigIntegerField("événements")
    nb_dui = models.PositiveBigIntegerField("DUI distincts")
    resultats = models.JSONField("DUI actifs recalculés", help_text="FINESS ET → nombre de DUI actifs.")
    canal = models.CharField(max_length=12, choices=Canal.choices)
    deposee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deposee_le = models.DateTimeField("déposée le", auto_now_add=True)

    class Meta:
        ordering = ["-deposee_le", "-id"]
        indexes = [models.Index(fields=["dossier", "periode_fin"])]

    def __str__(self) -> str:
        return f"{self.nom_original} ({self.sha256[:12]}…)"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Une preuve déposée n'est jamais modifiée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Une preuve déposée n'est jamais supprimée.")

    @property
    def total_dui_actifs(self) -> int:
        return sum(int(n) for n in self.resultats.values())

    @property
    def chemin_relatif(self) -> str:
        return f"preuves/{self.sha256[:2]}/{self.sha256[2:]}"


class TeteJournal(models.Model):
    """The head of the evidence log (one row, pk=1): locked to append, so the chain never forks."""

    rang = models.PositiveBigIntegerField(default=0)
    empreinte = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Tête du journal : maillon n° {self.rang}"


class MaillonJournal(models.Model):
    """One entry of the append-only evidence log. `empreinte` = SHA-256 of the canonical JSON of every
    other field (see `esms.usages.preuves.journal`); `precedent` is the previous entry's `empreinte`."""

    rang = models.PositiveBigIntegerField(unique=True)
    precedent = models.CharField(max_length=64, unique=True)
    sha256 = models.CharField("SHA-256 du fichier", max_length=64)
    preuve = models.OneToOneField(Preuve, on_delete=models.PROTECT, related_name="maillon")
    dossier = models.CharField(max_length=40)
    acteur = models.CharField(max_length=150)
    horodatage = models.CharField(max_length=40)
    comptes = models.TextField(help_text="JSON canonique de l'enregistrement de la preuve (version 2 : tout ce que "
                                         "l'ARS voit ; version 1 : événements, DUI, DUI actifs, période, définition).")
    version = models.PositiveSmallIntegerField(
        default=1, help_text="Format du maillon : 1 (avant l'issue 9), 2 (l'enregistrement entier de la preuve).")
    empreinte = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["rang"]
        verbose_name = "maillon du journal des preuves"

    def __str__(self) -> str:
        return f"Maillon n° {self.rang} ({self.empreinte[:12]}…)"


class ValidationUsage(models.Model):
    class Decision(models.TextChoices):
        VALIDEE = "validee", "Validée"
        REJETEE = "rejetee", "Rejetée"

    dossier = models.ForeignKey("candidatures.Dossier", on_delete=models.PROTECT, related_name="validations_usage")
    periode_debut = models.DateField("début de la période")
    periode_fin = models.DateField("fin de la période")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    motif = models.TextField(blank=True)
    verdict = models.JSONField("verdict des règles", help_text="Atteinte des cibles et versement dû.")
    versement = models.ForeignKey("financement.Versement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)
    entrees = models.CharField(
        "empreinte des éléments validés", max_length=80,
        help_text="SHA-256 des rapports et preuves en vigueur validés : valider deux fois les mêmes éléments "
                  "d'une période ne crée qu'une validation ; de nouveaux rapports permettent une nouvelle validation.")

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = "validation des usages"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "periode_debut", "periode_fin", "entrees"],
                                    condition=models.Q(decision="validee"), name="validation_usage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} — {self.dossier} ({self.periode_fin:%d/%m/%Y})"


class DuiActifValide(models.Model):
    """An active-DUI figure validated by the ARS for one establishment (the latest one counts)."""

    validation = models.ForeignKey(ValidationUsage, on_delete=models.PROTECT, related_name="dui_actifs")
    etablissement = models.ForeignKey("referentiel.Etablissement", on_delete=models.PROTECT, related_name="+")
    dui_actifs = models.PositiveIntegerField()
    declare = models.PositiveIntegerField(null=True)
    recalcule = models.PositiveIntegerField(null=True)
    periode_fin = models.DateField()
    valide_le = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["etablissement", "valide_le"])]

    def __str__(self) -> str:
        return f"{self.etablissement_id} : {self.dui_actifs} DUI actifs"


class TraitementPreuve(models.Model):
    """A large uploaded file — evidence (checked, recounted, chained) or an indicator file (read, checked,
    recorded) — processed by the task worker (`esms db_worker`) instead of inside the web request; its state
    and current step are shown to the uploader on the dossier's usage page."""

    class Genre(models.TextChoices):
        PREUVE = "preuve", "Preuve"
        INDICATEURS = "indicateurs", "Indicateurs"

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Enregistrée"
        REFUSE = "refuse", "Refusée"
        ECHOUE = "echoue", "Échec"

    dossier = models.ForeignKey("candidatures.Dossier", on_delete=models.PROTECT, related_name="traitements_preuve")
    genre = models.CharField(max_length=12, choices=Genre.choices, default=Genre.PREUVE)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nom = models.CharField("fichier", max_length=255)
    chemin = models.CharField("fichier reçu (temporaire)", max_length=500)
    taille = models.PositiveBigIntegerField()
    periode_debut = models.DateField()
    periode_fin = models.DateField()
    etat = models.CharField(max_length=12, choices=Etat.choices, default=Etat.EN_ATTENTE)
    etape = models.CharField("étape en cours", max_length=200, default="En attente du traitement")
    raisons = models.JSONField("raisons du refus", default=list, blank=True)
    preuve = models.ForeignKey(Preuve, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)
    maj_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = "traitement d'un fichier"

    def __str__(self) -> str:
        return f"{self.nom} : {self.get_etat_display()}"
