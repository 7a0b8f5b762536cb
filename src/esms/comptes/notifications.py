"""Notify users in the app and by e-mail (Django's mail backend), once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from esms.comptes.models import Notification, User


def notifier(destinataires: Iterable[User], *, sujet: str, texte: str = "", lien: str = "") -> int:
    users = {u.pk: u for u in destinataires if u is not None and u.is_active}
    Notification.objects.bulk_create(
        [Notification(destinataire=u, sujet=sujet, texte=texte, lien=lien) for u in users.values()]
    )
    mails = [(f"[ESMS numérique] {sujet}", f"{texte}\n\n{lien}".strip(), settings.DEFAULT_FROM_EMAIL, [u.email])
             for u in users.values() if u.email]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False))
    return len(users)
