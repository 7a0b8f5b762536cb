"""The base class of the platform's DSFR forms: django-dsfr's `DsfrBaseForm` with one renderer per process.

`DsfrBaseForm.default_renderer` hands Django the renderer *class*, which `Form.__init__` instantiates for every
form; each instance builds its own template engine on first use, so every form rendered discovered the template
tag libraries again and read and parsed its field templates again from disk (measured in docs/charge.md). Same
templates, same order of template directories: only the engine is shared.
"""

from __future__ import annotations

from functools import cache

from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates


@cache
def rendu_dsfr() -> DsfrDjangoTemplates:
    """The shared renderer (its engine is built on first use). The project keeps Django's default FORM_RENDERER,
    under which django-dsfr picks this renderer class too."""
    return DsfrDjangoTemplates()


class FormulaireDsfr(DsfrBaseForm):
    default_renderer = rendu_dsfr()
