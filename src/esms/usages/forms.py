"""Forms of the usage pages (French labels, DSFR widgets): indicator entry, file import, evidence upload,
the ARS's decision, vendor authorisation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from esms.comptes import selectors as comptes
from esms.comptes.models import User
from esms.formulaires import FormulaireDsfr as DsfrBaseForm
from esms.nombres import COMPTE_MAX


class PeriodeMixin(forms.Form):
    debut = forms.DateField(label="Début de la période", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fin = forms.DateField(label="Fin de la période", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        donnees = super().clean()
        if donnees.get("debut") and donnees.get("fin") and donnees["fin"] < donnees["debut"]:
            self.add_error("fin", "La fin de la période précède son début.")
        return donnees


class SaisieForm(PeriodeMixin, DsfrBaseForm):
    finess_et = forms.ChoiceField(label="Établissement")
    dui_actifs = forms.IntegerField(label="Nombre de DUI actifs", min_value=0, max_value=COMPTE_MAX)

    def __init__(self, *args, etablissements: list[tuple[str, str]], catalogue: Mapping[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["finess_et"]
        assert isinstance(champ, forms.ChoiceField)
        champ.choices = etablissements
        self.codes = list(catalogue)
        for code, parametre in catalogue.items():
            indicateur = parametre.valeur
            self.fields[f"ind_{code}"] = forms.DecimalField(
                label=indicateur.libelle, required=False, min_value=0, max_digits=14, decimal_places=4,
                help_text=f"Cible {indicateur.operateur} {indicateur.seuil} ({indicateur.unite}, {indicateur.periode})")

    def valeurs(self) -> dict[str, str]:
        return {code: str(self.cleaned_data[f"ind_{code}"]) for code in self.codes
                if self.cleaned_data.get(f"ind_{code}") is not None}


class ImportForm(PeriodeMixin, DsfrBaseForm):
    fichier = forms.FileField(label="Fichier d'indicateurs (CSV ou XLSX)",
                              help_text="Une ligne par établissement : finess_et, dui_actifs, puis un indicateur par colonne.")


class PreuveForm(PeriodeMixin, DsfrBaseForm):
    fichier = forms.FileField(label="Extraction d'activité du DUI (CSV, Parquet ou NDJSON FHIR)",
                              help_text="Identifiants d'usagers pseudonymisés uniquement (voir le format documenté).")


class DecisionForm(PeriodeMixin, DsfrBaseForm):
    decision = forms.ChoiceField(label="Décision", choices=[("valider", "Valider les usages"),
                                                            ("rejeter", "Rejeter les usages")],
                                 widget=forms.RadioSelect)
    motif = forms.CharField(label="Motif", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Obligatoire pour un rejet, et pour valider malgré un écart signalé ; transmis au porteur.")
    # The payment the page announced (« Valider ordonnera un versement de … »): validating orders exactly it.
    montant_confirme = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean(self):
        donnees = super().clean()
        if donnees.get("decision") == "rejeter" and not (donnees.get("motif") or "").strip():
            self.add_error("motif", "Le motif du rejet est obligatoire.")
        if donnees.get("decision") == "valider" and donnees.get("montant_confirme") is None:
            self.add_error("decision", "Validation non enregistrée : rechargez la page pour confirmer le versement "
                                       "qu'elle ordonnera.")
        return donnees


class AutorisationForm(DsfrBaseForm):
    editeur = forms.ModelChoiceField(label="Éditeur de DUI", queryset=User.objects.none(), empty_label=None)
    finess_et = forms.ChoiceField(label="Établissement")

    def __init__(self, *args, etablissements: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editeur"].queryset = comptes.editeurs()
        champ = self.fields["finess_et"]
        assert isinstance(champ, forms.ChoiceField)
        champ.choices = etablissements
