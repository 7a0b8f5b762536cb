"""Precomputed dashboard aggregates: one row per perimeter (national or a region) and campagne filter.

A row holds the figures of its dashboards as JSON (`contenu`, built by `pilotage.agregats.calculer`), when they
were computed, and what is needed to keep them fresh without ever computing the same row twice at once:
- `version` is bumped by every change that affects the row (`pilotage.rafraichir.signaler`); the figures are up
  to date when `version_calculee` equals it (and they were computed today: active DUIs depend on the date);
- `planifie_le` is set while one recomputation task is queued (no second one is queued);
- `jeton` / `en_cours_depuis` is the lease of the worker computing it (another worker leaves the row alone until
  the lease is released or older than `rafraichir.BAIL`).
"""

from __future__ import annotations

from django.db import models

NATIONAL = "national"


class Agregat(models.Model):
    perimetre = models.CharField(max_length=10, help_text="« national » ou le code INSEE d'une région.")
    campagne = models.CharField(max_length=20, blank=True, default="", help_text="Code de campagne, vide : toutes.")
    contenu = models.JSONField(null=True, blank=True)
    format = models.PositiveIntegerField(default=0, help_text="Structure du contenu (agregats.FORMAT).")
    calcule_le = models.DateTimeField(null=True, blank=True)
    duree_ms = models.PositiveIntegerField(null=True, blank=True, help_text="Durée du dernier calcul.")
    version = models.PositiveIntegerField(default=1, help_text="Augmentée à chaque changement qui l'affecte.")
    version_calculee = models.PositiveIntegerField(default=0)
    planifie_le = models.DateTimeField(null=True, blank=True, help_text="Une tâche de recalcul attend.")
    jeton = models.CharField(max_length=36, blank=True, default="", help_text="Bail du calcul en cours.")
    en_cours_depuis = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["perimetre", "campagne"], name="agregat_unique")]

    def __str__(self) -> str:
        return f"Agrégat {self.perimetre} {self.campagne or 'toutes campagnes'}"
