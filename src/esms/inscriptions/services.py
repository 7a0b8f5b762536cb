"""Self-service accounts: sign-up with e-mail verification, claims of an organisme (EJ) or of establishments
(ET) validated in the region, invitations of colleagues by a porteur, deactivation, and the account
administration of national administrators and ARS agents. Keyword-only, one permission decision, audited,
transactional; e-mails go through the task queue (esms.comptes.courriels)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from esms import televersements
from esms.comptes import audit, courriels, habilitations
from esms.comptes import selectors as comptes_selectors
from esms.comptes.models import Courriel, Invitation, Notification, Rattachement, User
from esms.comptes.notifications import notifier
from esms.comptes.permissions import Acteur, compte_de, require, utilisateur_de
from esms.comptes.services import _snapshot
from esms.referentiel.models import Etablissement, OrganismeGestionnaire, Region

SEL_VERIFICATION = "esms.comptes.verification"
EXTENSIONS_JUSTIFICATIF = {".pdf", ".png", ".jpg", ".jpeg"}


def _courriel(*, adresse: str, destinataire: User | None, sujet: str, gabarit: str, contexte: dict[str, Any]) -> Courriel:
    courriel = Courriel.objects.create(
        destinataire=destinataire, adresse=adresse, sujet=f"{courriels.PREFIXE} {sujet}",
        texte=render_to_string(f"comptes/email/{gabarit}.txt", contexte),
        html=render_to_string(f"comptes/email/{gabarit}.html", contexte))
    courriels.programmer(courriel)
    return courriel


# --- Sign-up and e-mail verification ----------------------------------------------------------------

@transaction.atomic
def inscrire(*, email: str, prenom: str, nom: str, mot_de_passe: str) -> User:
    """A new account, inactive until its address is verified by the link e-mailed now. No role, no scope.

    Signing up again with an address never verified (the link expired or was lost) starts the sign-up over on the
    same account: otherwise the address would be locked out for good (the password reset serves active accounts
    only), and whoever typed someone else's address first would keep its owner out."""
    email = email.strip().lower()
    existants = list(User.objects.select_for_update().filter(Q(email__iexact=email) | Q(username__iexact=email)))
    if any(u.email_verifie or u.is_active or u.last_login for u in existants) or len(existants) > 1:
        raise ValidationError({"email": "Un compte existe déjà pour cette adresse : utilisez « Mot de passe "
                                        "oublié » si vous ne vous en souvenez plus."})
    user = existants[0] if existants else User(username=email, email=email, is_active=False, email_verifie=False)
    user.first_name, user.last_name = prenom.strip(), nom.strip()
    try:
        validate_password(mot_de_passe, user)
    except ValidationError as exc:
        raise ValidationError({"mot_de_passe": exc.messages}) from None
    user.set_password(mot_de_passe)
    user.full_clean(exclude=["password", "role"])
    user.save()
    audit.record(actor=user, action="comptes.inscription", obj=user, after=_snapshot(user),
                 comment="nouvelle inscription d'une adresse non vérifiée" if existants else "")
    jeton = signing.dumps({"u": user.pk, "e": email}, salt=SEL_VERIFICATION)
    _courriel(adresse=email, destinataire=user, sujet="Confirmez votre adresse électronique", gabarit="verification",
              contexte={"user": user, "lien": courriels.url_absolue(reverse("inscriptions:verification", args=[jeton])),
                        "jours": settings.ESMS_VERIFICATION_JOURS})
    return user


@transaction.atomic
def verifier_email(*, jeton: str) -> User:
    """Activate the account of a verification link (valid ESMS_VERIFICATION_JOURS days, once)."""
    try:
        donnees = signing.loads(jeton, salt=SEL_VERIFICATION, max_age=settings.ESMS_VERIFICATION_JOURS * 86400)
    except signing.SignatureExpired:
        raise ValidationError("Ce lien de vérification a expiré : inscrivez-vous de nouveau.") from None
    except signing.BadSignature:
        raise ValidationError("Ce lien de vérification est invalide.") from None
    user = User.objects.select_for_update().filter(pk=donnees["u"], email__iexact=donnees["e"]).first()
    if user is None or user.email_verifie:
        raise ValidationError("Ce lien de vérification a déjà servi ou ne correspond à aucun compte.")
    user.email_verifie, user.is_active = True, True
    user.save(update_fields=["email_verifie", "is_active"])
    audit.record(actor=user, action="comptes.email_verifie", obj=user)
    return user


# --- Claims -----------------------------------------------------------------------------------------

