"""Forms of the candidature and instruction pages (French labels and messages, DSFR widgets).

Forms only check the shape of the input; the services decide (scope, state, rules) and say why not.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from esms.candidatures import regles
from esms.candidatures.etats import Etat
from esms.candidatures.models import Campagne, Document, Dossier, Etiquette, Membre
from esms.dates import champ_date
from esms.formulaires import FormulaireDsfr as DsfrBaseForm
from esms.nombres import MONTANT_MAX
from esms.referencement.forms import SolutionRegistreField
from esms.referentiel.models import Region
from esms.rules.finess import erreur_numero_finess

_SEPARATEURS = re.compile(r"[\s,;]+")


class CreationGrappeForm(DsfrBaseForm):
    campagne = forms.ModelChoiceField(
        label="Campagne", queryset=Campagne.objects.none(), to_field_name="code", empty_label=None,
        help_text="Seules les campagnes dont un appel à projets est encore ouvert sont proposées.")
    porteur: forms.ModelChoiceField = forms.ModelChoiceField(label="Organisme porteur (FINESS juridique)",
                                     queryset=None, empty_label=None)
    nom = forms.CharField(label="Nom de la grappe", max_length=200)
    solution = SolutionRegistreField()
    description = forms.CharField(label="Description du projet", required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, organismes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campagne"].queryset = Campagne.objects.filter(code__in=regles.campagnes_ouvertes())
        self.fields["porteur"].queryset = organismes


class GrappeForm(DsfrBaseForm):
    nom = forms.CharField(label="Nom de la grappe", max_length=200)
    solution = SolutionRegistreField()
    description = forms.CharField(label="Description du projet", required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    region_pilote_choisie = forms.ChoiceField(
        label="ARS auprès de laquelle le projet multirégional est déposé", required=False,
        help_text="Parmi les régions des établissements de la grappe. Par défaut : la région qui en compte le plus.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_pilote_choisie"].choices = [("", "Par défaut (région comptant le plus d'ESSMS)")] + [
            (r.code, r.nom) for r in Region.objects.all()]


class MembreForm(DsfrBaseForm):
    """One member's declarations (rendered as one row of the members table)."""

    cas = forms.ChoiceField(label="Cas", choices=Membre.Cas.choices)
    autres_fonds_ue = forms.BooleanField(label="Autres fonds européens", required=False)
    deja_finance_pour = forms.CharField(label="Déjà financé pour", max_length=200, required=False)
    part_heures_eligibles = forms.DecimalField(
        label="Part des heures éligibles", min_value=Decimal(0), max_value=Decimal(1), decimal_places=3,
        localize=True, error_messages={"invalid": "Nombre entre 0 et 1 attendu (par exemple 0,8)."})
    montant_equipement_demande = forms.IntegerField(
        label="Équipement demandé (€)", min_value=0, required=False,
        help_text="Petits organismes seulement ; plafonné à 10 000 € par ESSMS (instruction du 1er février 2024).")


