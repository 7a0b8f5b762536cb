"""Campagnes (with dated parameter versions), grappes with their members, dossiers and their instruction."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from esms.candidatures.etats import Etat


class Campagne(models.Model):
    """One year's programme rules (or one phase of the 2021 amorçage), e.g. "2024", "2021-2"."""

    code = models.CharField(max_length=10, unique=True)
    libelle = models.CharField("libellé", max_length=200)

    class Meta:
        ordering = ["-code"]

    def __str__(self) -> str:
        return self.libelle or self.code


class Etiquette(models.Model):
    """A label of a campaign that instructing agents put on its dossiers (« À examiner », « Complet »…), as in
    démarches-simplifiées: internal to instruction, never shown to the porteur."""

    class Couleur(models.TextChoices):  # DSFR illustrative colours of the tags
        BLEU = "blue-cumulus", "Bleu"
        VERT = "green-emeraude", "Vert"
        ORANGE = "orange-terre-battue", "Orange"
        VIOLET = "purple-glycine", "Violet"
        ROSE = "pink-tuile", "Rose"
        JAUNE = "yellow-tournesol", "Jaune"

    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="etiquettes")
    nom = models.CharField(max_length=60)
    couleur = models.CharField(max_length=30, choices=Couleur.choices, default=Couleur.BLEU)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "nom"]
        constraints = [models.UniqueConstraint(fields=["campagne", "nom"], name="etiquette_unique_par_campagne")]

    def __str__(self) -> str:
        return self.nom


class VersionParametres(models.Model):
    """An immutable version of a campagne's parameters, in force from `date_effet` (dated amendments)."""

    class Source(models.TextChoices):
        FICHIER = "fichier", "Fichier de paramètres livré avec la plateforme"
        SAISIE = "saisie", "Saisie par un administrateur national"

    class Statut(models.TextChoices):
        # A draft is edited section by section and simulated; it applies to no dossier until published.
        BROUILLON = "brouillon", "Brouillon (non publié)"
        PUBLIEE = "publiee", "Publiée"

    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveIntegerField("numéro")
    date_effet = models.DateField("en vigueur à partir du")
    parametres = models.JSONField("paramètres")
    motif = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FICHIER)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.PUBLIEE)
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    creee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campagne", "-numero"]
        constraints = [models.UniqueConstraint(fields=["campagne", "numero"], name="version_unique")]
        verbose_name = "version des paramètres"
        verbose_name_plural = "versions des paramètres"

    def __str__(self) -> str:
        return f"{self.campagne.code} v{self.numero} (au {self.date_effet:%d/%m/%Y})"


