"""Creating a grappe offers only campaigns with a call still open (issue 16: closed campaigns were offered)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from esms.candidatures import regles
from esms.comptes.models import Role
from esms.rules import load_campagne
from esms.rules.decisions.delais import depot_possible
from tests import factories


def test_la_regle_dit_si_un_appel_est_encore_ouvert():
    campagne = load_campagne("2024")
    assert depot_possible(campagne, date(2024, 5, 2))
    assert not depot_possible(campagne, date(2026, 11, 26))


def test_une_campagne_close_n_est_pas_proposee(client, ref, make_user):
    factories.version_2024()  # the shipped 2024 parameters: calls closed since 2024
    ouverte = factories.campagne("2025")
    factories.version_parametres(ouverte, parametres=factories.parametres_campagne_ouverte("2024"))
    assert regles.campagnes_ouvertes() == ["2025"]
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    client.force_login(porteur)
    form = client.get(reverse("candidatures:creer")).context["form"]
    assert [c.code for c in form.fields["campagne"].queryset] == ["2025"]
    reponse = client.post(reverse("candidatures:creer"), {"campagne": "2024", "porteur": ref.og_ara.pk,
                                                          "nom": "Grappe tardive"})
    assert reponse.status_code == 200 and "campagne" in reponse.context["form"].errors
