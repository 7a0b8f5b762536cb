"""Forms of the séances de sélection: a new séance, dossiers to put on the agenda, a proposed decision."""

from __future__ import annotations

from django import forms

from esms.candidatures.models import Campagne, Dossier
from esms.dates import champ_date
from esms.formulaires import FormulaireDsfr as DsfrBaseForm
from esms.referentiel.models import Region
from esms.seances.models import DecisionSeance


class SeanceForm(DsfrBaseForm):
    titre = forms.CharField(label="Titre de la séance", max_length=200)
    date = champ_date("Date de la séance")
    campagne = forms.ModelChoiceField(label="Campagne", queryset=Campagne.objects.all(), empty_label=None)
    region = forms.ModelChoiceField(label="Région (enveloppe engagée)", queryset=Region.objects.all(), required=False,
                                    empty_label="Nationale (enveloppe nationale)")

    def __init__(self, *args, region_imposee: Region | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if region_imposee is not None:  # an ARS agent prepares the séances of its own region
            self.fields["region"].queryset = Region.objects.filter(pk=region_imposee.pk)
            self.fields["region"].required = True
            self.fields["region"].empty_label = None


class InscriptionForm(DsfrBaseForm):
    dossiers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Dossiers prêts à être décidés", queryset=Dossier.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un dossier à inscrire à l'ordre du jour.",
                        "invalid_choice": "Un dossier coché ne peut pas être inscrit à cette séance."})

    def __init__(self, *args, dossiers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers
        self.fields["dossiers"].label_from_instance = (
            lambda d: f"{d} — {d.grappe.nom} ({d.grappe.porteur}) — {d.montant_demande:,} €".replace(",", "\u202f"))


class PropositionForm(DsfrBaseForm):
    decision = forms.ChoiceField(label="Décision proposée",
                                 choices=[("", "À décider"), *DecisionSeance.Decision.choices], required=False)
    motif = forms.CharField(label="Motif (obligatoire pour un refus, communiqué au porteur)", required=False,
                            widget=forms.Textarea(attrs={"rows": 1}))
