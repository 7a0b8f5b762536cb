"""Forms of the register and SONS pages."""

from __future__ import annotations

from django import forms

from esms.referencement.models import Solution, Vague
from esms.rules.categories import SECTEUR_LIBELLES

SECTEURS_CHOIX = [(code, libelle) for code, libelle in SECTEUR_LIBELLES.items() if code != "autre"]


class FichierForm(forms.Form):
    fichier = forms.FileField(label="Fichier (CSV ou XLSX)",
                              widget=forms.ClearableFileInput(attrs={"class": "fr-upload", "accept": ".csv,.xlsx"}))


class SolutionForm(forms.Form):
    vague = forms.TypedChoiceField(label="Vague", choices=Vague.choices, coerce=int,
                                   widget=forms.Select(attrs={"class": "fr-select"}))
    secteurs = forms.MultipleChoiceField(label="Secteurs couverts", choices=SECTEURS_CHOIX,
                                         widget=forms.CheckboxSelectMultiple)
    date_referencement = forms.DateField(label="Date de référencement",
                                         widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}))
    statut = forms.ChoiceField(label="Statut", choices=Solution.Statut.choices,
                               widget=forms.Select(attrs={"class": "fr-select"}))
    date_retrait = forms.DateField(label="Date de retrait", required=False,
                                   widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}))
    motif = forms.CharField(label="Motif de la modification", max_length=300,
                            error_messages={"required": "Le motif de la modification est obligatoire."},
                            widget=forms.TextInput(attrs={"class": "fr-input"}))


class CompteForm(forms.Form):
    compte = forms.CharField(label="Identifiant du compte d'API (rôle éditeur)", max_length=150,
                             widget=forms.TextInput(attrs={"class": "fr-input"}))


class SolutionRegistreWidget(forms.Widget):
    """A search box (htmx) over the register and the solution currently picked, as radio choices."""

    template_name = "referencement/widget_solution.html"

    def get_context(self, name, value, attrs):
        contexte = super().get_context(name, value, attrs)
        choisie = None
        if value not in (None, "") and str(getattr(value, "pk", value)).isdigit():
            choisie = Solution.objects.select_related("editeur").filter(pk=getattr(value, "pk", value)).first()
        contexte["widget"]["choisie"] = choisie
        return contexte


class SolutionRegistreField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Solution DUI (registre des solutions référencées Ségur)")
        kwargs.setdefault("help_text", "Recherchez la solution par son nom, sa version, son éditeur ou son SIREN. "
                                       "Son référencement est vérifié pour le secteur de chaque établissement à la "
                                       "date de la campagne : rien à déclarer.")
        super().__init__(queryset=Solution.objects.select_related("editeur"), required=False,
                         widget=SolutionRegistreWidget, **kwargs)
