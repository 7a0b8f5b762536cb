"""The DSFR forms share one renderer (one template engine per process) and render exactly as with a renderer of
their own (django-dsfr's default, instantiated for every form)."""

from __future__ import annotations

from dsfr.forms import DsfrDjangoTemplates

from esms.candidatures.forms import ConfirmationDepotForm, RemplacementDocumentForm
from esms.formulaires import rendu_dsfr


def test_un_seul_moteur_pour_tous_les_formulaires_dsfr():
    premier, second = ConfirmationDepotForm(), RemplacementDocumentForm()
    assert premier.renderer is second.renderer is rendu_dsfr()
    str(premier)
    assert rendu_dsfr().engine is second.renderer.engine  # built once, kept


def test_meme_rendu_qu_avec_un_moteur_neuf():
    for form in (ConfirmationDepotForm, RemplacementDocumentForm):
        assert str(form()) == str(form(renderer=DsfrDjangoTemplates()))
        assert str(form(data={})) == str(form(data={}, renderer=DsfrDjangoTemplates()))
