"""The procès-verbal of a closed séance: its table (CSV, XLSX, ODS through `esms.exports`) and its PDF (WeasyPrint)."""

from __future__ import annotations

from collections.abc import Iterator

from django.template.loader import render_to_string
from django.utils import timezone

from esms.comptes.permissions import Acteur, require
from esms.seances import selectors
from esms.seances.erreurs import SeanceRefusee
from esms.seances.models import Seance

ENTETES = ["Ordre", "Numéro du dossier", "Grappe", "Porteur", "Financement calculé (€)", "Décision", "Motif",
           "Montant engagé (€)", "Engagé cumulé (€)", "Reste de l'enveloppe (€)"]


def _bilan(actor: Acteur, seance: Seance) -> selectors.Bilan:
    require(actor, "seances.consulter", seance)
    if seance.ouverte:
        raise SeanceRefusee(f"La séance « {seance} » n'est pas clôturée : son procès-verbal n'existe pas encore.")
    return selectors.bilan(seance)


def lignes(*, actor: Acteur, seance: Seance) -> Iterator[list]:
    bilan = _bilan(actor, seance)
    for i, ligne in enumerate(bilan.lignes, start=1):
        d = ligne.decision
        yield [i, d.dossier.numero or str(d.dossier.pk), d.dossier.grappe.nom, str(d.dossier.grappe.porteur),
               ligne.montant, d.get_decision_display(), d.motif, ligne.engage, ligne.cumul,
               "" if ligne.reste is None else ligne.reste]


def pdf(*, actor: Acteur, seance: Seance) -> bytes:
    bilan = _bilan(actor, seance)
    from weasyprint import HTML  # imported here: it loads Pango, needed only for PDFs

    html = render_to_string("seances/proces_verbal.html", {"bilan": bilan, "seance": seance,
                                                           "edite_le": timezone.localdate()})
    return HTML(string=html).write_pdf()
