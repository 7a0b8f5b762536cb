"""Forms of a dossier's assignment (« Attribuer à… ») on the dossier page and in the instruction queue."""

from __future__ import annotations

from django import forms

from esms.candidatures.forms import _IdsPropres
from esms.candidatures.models import Dossier


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        region = getattr(obj, "region", None)
        return f"{obj} ({region})" if region else str(obj)


class AttributionForm(_IdsPropres):
    """Assign the dossier to an agent who may instruct it, or to nobody."""

    ids = "attribution"
    instructeur = AgentChoiceField(label="Attribuer à", queryset=None, required=False,
                                   empty_label="Personne (retirer l'attribution)")

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructeur"].queryset = agents


class AttributionLotForm(_IdsPropres):
    """Assign the checked dossiers of the queue to one agent."""

    ids = "attribution_lot"
    dossiers = forms.ModelMultipleChoiceField(
        label="Dossiers sélectionnés", queryset=Dossier.objects.none(), widget=forms.MultipleHiddenInput,
        error_messages={"required": "Cochez au moins un dossier.",
                        "invalid_choice": "Un dossier sélectionné n'est pas dans votre périmètre."})
    instructeur = AgentChoiceField(label="Attribuer à", queryset=None, empty_label="Choisir un agent",
                                   error_messages={"required": "Attribuer à : choisissez un agent."})

    def __init__(self, *args, dossiers, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers
        self.fields["instructeur"].queryset = agents