class AjoutMembresForm(DsfrBaseForm):
    finess = forms.CharField(
        label="Numéros FINESS géographiques (ET)", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un ou plusieurs numéros, séparés par des espaces, des virgules ou des retours à la ligne.")
    cas = forms.ChoiceField(label="Cas des établissements ajoutés", choices=Membre.Cas.choices,
                            initial=Membre.Cas.USAGE, error_messages={
                                "required": "Cas de financement : choisissez-le (acquisition, usage ou mise à niveau) "
                                            "avant d'ajouter l'établissement."})

    def clean_finess(self) -> list[str]:
        numeros = [n.upper() for n in _SEPARATEURS.split(self.cleaned_data["finess"]) if n]
        erreurs = [f"{n} : {e}." for n in numeros if (e := erreur_numero_finess(n))]
        if erreurs:
            raise forms.ValidationError(erreurs)
        if not numeros:
            raise forms.ValidationError("Saisissez au moins un numéro FINESS.")
        return numeros


TYPES_DEPOSABLES = [(t.value, t.label) for t in Document.Type
                    if t not in (Document.Type.CONVENTION_SIGNEE, Document.Type.COMPLEMENT)]


class _IdsPropres(DsfrBaseForm):
    """A form whose HTML ids carry its own prefix (`id_<ids>_<field>`), so that two forms of one page never share
    an id: clicking a label always focuses its own field (the field names posted are unchanged)."""

    ids = ""

    def __init__(self, *args, **kwargs):
        if self.ids:
            kwargs.setdefault("auto_id", f"id_{self.ids}_%s")
        super().__init__(*args, **kwargs)


class DocumentForm(_IdsPropres):
    ids = "document"
    type = forms.ChoiceField(label="Type de pièce", choices=TYPES_DEPOSABLES)
    fichier = forms.FileField(label="Fichier", help_text="PDF, image, bureautique ou CSV ; 20 Mo au plus.")


class MessageForm(_IdsPropres):
    ids = "message"
    texte = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 3}))
    piece_jointe = forms.FileField(label="Pièce jointe (facultative)", required=False)


class AnnotationForm(_IdsPropres):
    ids = "annotation"
    texte = forms.CharField(label="Annotation privée — non visible du porteur",
                            widget=forms.Textarea(attrs={"rows": 3, "class": "fr-input esms-prive"}),
                            help_text="Lue par les seuls agents de l'ARS et de l'administration nationale ; "
                                      "pour écrire au porteur, utilisez la messagerie.")


