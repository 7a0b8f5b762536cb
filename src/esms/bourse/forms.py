"""Forms of the bourse pages (French labels, DSFR widgets from django-dsfr)."""

from __future__ import annotations

from django import forms

from esms.formulaires import FormulaireDsfr as DsfrBaseForm


class BesoinForm(DsfrBaseForm):
    finess_et = forms.CharField(label="Établissement (FINESS géographique)", max_length=9)
    campagne = forms.CharField(label="Campagne", max_length=10, initial="2025")
    solution_dui = forms.CharField(label="Solution DUI utilisée ou souhaitée (vide : toute solution)", required=False,
                                   max_length=200)
    cas = forms.ChoiceField(label="Financement souhaité", choices=[("acquisition", "Acquisition"),
                                                                   ("usage", "Usage (SONS)"),
                                                                   ("mise_a_niveau", "Mise à niveau")])
    commande_sons = forms.CharField(label="Bon de commande SONS (s'il y en a un)", required=False, max_length=100)
    distance_max_km = forms.IntegerField(label="Distance maximale (km)", min_value=1, max_value=300, initial=30)
    contact = forms.CharField(label="Contact (nom, courriel ou téléphone)", max_length=200)


class OuvertureForm(DsfrBaseForm):
    places = forms.IntegerField(label="Places ouvertes", min_value=1, max_value=100)
    cloture = forms.DateField(label="Date de clôture", widget=forms.DateInput(attrs={"type": "date"}))
    secteurs = forms.CharField(label="Secteurs recherchés", required=False, max_length=300)


class SuggestionForm(DsfrBaseForm):
    """An ARS agent's match: a need and an open grappe of the market shown (choices set by the page)."""

    besoin = forms.TypedChoiceField(label="Besoin", coerce=int)
    ouverture = forms.TypedChoiceField(label="Grappe ouverte", coerce=int)

    def __init__(self, *args, besoins=(), offres=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["besoin"].choices = [(b.pk, f"{b.etablissement.raison_sociale} ({b.etablissement_id})")
                                         for b in besoins]
        self.fields["ouverture"].choices = [(o.pk, f"{o.grappe.nom} — {o.grappe.porteur}") for o in offres]
