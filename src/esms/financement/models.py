"""Envelopes and their ledger, conventions, and payment orders (versements).

An envelope's state is the sum of its ledger lines: a dotation adds, a commitment (engagement)
subtracts, a release (libération) gives back. Lines are never updated nor deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Enveloppe(models.Model):
    campagne = models.ForeignKey("candidatures.Campagne", on_delete=models.PROTECT, related_name="enveloppes")
    region = models.ForeignKey("referentiel.Region", null=True, blank=True, on_delete=models.PROTECT,
                               help_text="Vide : enveloppe nationale (appel national).")
    libelle = models.CharField("libellé", max_length=200)

    class Meta:
        ordering = ["campagne", "region"]
        constraints = [
            models.UniqueConstraint(fields=["campagne", "region"], name="enveloppe_unique"),
            models.UniqueConstraint(fields=["campagne"], condition=models.Q(region__isnull=True),
                                    name="enveloppe_nationale_unique"),
        ]

    def __str__(self) -> str:
        return self.libelle


class LigneEnveloppe(models.Model):
    class Type(models.TextChoices):
        DOTATION = "dotation", "Dotation"
        ENGAGEMENT = "engagement", "Engagement"
        LIBERATION = "liberation", "Libération"

    enveloppe = models.ForeignKey(Enveloppe, on_delete=models.PROTECT, related_name="lignes")
    type = models.CharField(max_length=12, choices=Type.choices)
    montant = models.BigIntegerField(help_text="En euros, signé : + dotation ou libération, − engagement.")
    dossier = models.ForeignKey("candidatures.Dossier", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="lignes_enveloppe")
    libelle = models.CharField("libellé", max_length=300)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(type="engagement", montant__lt=0) | models.Q(type__in=["dotation", "liberation"], montant__gt=0)),
                name="ligne_enveloppe_signe",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.montant} €"


class Convention(models.Model):
    dossier = models.OneToOneField("candidatures.Dossier", on_delete=models.PROTECT, related_name="convention")
    numero = models.CharField("numéro", max_length=40, unique=True)
    montant = models.PositiveBigIntegerField()
    echeancier = models.JSONField("échéancier")
    date_signature = models.DateField(null=True, blank=True)
    scan_signe = models.ForeignKey("candidatures.Document", null=True, blank=True, on_delete=models.PROTECT)
    creee_le = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.numero


class Versement(models.Model):
    """A payment order (avance or solde) of a convention, paid by the Caisse des dépôts."""

    class Type(models.TextChoices):
        AVANCE = "avance", "Avance"
        SOLDE = "solde", "Solde"

    class Statut(models.TextChoices):
        PROGRAMME = "programme", "Programmé"
        ORDONNE = "ordonne", "Ordonné"
        PAYE = "paye", "Payé"
        ANNULE = "annule", "Annulé"

    dossier = models.ForeignKey("candidatures.Dossier", on_delete=models.PROTECT, related_name="versements")
    type = models.CharField(max_length=10, choices=Type.choices)
    montant = models.PositiveBigIntegerField()
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.PROGRAMME)
    libelle = models.CharField("libellé", max_length=300)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.montant} € ({self.get_statut_display()})"
