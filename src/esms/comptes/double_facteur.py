"""Two-factor authentication (TOTP, django-otp) required of national administrators.

A national administrator's session is "verified" once a code from its authenticator application (or a
single-use backup code) has been accepted; until then `DoubleFacteurMiddleware` sends every page to the code
page, or to the enrolment page when no authenticator is set up yet. django-otp throttles wrong codes per
device and refuses a TOTP code already used.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from esms.comptes import audit
from esms.comptes.models import Role
from esms.comptes.permissions import role_of

NOM_APPAREIL = "Application d'authentification"


def exige_double_facteur(user) -> bool:
    return role_of(user) == Role.ADMIN_NATIONAL


def cle_base32(device: TOTPDevice) -> str:
    """The secret as authenticator applications expect it to be typed."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def appareil_en_attente(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (created on first visit, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=NOM_APPAREIL, confirmed=False)


def verifier(request: HttpRequest, code: str) -> bool:
    """Accept a code of one of the user's confirmed devices and mark the session verified; audited."""
    code = "".join(code.split())
    device = match_token(request.user, code) if code else None
    if device is None:
        audit.record(actor=request.user, action="comptes.double_facteur_echoue", obj=request.user)  # type: ignore[arg-type]
        return False
    otp_login(request, device)
    audit.record(actor=request.user, action="comptes.double_facteur", obj=request.user,  # type: ignore[arg-type]
                 after={"appareil": device.persistent_id})
    return True


@transaction.atomic
def confirmer_enrolement(request: HttpRequest, code: str) -> bool:
    device = appareil_en_attente(request.user)
    code = "".join(code.split())
    if not code or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit.record(actor=request.user, action="comptes.double_facteur_active", obj=request.user,  # type: ignore[arg-type]
                 after={"appareil": device.persistent_id})
    return True


def codes_de_secours(user, codes: list[str]) -> StaticDevice:
    """Single-use backup codes (each accepted once), e.g. printed by `esms demo`."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours", defaults={"confirmed": True})
    device.token_set.all().delete()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return device


class DoubleFacteurMiddleware:
    """After django_otp's OTPMiddleware: an unverified national administrator only reaches the 2FA pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and exige_double_facteur(user) and not user.is_verified():
            libres = (reverse("comptes:otp"), reverse("comptes:otp_enrolement"), reverse("comptes:logout"))
            # The API authenticates by bearer token, not by this session.
            if request.path not in libres and not request.path.startswith(
                    ("/" + settings.STATIC_URL.lstrip("/"), "/api/")):
                cible = "comptes:otp" if user_has_device(user) else "comptes:otp_enrolement"
                return redirect(f"{reverse(cible)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
