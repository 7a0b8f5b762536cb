"""API tokens: a token acts as its user (same role and scope) and is further restricted by its scopes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class JetonAPI(models.Model):
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jetons_api")
    nom = models.CharField(max_length=100, help_text="Pour reconnaître le jeton, par exemple le nom du logiciel.")
    prefixe = models.CharField("préfixe", max_length=10, unique=True)
    empreinte = models.CharField("empreinte SHA-256 du secret", max_length=64)
    portees = models.JSONField("portées", default=list)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    derniere_utilisation = models.DateTimeField("dernière utilisation", null=True, blank=True)
    expire_le = models.DateTimeField("expire le", null=True, blank=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.nom} (esms_{self.prefixe}_…)"

    @property
    def affichage(self) -> str:
        return f"esms_{self.prefixe}_…"

    def est_expire(self, maintenant=None) -> bool:
        return self.expire_le is not None and self.expire_le <= (maintenant or timezone.now())

    @property
    def est_actif(self) -> bool:
        return self.revoque_le is None and not self.est_expire()