class DemandeAvisForm(_IdsPropres):
    ids = "demande_avis"
    expert: forms.ModelChoiceField = forms.ModelChoiceField(label="Agent consulté", queryset=None,
                                    empty_label="Choisir un agent")
    question = forms.CharField(label="Question posée", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts


class AvisForm(DsfrBaseForm):
    SENS = [("favorable", "Favorable"), ("defavorable", "Défavorable"), ("reserve", "Sans position")]

    favorable = forms.ChoiceField(label="Sens de l'avis", choices=SENS, widget=forms.RadioSelect)
    reponse = forms.CharField(label="Avis motivé", widget=forms.Textarea(attrs={"rows": 3}))

    def sens(self) -> bool | None:
        return {"favorable": True, "defavorable": False}.get(self.cleaned_data["favorable"])


class CommentaireForm(DsfrBaseForm):
    """The comment of a transition (mandatory when the workflow says so)."""

    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obligatoire: bool = False, label: str = "Commentaire", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commentaire"].required = obligatoire
        self.fields["commentaire"].label = label
        self["commentaire"].label = label  # the DSFR base form already built (and cached) the bound field
        if obligatoire:
            self.fields["commentaire"].error_messages["required"] = f"{label} : ce champ est obligatoire."


class ConfirmationDepotForm(DsfrBaseForm):
    confirmation = forms.BooleanField(
        label="Je certifie l'exactitude des informations ci-dessus et je dépose le dossier auprès de l'ARS.",
        error_messages={"required": "Confirmation : cochez la case pour confirmer le dépôt."})


class RemplacementDocumentForm(DsfrBaseForm):
    fichier = forms.FileField(label="Nouveau fichier", help_text="PDF, image ou bureautique, 20 Mo au plus.")


class ComplementForm(CommentaireForm):
    """A complement request: what is asked and the date the answer is expected by."""

    delai = champ_date("Date limite de réponse", required=False,
                       help_text="Quinze jours par défaut ; le porteur est relancé trois jours avant.")


class RetenirForm(DsfrBaseForm):
    montant = forms.IntegerField(label="Montant retenu (€)", min_value=1, max_value=MONTANT_MAX,
                                 help_text="Au plus le financement calculé par les règles.")
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    appreciation_reserve = forms.CharField(
        label="Appréciation des réserves par l'ARS", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire quand les règles ont laissé une réserve à l'appréciation de l'ARS.")


class SignatureForm(DsfrBaseForm):
    date_signature = champ_date("Date de signature")
    scan = forms.FileField(label="Convention signée (scan)", help_text="PDF ou image, 20 Mo au plus.")


DECISIONS_LOT = [
    ("ouvrir_instruction", "Passer en instruction"),
    ("retenir", "Retenir (au montant calculé par les règles)"),
    ("ne_pas_retenir", "Ne pas retenir"),
    ("classer_sans_suite", "Classer sans suite"),
]
DECISIONS_MOTIVEES = {"ne_pas_retenir", "classer_sans_suite"}


class DecisionLotForm(DsfrBaseForm):
    dossiers = forms.ModelMultipleChoiceField(
        label="Dossiers sélectionnés", queryset=Dossier.objects.none(), widget=forms.MultipleHiddenInput,
        error_messages={"required": "Cochez au moins un dossier.",
                        "invalid_choice": "Un dossier sélectionné n'est pas dans votre périmètre."})
    decision = forms.ChoiceField(label="Décision", choices=DECISIONS_LOT)
    commentaire = forms.CharField(label="Commentaire (obligatoire pour un refus ou un classement)",
                                  required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, dossiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers

    def clean(self):
        donnees = super().clean()
        if donnees.get("decision") in DECISIONS_MOTIVEES and not (donnees.get("commentaire") or "").strip():
            self.add_error("commentaire", "Un commentaire est obligatoire pour ne pas retenir ou classer sans suite.")
        return donnees


class FiltresForm(DsfrBaseForm):
    """The instruction queue's filters (GET)."""

    TRIS = [("-depot", "Dépôt le plus récent"), ("depot", "Dépôt le plus ancien"), ("numero", "Numéro"),
            ("-montant", "Montant décroissant"), ("montant", "Montant croissant"), ("etat", "État")]

    q = forms.CharField(label="Recherche (numéro, grappe, porteur, FINESS)", required=False)
    etat = forms.ChoiceField(label="État", required=False,
                             choices=[("", "Tous")] + [c for c in Etat.choices if c[0] != Etat.BROUILLON])
    appel = forms.ChoiceField(label="Appel", required=False, choices=[("", "Tous"), *Dossier.Appel.choices])
    campagne = forms.ChoiceField(label="Campagne", required=False)
    region = forms.ChoiceField(label="Région", required=False)
    fenetre = forms.ChoiceField(label="Fenêtre de sélection", required=False)
    etiquette = forms.ChoiceField(label="Étiquette", required=False)
    ATTRIBUTIONS = [("", "Tous"), ("moi", "Mes dossiers"), ("aucun", "Non attribués"), ("suivis", "Suivis")]
    attribution = forms.ChoiceField(label="Instructeur", required=False, choices=ATTRIBUTIONS)
    tri = forms.ChoiceField(label="Trier par", required=False, choices=TRIS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campagne"].choices = [("", "Toutes")] + [(c.code, c.code) for c in Campagne.objects.all()]
        self.fields["region"].choices = [("", "Toutes")] + [(r.code, r.nom) for r in Region.objects.all()]
        fenetres = Dossier.objects.exclude(fenetre="").order_by("fenetre").values_list("fenetre", flat=True).distinct()
        self.fields["fenetre"].choices = [("", "Toutes")] + [(f, f"Fenêtre {f}") for f in fenetres]
        self.fields["etiquette"].choices = [("", "Toutes")] + [
            (str(e.pk), f"{e.nom} ({e.campagne.code})") for e in Etiquette.objects.select_related("campagne")
            .order_by("-campagne__code", "ordre", "nom")]


class RechercheSauvegardeeForm(DsfrBaseForm):
    nom = forms.CharField(label="Nom de la recherche", max_length=100)
    parametres = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