def _recevoir_justificatif(fichier: televersements.Source | None) -> televersements.Fichier:
    """The supporting document in a temporary file (shared upload module, kind « justificatifs »: bounded while
    streamed), before any transaction; the caller removes it."""
    if fichier is None:
        raise ValidationError({"justificatif": "Joignez un justificatif (PDF ou image)."})
    nom = televersements.nom_sur(getattr(fichier, "name", None), "justificatif")
    if Path(nom).suffix.lower() not in EXTENSIONS_JUSTIFICATIF:
        raise ValidationError({"justificatif": f"{nom} : format non accepté (PDF, PNG ou JPEG attendu)."})
    try:
        recu = televersements.recevoir(fichier, nom=nom, genre="justificatifs")
    except televersements.TeleversementRefuse as exc:
        raise ValidationError({"justificatif": exc.messages}) from None
    if recu.taille == 0:
        recu.effacer()
        raise ValidationError({"justificatif": f"{nom} : le fichier est vide."})
    return recu


def _region_organisme(og: OrganismeGestionnaire) -> Region | None:
    if og.departement is not None:
        return og.departement.region
    et = Etablissement.objects.filter(organisme=og).select_related("region").order_by("finess_et").first()
    return et.region if et else None


def demander_rattachement(*, actor: Acteur, type: str, fonction: str, justificatif: televersements.Source | None, organisme: str = "",
                          etablissements: Iterable[str] = ()) -> Rattachement:
    """Ask to represent an organisme or manage establishments; the agents of the region are notified. The
    supporting document is received (bounded, in a temporary file) before the short write transaction."""
    require(actor, "comptes.rattacher")
    type = Rattachement.Type(type)
    if not fonction.strip():
        raise ValidationError({"fonction": "Indiquez votre fonction dans l'organisme."})
    with _recevoir_justificatif(justificatif) as recu, open(recu.chemin, "rb") as flux:
        return _enregistrer_rattachement(actor=actor, type=type, fonction=fonction, justificatif=File(flux, name=recu.nom),
                                         organisme=organisme, etablissements=etablissements)


@transaction.atomic
def _enregistrer_rattachement(*, actor: Acteur, type: Rattachement.Type, fonction: str, justificatif: File[Any],
                              organisme: str, etablissements: Iterable[str]) -> Rattachement:
    demandeur = compte_de(actor)
    ets: list[Etablissement] = []
    if type == Rattachement.Type.ORGANISME:
        og = OrganismeGestionnaire.objects.select_related("departement__region").filter(pk=organisme.strip()).first()
        if og is None:
            raise ValidationError({"organisme": f"FINESS EJ « {organisme} » inconnu du référentiel."})
        region = _region_organisme(og)
    else:
        numeros = sorted({n.strip() for n in etablissements if n.strip()})
        if not numeros:
            raise ValidationError({"etablissements": "Indiquez au moins un numéro FINESS ET."})
        ets = list(Etablissement.objects.filter(pk__in=numeros).select_related("region"))
        inconnus = sorted(set(numeros) - {e.pk for e in ets})
        if inconnus:
            raise ValidationError({"etablissements": "FINESS ET inconnu(s) du référentiel : " + ", ".join(inconnus)})
        regions = {e.region_id for e in ets}
        if len(regions) > 1:
            raise ValidationError({"etablissements": "Ces établissements relèvent de plusieurs régions : déposez "
                                                     "une demande par région."})
        og, region = None, ets[0].region
    if region is None:
        raise ValidationError({"organisme": "La région de cet organisme est inconnue du référentiel."})
    if Rattachement.objects.filter(demandeur=demandeur, statut=Rattachement.Statut.EN_ATTENTE, organisme=og,
                                   type=type).exists() and og is not None:
        raise ValidationError({"organisme": "Une demande pour cet organisme est déjà en attente."})
    demande = Rattachement.objects.create(demandeur=demandeur, type=type, organisme=og, region=region,
                                          fonction=fonction.strip()[:200], justificatif=justificatif)
    demande.etablissements.set(ets)
    audit.record(actor=actor, action="comptes.rattachement_demande", obj=demande,
                 after={"type": type, "organisme": og.pk if og else None, "etablissements": [e.pk for e in ets],
                        "region": region.pk})
    agents = habilitations.agents_de_region(region.pk)
    notifier(agents, sujet=f"Demande de rattachement à valider : {demandeur.get_full_name() or demandeur.email}",
             texte=str(demande), lien=reverse("inscriptions:rattachement", args=[demande.pk]))
    return demande


