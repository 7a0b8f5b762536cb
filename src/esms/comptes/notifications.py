"""Notify users in the app and by e-mail (through the task queue, according to each user's preference)."""

from __future__ import annotations

from collections.abc import Iterable

from esms.comptes import courriels
from esms.comptes.models import FrequenceCourriels, Notification, User


def notifier(destinataires: Iterable[User], *, sujet: str, texte: str = "", lien: str = "",
             categorie: str = Notification.Categorie.AUTRE) -> int:
    users = {u.pk: u for u in destinataires if u is not None and u.is_active}
    notifications = Notification.objects.bulk_create(
        [Notification(destinataire=u, sujet=sujet, texte=texte, lien=lien, categorie=categorie)
         for u in users.values()]
    )
    for notification in notifications:
        user = users[notification.destinataire_id]
        if user.email and user.frequence_courriels == FrequenceCourriels.IMMEDIAT:
            courriels.programmer(courriels.preparer_immediat(user, notification))
    return len(users)
