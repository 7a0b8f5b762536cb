"""Users with one role and its scope (region, EJ, ET), and the append-only audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Role(models.TextChoices):
    ADMIN_NATIONAL = "admin_national", "Administrateur national (CNSA / DNS)"
    AGENT_ARS = "agent_ars", "Agent ARS (instructeur)"
    RESPONSABLE_OG = "responsable_og", "Responsable d'organisme gestionnaire (porteur)"
    GESTIONNAIRE_ESSMS = "gestionnaire_essms", "Gestionnaire d'ESSMS"
    EDITEUR = "editeur", "Éditeur de DUI (client API)"


class FrequenceCourriels(models.TextChoices):
    IMMEDIAT = "immediat", "À chaque notification"
    QUOTIDIEN = "quotidien", "Un résumé par jour"
    AUCUN = "aucun", "Aucun courriel (notifications dans l'application seulement)"


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    email_verifie = models.BooleanField("adresse vérifiée", default=True,
                                        help_text="Faux pour une inscription dont l'adresse n'est pas encore vérifiée.")
    frequence_courriels = models.CharField("courriels de notification", max_length=10,
                                           choices=FrequenceCourriels.choices, default=FrequenceCourriels.IMMEDIAT)
    region = models.ForeignKey(
        "referentiel.Region", null=True, blank=True, on_delete=models.PROTECT, help_text="Agents ARS : leur région."
    )
    organismes = models.ManyToManyField(
        "referentiel.OrganismeGestionnaire", blank=True, related_name="utilisateurs",
        help_text="Porteurs : les organismes gestionnaires (FINESS EJ) qu'ils représentent.",
    )
    etablissements = models.ManyToManyField(
        "referentiel.Etablissement", blank=True, related_name="utilisateurs",
        help_text="Gestionnaires d'ESSMS et éditeurs : les établissements (FINESS ET) de leur périmètre.",
    )

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditEvent(models.Model):
    """One state change: who, what, on which object, before and after. Never updated or deleted."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField("acteur", max_length=200)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("identifiant", max_length=100, blank=True, db_index=True)
    object_repr = models.CharField("objet", max_length=300, blank=True)
    before = models.JSONField("avant", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("après", null=True, blank=True, encoder=DjangoJSONEncoder)
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "événement d'audit"
        verbose_name_plural = "journal d'audit"

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class Courriel(models.Model):
    """One e-mail to send (a notification, or a day's digest), sent by the task queue and retried on failure."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente d'envoi"
        ENVOYE = "envoye", "Envoyé"
        ECHEC = "echec", "Échec définitif"

    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="courriels", help_text="Vide pour une invitation sans compte.")
    adresse = models.EmailField()
    sujet = models.CharField(max_length=250)
    texte = models.TextField()
    html = models.TextField()
    statut = models.CharField(max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE, db_index=True)
    tentatives = models.PositiveSmallIntegerField(default=0)
    derniere_erreur = models.TextField("dernière erreur", blank=True)
    prochain_essai = models.DateTimeField("prochain essai", null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    envoye_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]

    def __str__(self) -> str:
        return f"{self.adresse} : {self.sujet}"


class Notification(models.Model):
    """An in-app notification, also e-mailed according to the recipient's preference."""

    class Categorie(models.TextChoices):
        DOSSIER_DEPOSE = "dossier_depose", "Dossier déposé"
        COMPLEMENT = "complement", "Complément demandé"
        DECISION = "decision", "Décision"
        CONVENTION = "convention", "Convention"
        VERSEMENT = "versement", "Versement"
        INVITATION = "invitation", "Invitation"
        MESSAGE = "message", "Message"
        AUTRE = "autre", "Information"

    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="notifications")
    categorie = models.CharField(max_length=20, choices=Categorie.choices, default=Categorie.AUTRE)
    courriel = models.ForeignKey(Courriel, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="notifications", help_text="Le courriel qui l'a portée.")
    sujet = models.CharField(max_length=200)
    texte = models.TextField(blank=True)
    lien = models.CharField(max_length=300, blank=True)
    lue = models.BooleanField(default=False, db_index=True)
    creee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-creee_le", "-id"]

    def __str__(self) -> str:
        return self.sujet


class Rattachement(models.Model):
    """A claim: a self-registered user asks to represent an organisme (EJ) or to manage establishments (ET),
    with a supporting document. No scope is granted before an agent of the region (or a national
    administrator) validates it."""

    class Type(models.TextChoices):
        ORGANISME = "organisme", "Organisme gestionnaire (FINESS EJ)"
        ETABLISSEMENTS = "etablissements", "Établissements (FINESS ET)"

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente de validation"
        VALIDE = "valide", "Validé"
        REFUSE = "refuse", "Refusé"

    demandeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rattachements")
    type = models.CharField(max_length=20, choices=Type.choices)
    organisme = models.ForeignKey("referentiel.OrganismeGestionnaire", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    etablissements = models.ManyToManyField("referentiel.Etablissement", blank=True, related_name="+")
    region = models.ForeignKey("referentiel.Region", on_delete=models.PROTECT, related_name="+",
                               help_text="La région dont les agents ARS valident la demande.")
    fonction = models.CharField("fonction dans l'organisme", max_length=200)
    justificatif = models.FileField(upload_to="justificatifs/%Y/%m/")
    statut = models.CharField(max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE, db_index=True)
    decideur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    motif = models.TextField(blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    decide_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = "demande de rattachement"

    def __str__(self) -> str:
        cible = self.organisme or ", ".join(self.etablissements.values_list("pk", flat=True))
        return f"Rattachement de {self.demandeur} à {cible}"


class Invitation(models.Model):
    """A porteur invites a colleague to its organisme: the link in the e-mail creates or completes the account."""

    organisme = models.ForeignKey("referentiel.OrganismeGestionnaire", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField()
    invite_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    jeton = models.CharField(max_length=64, unique=True)
    expire_le = models.DateTimeField()
    acceptee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    acceptee_le = models.DateTimeField(null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cree_le", "-id"]

    def __str__(self) -> str:
        return f"Invitation de {self.email} à {self.organisme_id}"