@transaction.atomic
def decider_rattachement(*, actor: Acteur, rattachement: Rattachement, valider: bool, motif: str = "") -> Rattachement:
    """An agent of the claim's region (or a national administrator) grants the scope, or refuses with a reason."""
    require(actor, "comptes.administrer", rattachement)
    demande = Rattachement.objects.select_for_update().get(pk=rattachement.pk)
    if demande.statut != Rattachement.Statut.EN_ATTENTE:
        raise ValidationError(f"Cette demande est déjà « {demande.get_statut_display().lower()} ».")
    if not valider and not motif.strip():
        raise ValidationError({"motif": "Le motif du refus est obligatoire."})
    user = User.objects.select_for_update().get(pk=demande.demandeur_id)
    avant = _snapshot(user)
    if valider:
        if demande.type == Rattachement.Type.ORGANISME:
            habilitations.accorder(user, organismes=[str(demande.organisme_id)])
        else:
            habilitations.accorder(user, etablissements=list(demande.etablissements.values_list("pk", flat=True)))
    demande.statut = Rattachement.Statut.VALIDE if valider else Rattachement.Statut.REFUSE
    demande.decideur, demande.motif, demande.decide_le = utilisateur_de(actor), motif.strip(), timezone.now()
    demande.save(update_fields=["statut", "decideur", "motif", "decide_le"])
    audit.record(actor=actor, action="comptes.rattachement_valide" if valider else "comptes.rattachement_refuse",
                 obj=demande, before=avant, after=_snapshot(user), comment=motif)
    notifier([user], sujet="Votre demande de rattachement est " + ("validée" if valider else "refusée"),
             texte=motif or str(demande), lien=reverse("comptes:mon_compte"), categorie=Notification.Categorie.DECISION)
    if valider:
        _informer_representants(demande, user, decideur=str(actor))
    return demande


def _informer_representants(demande: Rattachement, nouveau: User, *, decideur: str) -> None:
    """The other representatives of the organisme (of the claimed establishments' organismes) learn, in the app
    and by e-mail according to their preference, who now acts for it: a claim they did not expect is caught."""
    if demande.organisme is not None:  # a claim of the organisme
        organismes = [demande.organisme]
        quoi = f"représente désormais {demande.organisme}"
    else:
        ets = list(demande.etablissements.select_related("organisme").order_by("finess_et"))
        organismes = list({e.organisme_id: e.organisme for e in ets}.values())
        quoi = "gère désormais " + ", ".join(f"{e.raison_sociale} ({e.pk})" for e in ets)
    for og in organismes:
        autres = [u for u in comptes_selectors.representants(organisme=og) if u.pk != nouveau.pk]
        notifier(autres, sujet=f"{nouveau.get_full_name() or nouveau.email} {quoi}"[:200],
                 texte=(f"Son rattachement ({demande.fonction}) a été validé par {decideur} pour {og}. Si vous ne "
                        "connaissez pas cette personne, signalez-le à l'ARS de votre région."),
                 lien=reverse("referentiel:organisme", args=[og.pk]))


# --- Invitations --------------------------------------------------------------------------------------

@transaction.atomic
def inviter(*, actor: Acteur, organisme: str, email: str) -> Invitation:
    """A porteur invites a colleague to one of the organismes it represents (its scope)."""
    require(actor, "comptes.inviter")
    og = OrganismeGestionnaire.objects.filter(pk=organisme.strip()).first()
    if og is None:
        raise ValidationError({"organisme": f"FINESS EJ « {organisme} » inconnu du référentiel."})
    require(actor, "comptes.inviter", og)
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError({"email": "Adresse électronique invalide."})
    invitation = Invitation.objects.create(organisme=og, email=email, invite_par=compte_de(actor),
                                           jeton=secrets.token_urlsafe(32),
                                           expire_le=timezone.now() + timedelta(days=settings.ESMS_INVITATION_JOURS))
    audit.record(actor=actor, action="comptes.inviter", obj=invitation, after={"email": email, "organisme": og.pk})
    lien = courriels.url_absolue(reverse("inscriptions:invitation", args=[invitation.jeton]))
    existant = User.objects.filter(email__iexact=email, is_active=True).first()
    _courriel(adresse=email, destinataire=existant, sujet=f"Invitation à rejoindre {og.raison_sociale or og.pk}",
              gabarit="invitation", contexte={"invitation": invitation, "organisme": og, "lien": lien,
                                              "jours": settings.ESMS_INVITATION_JOURS})
    if existant:  # also in the app, for an existing account (no e-mail: the invitation was just sent)
        Notification.objects.create(destinataire=existant, sujet=f"Invitation à rejoindre {og}",
                                    lien=reverse("inscriptions:invitation", args=[invitation.jeton]),
                                    categorie=Notification.Categorie.INVITATION)
    return invitation


def invitation_valide(jeton: str) -> Invitation:
    invitation = Invitation.objects.select_related("organisme").filter(jeton=jeton).first()
    if invitation is None or invitation.acceptee_le is not None:
        raise ValidationError("Cette invitation est invalide ou a déjà servi.")
    if invitation.expire_le < timezone.now():
        raise ValidationError("Cette invitation a expiré : demandez à votre collègue de vous inviter de nouveau.")
    return invitation


