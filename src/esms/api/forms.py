"""Form of the tokens page: name, scopes (only those the user's role opens) and lifetime."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from esms.api.portees import PORTEES
from esms.comptes.permissions import PERMISSIONS, has_perm
from esms.formulaires import FormulaireDsfr as DsfrBaseForm

DUREES = [("30", "30 jours"), ("90", "90 jours"), ("365", "1 an"), ("", "Sans expiration")]


def portees_ouvertes(user) -> list[tuple[str, str]]:
    """The scopes whose action the user's role allows (an action not yet declared is offered)."""
    return [(p.code, f"{p.libelle} ({p.code})") for p in PORTEES.values()
            if p.action not in PERMISSIONS or has_perm(user, p.action)]


class CreationJetonForm(DsfrBaseForm):
    nom = forms.CharField(label="Nom du jeton", max_length=100,
                          help_text="Pour le reconnaître : par exemple le nom du logiciel qui l'utilise.")
    portees = forms.MultipleChoiceField(label="Portées", widget=forms.CheckboxSelectMultiple,
                                        help_text="Ce que le jeton pourra faire, dans la limite de votre périmètre.")
    duree = forms.ChoiceField(label="Durée de validité", choices=DUREES, initial="90", required=False)

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portees"].choices = portees_ouvertes(utilisateur)

    def expire_le(self):
        duree = self.cleaned_data.get("duree")
        return timezone.now() + timedelta(days=int(duree)) if duree else None
