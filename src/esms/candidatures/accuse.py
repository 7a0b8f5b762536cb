"""The receipt of a filing (accusé de dépôt): the filed content frozen as canonical JSON, its SHA-256 digest,
and the PDF (WeasyPrint) that prints both with the dossier number, so that the porteur and the ARS can prove
what was filed and when.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Dossier, Membre
from esms.comptes.permissions import Acteur, require


def contenu_depose(dossier: Dossier, *, numero: str, depose_le: datetime, verdict: dict) -> dict:
    """What is filed: the grappe, each member with its funding case and computed amount, the amount asked and
    each document with its own SHA-256 (the files themselves stay in the dossier)."""
    grappe = dossier.grappe
    montants = {m["finess_et"]: m["montant"] for m in verdict["financement"]["par_membre"]}
    membres = (Membre.objects.filter(grappe=grappe).select_related("etablissement")
               .order_by("etablissement_id"))
    return {
        "numero": numero,
        "depose_le": timezone.localtime(depose_le).isoformat(),
        "campagne": grappe.campagne.code,
        "appel": dossier.appel,
        "region_pilote": dossier.region_pilote_id,
        "porteur": {"finess_ej": grappe.porteur_id, "nom": grappe.porteur.nom},
        "grappe": grappe.nom,
        "solution_dui": grappe.solution_dui,
        "montant_demande": int(verdict["financement"]["total"]),
        "membres": [{"finess_et": m.etablissement_id, "raison_sociale": m.etablissement.raison_sociale,
                     "cas": m.cas, "montant": int(montants.get(m.etablissement_id, 0))} for m in membres],
        "documents": [{"type": d.type, "nom": d.nom_original, "sha256": d.sha256, "taille": d.taille}
                      for d in dossier.documents.order_by("type", "id")],
    }


def empreinte(contenu: dict) -> str:
    """SHA-256 of the content's canonical JSON (sorted keys, UTF-8, no spaces)."""
    canonique = json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonique.encode("utf-8")).hexdigest()


def pdf(*, actor: Acteur, dossier: Dossier) -> bytes:
    """The receipt's PDF, for whoever may see the dossier."""
    require(actor, "candidatures.consulter", dossier)
    if not dossier.contenu_depose:
        raise CandidatureRefusee("Le dossier n'a pas encore été déposé : il n'a pas d'accusé de dépôt.")
    from weasyprint import HTML  # imported here: it loads Pango, needed only for PDFs

    contenu = dossier.contenu_depose
    html = render_to_string("candidatures/accuse_depot.html", {
        "contenu": contenu, "dossier": dossier, "empreinte": dossier.empreinte_depot,
        "verifiee": empreinte(contenu) == dossier.empreinte_depot,
        "depose_le": datetime.fromisoformat(contenu["depose_le"]), "edite_le": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()
