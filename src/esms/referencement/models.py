"""The register of Ségur-referenced DUI solutions (vendors, solutions, their history) and the SONS
« Prestation Ségur » purchase orders per establishment."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from esms.rules.referencement import COULOIRS, VAGUES


class Vague(models.IntegerChoices):
    VAGUE_1 = 1, VAGUES[1]
    VAGUE_2 = 2, VAGUES[2]


class Editeur(models.Model):
    """A DUI vendor, identified by its SIREN; its API accounts (role « éditeur ») act for its solutions."""

    siren = models.CharField("SIREN", max_length=9, unique=True)
    nom = models.CharField(max_length=200)
    comptes = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="editeurs_dui",
                                     help_text="Comptes d'API de l'éditeur (rôle « éditeur de DUI »).")

    class Meta:
        ordering = ["nom"]
        verbose_name = "éditeur"

    def __str__(self) -> str:
        return f"{self.nom} ({self.siren})"


class Solution(models.Model):
    """One referenced DUI solution (a version, in a corridor), as the ANS lists publish it."""

    class Statut(models.TextChoices):
        REFERENCEE = "referencee", "Référencée"
        RETIREE = "retiree", "Retirée"

    class Couloir(models.TextChoices):
        MEDICO_SOCIAL = "medico_social", COULOIRS["medico_social"]
        HOSPITALIER = "hospitalier", COULOIRS["hospitalier"]

    editeur = models.ForeignKey(Editeur, on_delete=models.PROTECT, related_name="solutions")
    nom = models.CharField(max_length=200)
    version = models.CharField(max_length=50)
    vague = models.PositiveSmallIntegerField(choices=Vague.choices)
    couloir = models.CharField(max_length=20, choices=Couloir.choices, default=Couloir.MEDICO_SOCIAL)
    secteurs = models.JSONField(default=list, help_text="Codes de secteur du programme (rules/categories.py).")
    date_referencement = models.DateField("date de référencement")
    statut = models.CharField(max_length=12, choices=Statut.choices, default=Statut.REFERENCEE)
    date_retrait = models.DateField("date de retrait", null=True, blank=True)
    nom_recherche = models.CharField(max_length=300, blank=True, db_index=True)
    modifiee_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nom", "version"]
        constraints = [models.UniqueConstraint(fields=["editeur", "nom", "version", "couloir"],
                                               name="solution_unique")]

    def __str__(self) -> str:
        return f"{self.nom} {self.version} ({self.editeur.nom})"


class HistoriqueSolution(models.Model):
    """One version of a register entry: the full state after each import or edit (never changed)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="historique")
    numero = models.PositiveIntegerField("numéro")
    donnees = models.JSONField("données")
    motif = models.CharField(max_length=300)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["solution", "-numero"]
        constraints = [models.UniqueConstraint(fields=["solution", "numero"], name="historique_solution_unique")]

    def __str__(self) -> str:
        return f"{self.solution} v{self.numero}"


class CommandeSons(models.Model):
    """A SONS « Prestation Ségur » purchase order for one establishment (one per establishment and wave)."""

    class Statut(models.TextChoices):
        COMMANDE = "commande", "Commandé"
        DEPLOYE = "deploye", "Déployé"
        PAYE = "paye", "Payé au vendeur"

    class Canal(models.TextChoices):
        FICHIER = "fichier", "Import de fichier"
        API = "api", "API (éditeur)"

    etablissement = models.ForeignKey("referentiel.Etablissement", on_delete=models.PROTECT,
                                      related_name="commandes_sons")
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="commandes")
    vague = models.PositiveSmallIntegerField(choices=Vague.choices)
    date_commande = models.DateField("date de commande")
    date_deploiement = models.DateField("date de déploiement", null=True, blank=True)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.COMMANDE)
    canal = models.CharField(max_length=10, choices=Canal.choices)
    modifiee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    modifiee_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["etablissement_id", "vague"]
        verbose_name = "commande SONS"
        verbose_name_plural = "commandes SONS"
        constraints = [models.UniqueConstraint(fields=["etablissement", "vague"], name="commande_sons_unique")]
        indexes = [models.Index(fields=["solution", "statut"])]

    def __str__(self) -> str:
        return f"SONS {self.get_vague_display()} {self.etablissement_id} : {self.solution}"


class AppartenanceGht(models.Model):
    """An organisme gestionnaire's membership of a GHT (groupement hospitalier de territoire): its ESSMS may use a
    DUI referenced in the hospital corridor where the campaign admits it (2023 exception). Read from a FINESS+
    GCC group (`ght.importer_finess_plus`), or declared by an ARS agent or a national administrator with its
    source (the GHT's constitutive convention, an ARS decision…)."""

    class Source(models.TextChoices):
        FINESS_PLUS = "finess_plus", "Flux FINESS+ (groupe GCC)"
        DECLARATION = "declaration", "Déclaration (ARS ou administration nationale)"

    organisme = models.OneToOneField("referentiel.OrganismeGestionnaire", on_delete=models.CASCADE,
                                     related_name="appartenance_ght")
    nom_ght = models.CharField("GHT", max_length=300)
    source = models.CharField(max_length=12, choices=Source.choices)
    justificatif = models.CharField("source de l'information", max_length=500)
    groupe = models.ForeignKey("referentiel.GroupeFiness", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    declare_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    modifiee_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nom_ght", "organisme_id"]
        verbose_name = "appartenance à un GHT"
        verbose_name_plural = "appartenances à un GHT"

    def __str__(self) -> str:
        return f"{self.organisme_id} ∈ {self.nom_ght}"
