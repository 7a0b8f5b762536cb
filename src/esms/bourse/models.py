"""Needs (establishments looking for a grappe), grappes open to newcomers, and proposals between them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Besoin(models.Model):
    """An establishment looking for a grappe for a campagne."""

    class Statut(models.TextChoices):
        OUVERT = "ouvert", "Ouvert"
        PLACE = "place", "A rejoint une grappe"
        RETIRE = "retire", "Retiré"

    etablissement = models.ForeignKey("referentiel.Etablissement", on_delete=models.PROTECT, related_name="besoins")
    campagne = models.ForeignKey("candidatures.Campagne", on_delete=models.PROTECT, related_name="besoins")
    solution_dui = models.CharField("solution DUI utilisée ou souhaitée", max_length=200, blank=True,
                                    help_text="Vide : toute solution.")
    # The register entry the free text names (resolved when declared, `referencement.selectors`): the need then
    # matches an open grappe by the register's label, whatever spelling the need used.
    solution = models.ForeignKey("referencement.Solution", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="besoins")
    cas = models.CharField(max_length=20, default="acquisition")
    commande_sons = models.CharField("bon de commande SONS", max_length=100, blank=True)
    distance_max_km = models.PositiveIntegerField("distance maximale (km)", default=30)
    contact = models.CharField(max_length=200)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.OUVERT, db_index=True)
    declare_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cree_le"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "campagne"],
                                               condition=models.Q(statut="ouvert"), name="besoin_ouvert_unique")]

    def __str__(self) -> str:
        return f"Besoin de {self.etablissement_id} ({self.campagne_id})"


class Ouverture(models.Model):
    """A draft grappe opened by its porteur to newcomers."""

    grappe = models.OneToOneField("candidatures.Grappe", on_delete=models.CASCADE, related_name="ouverture")
    places = models.PositiveIntegerField()
    cloture = models.DateField("date de clôture")
    secteurs = models.CharField(max_length=300, blank=True)
    ouverte = models.BooleanField(default=True, db_index=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"Grappe ouverte {self.grappe_id}"


class Proposition(models.Model):
    """A need proposed to an open grappe: becomes a membership when both sides accept."""

    class Statut(models.TextChoices):
        PROPOSEE = "proposee", "Proposée"
        ACCEPTEE = "acceptee", "Acceptée par les deux parties"
        REFUSEE = "refusee", "Refusée"

    besoin = models.ForeignKey(Besoin, on_delete=models.CASCADE, related_name="propositions")
    ouverture = models.ForeignKey(Ouverture, on_delete=models.CASCADE, related_name="propositions")
    distance_km = models.FloatField()
    accord_etablissement = models.BooleanField(default=False)
    accord_porteur = models.BooleanField(default=False)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.PROPOSEE, db_index=True)
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"{self.besoin.etablissement_id} → grappe {self.ouverture.grappe_id}"


class ProjetGrappe(models.Model):
    """A new grappe the solver formed from needs alone, proposed to its suggested porteur (the organisme with
    most establishments in it). Accepted, it becomes a draft grappe of that porteur with the needs'
    establishments: its own count at once, the others once their side consents (`candidatures.adhesions`)."""

    class Statut(models.TextChoices):
        PROPOSE = "propose", "Proposé"
        ACCEPTE = "accepte", "Accepté : grappe en préparation créée"
        REFUSE = "refuse", "Refusé"

    campagne = models.ForeignKey("candidatures.Campagne", on_delete=models.PROTECT, related_name="projets_bourse")
    porteur = models.ForeignKey("referentiel.OrganismeGestionnaire", on_delete=models.PROTECT,
                                related_name="projets_bourse")
    solution_dui = models.CharField(max_length=200)
    solution = models.ForeignKey("referencement.Solution", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="projets_bourse")
    besoins = models.ManyToManyField(Besoin, related_name="projets")
    distance_km = models.FloatField()
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.PROPOSE, db_index=True)
    dossier = models.OneToOneField("candidatures.Dossier", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="projet_bourse")
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"Projet de grappe pour {self.porteur_id} ({self.campagne_id})"
