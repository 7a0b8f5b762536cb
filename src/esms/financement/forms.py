"""Envelope forms of the national administrator (French labels, DSFR widgets)."""

from __future__ import annotations

from django import forms

from esms.financement import selectors
from esms.formulaires import FormulaireDsfr as DsfrBaseForm
from esms.nombres import MONTANT_MAX
from esms.referentiel.models import Region


class CreationEnveloppeForm(DsfrBaseForm):
    campagne: forms.ModelChoiceField = forms.ModelChoiceField(label="Campagne", queryset=None, empty_label=None)
    region = forms.ModelChoiceField(label="Région", queryset=Region.objects.all(), required=False,
                                    empty_label="Aucune : enveloppe nationale (appel national)")
    libelle = forms.CharField(label="Libellé", max_length=200, required=False,
                              help_text="Par défaut : « Enveloppe <campagne> – <région> ».")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campagne"].queryset = selectors.campagnes()


class DotationForm(DsfrBaseForm):
    enveloppe: forms.ModelChoiceField = forms.ModelChoiceField(label="Enveloppe", queryset=None, empty_label=None)
    montant = forms.IntegerField(label="Montant de la dotation (€)", min_value=1, max_value=MONTANT_MAX,
                                 help_text="En euros entiers, au plus 999 999 999 999 €.")
    libelle = forms.CharField(label="Libellé", max_length=300,
                              help_text="Par exemple : « Délégation de crédits, circulaire du … ».")

    def __init__(self, *args, enveloppes, **kwargs):
        # Its own ids: the creation form beside it also has a « libelle » field (one id per page).
        kwargs.setdefault("auto_id", "dotation_%s")
        super().__init__(*args, **kwargs)
        self.fields["enveloppe"].queryset = enveloppes


class LiberationForm(DsfrBaseForm):
    motif = forms.CharField(label="Motif de la libération", max_length=250,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="Obligatoire ; inscrit au journal de l'enveloppe et au journal d'audit.")