class Grappe(models.Model):
    """The establishments of one project, led by a porteur (an OG)."""

    nom = models.CharField(max_length=200)
    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="grappes")
    porteur = models.ForeignKey("referentiel.OrganismeGestionnaire", on_delete=models.PROTECT,
                                related_name="grappes")
    solution_dui = models.CharField("solution DUI", max_length=200, blank=True)
    # The DUI solution picked from the register; its Ségur referencing is derived for each member's sector
    # at the campaign's date by the rules (never declared).
    solution = models.ForeignKey("referencement.Solution", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="grappes")
    description = models.TextField(blank=True)
    # A multi-regional project is filed « auprès d'une ARS » (instruction of 1 February 2024): the porteur's
    # choice among its members' regions; empty means the rules' default (the region with most ESSMS).
    region_pilote_choisie = models.ForeignKey("referentiel.Region", null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+", verbose_name="ARS choisie pour le dépôt")
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    creee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-creee_le"]

    def __str__(self) -> str:
        return self.nom


class Membre(models.Model):
    """An establishment in a grappe. Another organisme's establishment enters as « proposé » and counts
    (rules verdict, "already in another dossier") only once its organisme or its manager accepts."""

    class Adhesion(models.TextChoices):
        ACCEPTEE = "acceptee", "Acceptée"
        PROPOSEE = "proposee", "Proposée, en attente de l'accord de l'établissement"

    class Cas(models.TextChoices):
        ACQUISITION = "acquisition", "Acquisition d'une solution DUI"
        USAGE = "usage", "Usage (DUI existant mis à niveau par le SONS)"
        MISE_A_NIVEAU = "mise_a_niveau", "Mise à niveau du DUI existant"

    grappe = models.ForeignKey(Grappe, on_delete=models.CASCADE, related_name="membres")
    etablissement = models.ForeignKey("referentiel.Etablissement", on_delete=models.PROTECT,
                                      related_name="membres")
    cas = models.CharField(max_length=20, choices=Cas.choices, default=Cas.USAGE)
    autres_fonds_ue = models.BooleanField("autres fonds européens", default=False)
    deja_finance_pour = models.CharField("déjà financé pour la solution", max_length=200, blank=True)
    part_heures_eligibles = models.DecimalField("part des heures éligibles", max_digits=4, decimal_places=3,
                                                default=1)
    # No longer declared nor read: the rules derive the SONS eligibility (`regles.eligibilites_sons`); kept for
    # the history of dossiers filed before.
    sons_eligible = models.BooleanField("éligible au SONS", default=True)
    montant_equipement_demande = models.PositiveIntegerField("équipement demandé (€)", null=True, blank=True)
    adhesion = models.CharField("adhésion", max_length=20, choices=Adhesion.choices, default=Adhesion.ACCEPTEE,
                                db_index=True)
    propose_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="adhesions_proposees")
    accepte_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="adhesions_acceptees")
    accepte_le = models.DateTimeField("accepté le", null=True, blank=True)

    class Meta:
        ordering = ["etablissement_id"]
        constraints = [models.UniqueConstraint(fields=["grappe", "etablissement"], name="membre_unique")]

    def __str__(self) -> str:
        return f"{self.etablissement_id} dans {self.grappe_id}"


