"""Ordering a payment shows its amount and needs it confirmed (issue 16: one click ordered a payment)."""

from __future__ import annotations

from django.urls import reverse

from esms.financement.models import Versement


def test_l_ordre_exige_le_montant_confirme(client, suivi, agent):
    versement = Versement.objects.filter(dossier=suivi.dossier, statut=Versement.Statut.PROGRAMME).first()
    assert versement is not None
    client.force_login(agent)
    page = client.get(reverse("usages:versements")).content.decode().replace("\xa0", " ")
    assert f"Confirmer l'ordre de paiement de {versement.montant:,} €".replace(",", " ") in page
    url = reverse("usages:ordonner", args=[versement.pk])
    client.post(url)  # no confirmed amount: nothing ordered
    client.post(url, {"montant_confirme": str(versement.montant + 1)})  # a stale amount neither
    versement.refresh_from_db()
    assert versement.statut == Versement.Statut.PROGRAMME
    client.post(url, {"montant_confirme": str(versement.montant)})
    versement.refresh_from_db()
    assert versement.statut == Versement.Statut.ORDONNE
