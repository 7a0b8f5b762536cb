"""Users with one role and its scope (region, EJ, ET), and the append-only audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Role(models.TextChoices):
    ADMIN_NATIONAL = "admin_national", "Administrateur national (CNSA / DNS)"
    AGENT_ARS = "agent_ars", "Agent ARS (instructeur)"
    PORTEUR = "porteur", "Porteur / organisme gestionnaire"
    GESTIONNAIRE_ESSMS = "gestionnaire_essms", "Gestionnaire d'ESSMS"
    EDITEUR = "editeur", "Éditeur de DUI (client API)"


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "referentiel.Region", null=True, blank=True, on_delete=models.PROTECT, help_text="Agents ARS : leur région."
    )
    organismes = models.ManyToManyField(
        "referentiel.OrganismeGestionnaire", blank=True, related_name="utilisateurs",
        help_text="Porteurs : les organismes gestionnaires (FINESS EJ) qu'ils représentent.",
    )
    etablissements = models.ManyToManyField(
        "referentiel.Etablissement", blank=True, related_name="utilisateurs",
        help_text="Gestionnaires d'ESSMS et éditeurs : les établissements (FINESS ET) de leur périmètre.",
    )

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditEvent(models.Model):
    """One state change: who, what, on which object, before and after. Never updated or deleted."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField("acteur", max_length=200)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("identifiant", max_length=100, blank=True, db_index=True)
    object_repr = models.CharField("objet", max_length=300, blank=True)
    before = models.JSONField("avant", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("après", null=True, blank=True, encoder=DjangoJSONEncoder)
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "événement d'audit"
        verbose_name_plural = "journal d'audit"

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class Notification(models.Model):
    """An in-app notification (also sent by e-mail when the user has an address)."""

    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="notifications")
    sujet = models.CharField(max_length=200)
    texte = models.TextField(blank=True)
    lien = models.CharField(max_length=300, blank=True)
    lue = models.BooleanField(default=False, db_index=True)
    creee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-creee_le", "-id"]

    def __str__(self) -> str:
        return self.sujet
