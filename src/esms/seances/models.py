"""A séance de sélection and the decision proposed for each dossier on its agenda.

A séance gathers dossiers of one campaign that commit the same envelope (its region's, or the national one when
`region` is empty). Proposals are recorded as the committee goes; closing the séance applies them through the
dossier workflow (`services.cloturer`), all or nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Seance(models.Model):
    class Statut(models.TextChoices):
        OUVERTE = "ouverte", "Ouverte"
        CLOTUREE = "cloturee", "Clôturée"

    campagne = models.ForeignKey("candidatures.Campagne", on_delete=models.PROTECT, related_name="seances")
    region = models.ForeignKey("referentiel.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="seances", help_text="Vide : séance nationale (enveloppe nationale).")
    date = models.DateField("date de la séance")
    titre = models.CharField(max_length=200)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.OUVERTE)
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    creee_le = models.DateTimeField(auto_now_add=True)
    cloturee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    cloturee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "séance de sélection"
        verbose_name_plural = "séances de sélection"

    def __str__(self) -> str:
        return f"{self.titre} ({self.date:%d/%m/%Y})"

    @property
    def ouverte(self) -> bool:
        return self.statut == self.Statut.OUVERTE


class DecisionSeance(models.Model):
    """A dossier on a séance's agenda and the decision proposed for it (empty until proposed)."""

    class Decision(models.TextChoices):
        RETENIR = "retenir", "Retenir"
        REFUSER = "refuser", "Refuser"
        AJOURNER = "ajourner", "Ajourner"

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="decisions")
    dossier = models.ForeignKey("candidatures.Dossier", on_delete=models.PROTECT, related_name="decisions_seance")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    motif = models.TextField(blank=True)
    ordre = models.PositiveIntegerField(default=0)
    # The amount committed when retained, fixed at closure (the dossier's computed funding).
    montant_engage = models.PositiveBigIntegerField("montant engagé (€)", null=True, blank=True)

    class Meta:
        ordering = ["seance", "ordre", "id"]
        constraints = [models.UniqueConstraint(fields=["seance", "dossier"], name="dossier_une_fois_par_seance")]
        verbose_name = "décision de séance"

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_decision_display() or 'à décider'}"
