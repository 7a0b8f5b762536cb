"""Passwords: reset by e-mail (time-limited, single-use link), change, strength rules; all audited."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse

from esms.comptes.models import AuditEvent, Role

MDP = "bon-mot-de-passe-1"
NOUVEAU = "Une-phrase-de-passe-solide-42"


def _lien(message) -> str:
    return re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/nouveau/\S+/)", message.body).group(1)


def _demander(client, email):
    return client.post(reverse("comptes:mdp_oublie"), {"email": email})


def test_reset_link_sets_a_new_password_once(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="agent", password=MDP, region="84", email="agent@ars.example")
    response = _demander(client, "agent@ars.example")
    assert response.status_code == 302 and response["Location"] == reverse("comptes:mdp_envoye")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent@ars.example"] and "Réinitialisation" in message.subject
    assert "une heure" in message.body
    html = message.alternatives[0][0]
    lien = _lien(message)
    assert lien in html
    page = client.get(lien, follow=True)
    assert "Choisir un nouveau mot de passe" in page.content.decode()
    formulaire = page.redirect_chain[-1][0]
    response = client.post(formulaire, {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assert response.status_code == 302
    assert client.post(reverse("comptes:login"), {"username": "agent", "password": NOUVEAU}).status_code == 302
    client.post(reverse("comptes:logout"))
    # Second use of the same link: refused.
    again = client.get(lien, follow=True)
    assert "Lien invalide ou expiré" in again.content.decode()
    assert AuditEvent.objects.filter(action="comptes.mot_de_passe_reinitialise").count() == 1


def test_reset_link_expires(client, ref, make_user, settings):
    make_user(Role.AGENT_ARS, username="agent", password=MDP, region="84", email="agent@ars.example")
    _demander(client, "agent@ars.example")
    lien = _lien(mail.outbox[0])
    from django.contrib.auth.tokens import default_token_generator

    futur = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    default_token_generator._now = lambda: futur
    try:
        assert "Lien invalide ou expiré" in client.get(lien, follow=True).content.decode()
    finally:
        del default_token_generator._now


def test_unknown_address_gets_the_same_answer_and_no_mail(client, ref):
    response = _demander(client, "personne@nulle-part.example")
    assert response.status_code == 302 and response["Location"] == reverse("comptes:mdp_envoye")
    assert mail.outbox == []


def test_weak_password_is_refused_in_french(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="agent", password=MDP, region="84", email="agent@ars.example")
    _demander(client, "agent@ars.example")
    formulaire = client.get(_lien(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    html = client.post(formulaire, {"new_password1": "12345678", "new_password2": "12345678"}).content.decode()
    assert "trop court" in html and "entièrement numérique" in html


def test_change_password_needs_the_current_one(client, ref, make_user):
    user = make_user(Role.RESPONSABLE_OG, username="porteur", password=MDP, organismes=[ref.og_ara.pk])
    client.force_login(user)
    url = reverse("comptes:mdp_changer")
    mauvais = client.post(url, {"old_password": "faux", "new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assert mauvais.status_code == 200 and "ancien mot de passe est incorrect" in mauvais.content.decode()
    assert client.post(url, {"old_password": MDP, "new_password1": NOUVEAU, "new_password2": NOUVEAU}).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NOUVEAU)
    assert client.get(reverse("comptes:mon_compte")).status_code == 200  # session kept after the change
    assert AuditEvent.objects.filter(action="comptes.mot_de_passe_change", actor=user).exists()