@transaction.atomic
def accepter_invitation(*, jeton: str, user: User | AnonymousUser | None = None, prenom: str = "", nom: str = "",
                        mot_de_passe: str = "") -> User:
    """The invited person joins the organisme as porteur: with its signed-in account (same address), or with an
    account created now (the link proves the address)."""
    invitation = invitation_valide(jeton)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if isinstance(user, User) and user.is_authenticated:
        if user.email.lower() != invitation.email:
            raise PermissionDenied(f"Cette invitation est adressée à {invitation.email}, pas à votre compte.")
    else:
        if User.objects.filter(Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email)).exists():
            raise ValidationError("Un compte existe déjà pour cette adresse : connectez-vous puis rouvrez le lien.")
        user = User(username=invitation.email, email=invitation.email, first_name=prenom.strip(),
                    last_name=nom.strip())
        try:
            validate_password(mot_de_passe, user)
        except ValidationError as exc:
            raise ValidationError({"mot_de_passe": exc.messages}) from None
        user.set_password(mot_de_passe)
        user.save()
        audit.record(actor=user, action="comptes.inscription", obj=user, after=_snapshot(user),
                     comment="par invitation")
    avant = _snapshot(user)
    habilitations.accorder(user, organismes=[invitation.organisme_id])
    invitation.acceptee_par, invitation.acceptee_le = user, timezone.now()
    invitation.save(update_fields=["acceptee_par", "acceptee_le"])
    audit.record(actor=user, action="comptes.invitation_acceptee", obj=invitation, before=avant,
                 after=_snapshot(user))
    notifier([invitation.invite_par], sujet=f"{user.get_full_name() or user.email} a rejoint {invitation.organisme}",
             categorie=Notification.Categorie.INVITATION)
    return user


# --- Administration -------------------------------------------------------------------------------

def _administrable(actor: Acteur, user: User) -> None:
    require(actor, "comptes.administrer", user)


@transaction.atomic
def modifier_habilitations(*, actor: Acteur, user: User, role: str, region: str | None = None,
                           organismes: Iterable[str] = (), etablissements: Iterable[str] = ()) -> User:
    """Grant or remove a role and its scope. An ARS agent only grants porteur/manager/vendor roles on
    organismes and establishments of its region."""
    _administrable(actor, user)
    organismes, etablissements = sorted(set(organismes)), sorted(set(etablissements))
    par_agent = habilitations.est_agent_ars(actor)
    habilitations.verifier_role(role, par_agent=par_agent, region=region)
    if par_agent:
        r = actor.region_id if isinstance(actor, User) else None
        hors = sorted(set(organismes) - set(OrganismeGestionnaire.objects.filter(
            Q(departement__region=r) | Q(etablissements__region=r), pk__in=organismes).values_list("pk", flat=True)))
        hors += sorted(set(etablissements) - set(Etablissement.objects.filter(region=r, pk__in=etablissements)
                                                 .values_list("pk", flat=True)))
        if hors:
            raise PermissionDenied("Hors de votre région : " + ", ".join(hors))
        region = None
    inconnus = sorted(set(organismes) - set(OrganismeGestionnaire.objects.filter(pk__in=organismes)
                                            .values_list("pk", flat=True)))
    inconnus += sorted(set(etablissements) - set(Etablissement.objects.filter(pk__in=etablissements)
                                                 .values_list("pk", flat=True)))
    if inconnus:
        raise ValidationError("FINESS inconnu(s) du référentiel : " + ", ".join(inconnus))
    user = User.objects.select_for_update().get(pk=user.pk)
    avant = _snapshot(user)
    habilitations.appliquer(user, role=role, region=region, organismes=organismes, etablissements=etablissements)
    audit.record(actor=actor, action="comptes.habilitations", obj=user, before=avant, after=_snapshot(user))
    return user


@transaction.atomic
def changer_activation(*, actor: Acteur, user: User | AnonymousUser, actif: bool, motif: str = "") -> User:
    """Deactivate (or reactivate) an account: oneself, or an administrator within its scope; audited.
    A deactivated account's sessions stop at once (Django refuses inactive users)."""
    cible = compte_de(user)
    if not (actor is not None and actor.pk == cible.pk and not actif):
        _administrable(actor, cible)
    user = User.objects.select_for_update().get(pk=cible.pk)
    avant = user.is_active
    user.is_active = actif
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="comptes.reactiver" if actif else "comptes.desactiver", obj=user,
                 before={"is_active": avant}, after={"is_active": actif}, comment=motif)
    return user