class Dossier(models.Model):
    """A grappe's candidature to a campagne, and its instruction."""

    class Appel(models.TextChoices):
        REGIONAL = "regional", "Régional"
        MULTIREGIONAL = "multiregional", "Multirégional"
        NATIONAL = "national", "National"

    grappe = models.OneToOneField(Grappe, on_delete=models.PROTECT, related_name="dossier")
    numero = models.CharField("numéro", max_length=30, unique=True, null=True, blank=True)
    etat = models.CharField("état", max_length=30, choices=Etat.choices, default=Etat.BROUILLON, db_index=True)
    appel = models.CharField(max_length=20, choices=Appel.choices, blank=True, db_index=True)
    region_pilote = models.ForeignKey("referentiel.Region", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="dossiers_pilotes")
    regions = models.ManyToManyField("referentiel.Region", blank=True, related_name="dossiers")
    version = models.ForeignKey(VersionParametres, null=True, blank=True, on_delete=models.PROTECT,
                                help_text="Version des paramètres sous laquelle le dossier a été évalué au dépôt.")
    verdict = models.JSONField(null=True, blank=True)
    montant_demande = models.PositiveBigIntegerField("montant demandé (€)", default=0)
    montant_retenu = models.PositiveBigIntegerField("montant retenu (€)", null=True, blank=True)
    motif_decision = models.TextField("motif de la décision", blank=True)
    fenetre = models.CharField("fenêtre de sélection", max_length=20, blank=True, db_index=True)
    appreciation_reserve = models.TextField("appréciation des réserves par l'ARS", blank=True)
    instructeur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="dossiers_instruits")
    etiquettes = models.ManyToManyField(Etiquette, blank=True, related_name="dossiers")
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)
    # What was filed (grappe, members, amounts, documents and their digests), frozen at filing, and the SHA-256
    # of its canonical JSON: the receipt (accusé de dépôt) prints both, anyone can check one against the other.
    contenu_depose = models.JSONField("contenu déposé", null=True, blank=True)
    empreinte_depot = models.CharField("empreinte SHA-256 du dépôt", max_length=64, blank=True)
    complement_attendu_le = models.DateField("complément attendu le", null=True, blank=True)
    complement_rappele_le = models.DateTimeField("rappel du complément envoyé le", null=True, blank=True)
    decide_le = models.DateTimeField("décidé le", null=True, blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-depose_le", "-id"]
        indexes = [models.Index(fields=["etat", "region_pilote"])]

    def __str__(self) -> str:
        return self.numero or f"Brouillon n° {self.pk}"


class Document(models.Model):
    class Type(models.TextChoices):
        LETTRE_ENGAGEMENT = "lettre_engagement", "Lettre d'engagement du porteur"
        CONVENTION_GRAPPE = "convention_grappe", "Convention de grappe"
        DEVIS = "devis", "Devis et preuve de mise en concurrence"
        NON_CUMUL_UE = "non_cumul_ue", "Attestation de non-cumul des fonds européens"
        REPARTITION_DOMICILE = "repartition_domicile", "Répartition des heures (services à domicile)"
        COMPLEMENT = "complement", "Pièce complémentaire"
        CONVENTION_SIGNEE = "convention_signee", "Convention signée"
        AUTRE = "autre", "Autre pièce"

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    type = models.CharField(max_length=30, choices=Type.choices)
    fichier = models.FileField(upload_to="dossiers/%Y/")
    nom_original = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    taille = models.PositiveBigIntegerField()
    depose_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    depose_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["type", "-depose_le"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} : {self.nom_original}"


class Annotation(models.Model):
    """A private note of the instructors (never shown to the porteur)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="annotations")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    texte = models.TextField()
    creee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-creee_le"]

    def __str__(self) -> str:
        return f"Annotation du dossier {self.dossier_id}"


class Message(models.Model):
    """Messaging between the porteur and the instructors, with an optional attachment."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    texte = models.TextField()
    piece_jointe = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le"]

    def __str__(self) -> str:
        return f"Message du dossier {self.dossier_id}"


class Avis(models.Model):
    """An opinion requested from another agent on a dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="avis")
    demandeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="avis_demandes")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="avis_a_donner")
    question = models.TextField()
    reponse = models.TextField(blank=True)
    favorable = models.BooleanField(null=True)
    demande_le = models.DateTimeField(auto_now_add=True)
    rendu_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-demande_le"]
        verbose_name_plural = "avis"

    def __str__(self) -> str:
        return f"Avis sur le dossier {self.dossier_id}"


class Transition(models.Model):
    """The dossier's history: one row per state change (also in the audit trail)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")
    nom = models.CharField(max_length=40)
    etat_avant = models.CharField(max_length=30, choices=Etat.choices)
    etat_apres = models.CharField(max_length=30, choices=Etat.choices)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    commentaire = models.TextField(blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le", "id"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.etat_avant} → {self.etat_apres})"


class RechercheSauvegardee(models.Model):
    """A saved filter of the instruction queue."""

    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="recherches")
    nom = models.CharField(max_length=100)
    parametres = models.CharField(max_length=1000)

    class Meta:
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Attribution(models.Model):
    """One change of a dossier's instructing agent (taken, assigned, reassigned or unassigned): its history."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attributions")
    instructeur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="Vide : le dossier n'est plus attribué.")
    precedent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le", "id"]

    def __str__(self) -> str:
        return f"Attribution du dossier {self.dossier_id}"


class Suivi(models.Model):
    """An agent follows a dossier (« Suivre »): notified of its events; `vu_le` is when the follower last opened
    the dossier page (what happened since is unread)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="suivis")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suivis")
    cree_le = models.DateTimeField(auto_now_add=True)
    vu_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cree_le"]
        constraints = [models.UniqueConstraint(fields=["dossier", "utilisateur"], name="suivi_unique")]

    def __str__(self) -> str:
        return f"Suivi du dossier {self.dossier_id}"
