"""Forms of the référentiel pages: establishment search, qualification, import upload (DSFR classes)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from esms.referentiel.importer.lecture import ENCODAGES
from esms.referentiel.models import Categorie, Departement, ImportFiness
from esms.rules.categories import SECTEUR_LIBELLES


class SelectRapide(forms.Select):
    """A <select> rendered by string joins: Django's per-option templates cost ~20 ms for the 350 options of
    the search form (départements and categories), on every search page."""

    def render(self, name, value, attrs=None, renderer=None):
        choisi = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(code)}"{" selected" if str(code) == choisi else ""}>{escape(libelle)}</option>'
            for code, libelle in self.choices)
        return mark_safe(f"<select{flatatt(self.build_attrs(self.attrs, {**(attrs or {}), 'name': name}))}>"  # noqa: S308
                         f"{options}</select>")


STATUTS = (("ouverts", "Ouverts"), ("fermes", "Fermés"), ("tous", "Tous"))


def _secteurs(vide: str) -> list[tuple[str, str]]:
    return [("", vide), *((code, libelle[:1].upper() + libelle[1:]) for code, libelle in SECTEUR_LIBELLES.items())]


class RechercheForm(forms.Form):
    q = forms.CharField(label="Numéro FINESS ou nom", required=False, max_length=200,
                        help_text="Numéro FINESS (ET ou EJ) ou mots du nom, sans tenir compte des accents ni de la casse",
                        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search", "autocomplete": "off"}))
    commune = forms.CharField(label="Commune", required=False, max_length=100,
                              help_text="Nom, code postal ou code INSEE",
                              widget=forms.TextInput(attrs={"class": "fr-input"}))
    departement = forms.ChoiceField(label="Département", required=False,
                                    widget=SelectRapide(attrs={"class": "fr-select"}))
    categorie = forms.ChoiceField(label="Catégorie FINESS", required=False,
                                  widget=SelectRapide(attrs={"class": "fr-select"}))
    secteur = forms.ChoiceField(label="Secteur", required=False, choices=_secteurs("Tous les secteurs"),
                                widget=forms.Select(attrs={"class": "fr-select"}))
    eligibles = forms.BooleanField(label="Éligibles ESMS numérique seulement (art. L.312-1 CASF)", required=False)
    statut = forms.ChoiceField(label="Statut", required=False, choices=STATUTS, initial="ouverts",
                               widget=forms.Select(attrs={"class": "fr-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous les départements"), *(
            (d.code, f"{d.code} – {d.nom}") for d in Departement.objects.order_by("code").only("code", "nom"))]
        self.fields["categorie"].choices = [("", "Toutes les catégories"), *(
            (c.code, f"{c.code} – {c.libelle}")
            for c in Categorie.objects.filter(date_fin__isnull=True).order_by("libelle").only("code", "libelle"))]

    def criteres(self) -> dict:
        """Cleaned criteria for `selectors.rechercher_etablissements` (empty values dropped)."""
        if not self.is_valid():
            return {"statut": "ouverts"}
        donnees = {cle: valeur for cle, valeur in self.cleaned_data.items() if valeur}
        donnees.setdefault("statut", "ouverts")
        return donnees


class QualificationForm(forms.Form):
    secteur = forms.ChoiceField(label="Secteur retenu", required=False,
                                choices=_secteurs("Secteur de la catégorie FINESS (annuler la qualification)"),
                                widget=forms.Select(attrs={"class": "fr-select"}))
    motif = forms.CharField(label="Motif de la qualification", max_length=2000,
                            help_text="Obligatoire : il est conservé dans le journal d'audit.",
                            error_messages={"required": "Le motif de la qualification est obligatoire."},
                            widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3}))


class ImportForm(forms.Form):
    fichier = forms.FileField(label="Fichier FINESS",
                              help_text="flux FINESS+ « Structures » (.json ou .json.gz) ou extraction Etalab "
                                        "etalab-cs1100507-stock-*.csv (établissements) / etalab-cs1100501-stock-*.csv "
                                        "(entités juridiques), éventuellement compressée en .gz",
                              widget=forms.ClearableFileInput(attrs={"class": "fr-upload",
                                                                     "accept": ".json,.csv,.gz"}))
    nature = forms.ChoiceField(label="Nature du fichier FINESS+", required=False, choices=[
        ("", "D'après le nom du fichier (journalier : flux ; mensuel, annuel : instantané)"),
        *ImportFiness.Nature.choices], widget=forms.Select(attrs={"class": "fr-select"}))
    ignorer_invalides = forms.BooleanField(label="Importer les lignes valides et produire un rapport des rejets",
                                           required=False)
    encodage = forms.ChoiceField(label="Encodage", choices=[(e, e) for e in ENCODAGES], initial="latin-1",
                                 widget=forms.Select(attrs={"class": "fr-select"}))
