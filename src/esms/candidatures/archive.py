"""The whole dossier as one zip (« Télécharger le dossier »): a PDF summary, every document, the messages with
the porteur and their attachments, the instructors' private notes and avis (instructors only) and a manifest
giving each entry's size and SHA-256.

The zip is written into a temporary file, files are copied in by chunks: memory stays bounded whatever the size
of the documents. The porteur's zip never holds anything internal (annotations, avis, labels).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils import timezone

from esms.candidatures import selectors
from esms.candidatures.models import Document, Dossier, Message
from esms.comptes import audit
from esms.comptes.permissions import Acteur, has_perm
from esms.financement.selectors import convention_et_versements

BLOC = 1024 * 1024  # copy chunk
ENTETES_MANIFESTE = ["fichier", "octets", "sha256"]


@dataclass
class Archive:
    """The built zip: its open temporary file (at offset 0, deleted once closed) and how many entries it holds."""

    dossier: Dossier
    fichier: IO[bytes]
    nombre: int

    @property
    def nom(self) -> str:
        return f"dossier-{self.dossier.numero or self.dossier.pk}.zip"


def nom_sur(nom: str) -> str:
    """A file name safe in a zip on every system: no folder, no control or reserved character, ASCII only."""
    nom = unicodedata.normalize("NFKD", nom.replace("\\", "/").rsplit("/", 1)[-1])
    nom = nom.encode("ascii", "ignore").decode("ascii")
    nom = re.sub(r"[^A-Za-z0-9._ -]+", "_", nom).strip(" .")
    return nom[:150] or "fichier"


class _Ecrivain:
    """Adds entries to the zip, keeps names unique and notes each entry's size and SHA-256 for the manifest."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.manifeste: list[tuple[str, int, str]] = []
        self._noms: set[str] = set()

    def unique(self, dossier: str, nom: str) -> str:
        base, point, extension = nom_sur(nom).rpartition(".")
        if not point:
            base, extension = extension, ""
        candidat, n = f"{dossier}{base}{point}{extension}", 1
        while candidat.lower() in self._noms:
            n += 1
            candidat = f"{dossier}{base}-{n}{point}{extension}"
        self._noms.add(candidat.lower())
        return candidat

    def texte(self, nom: str, contenu: str | bytes) -> None:
        donnees = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
        self._noms.add(nom.lower())
        self.zf.writestr(nom, donnees)
        self.manifeste.append((nom, len(donnees), hashlib.sha256(donnees).hexdigest()))

    def document(self, dossier: str, piece: Document) -> str:
        nom = self.unique(dossier, piece.nom_original)
        empreinte, taille = hashlib.sha256(), 0
        with piece.fichier.open("rb") as source, self.zf.open(nom, "w", force_zip64=True) as cible:
            while bloc := source.read(BLOC):
                empreinte.update(bloc)
                taille += len(bloc)
                cible.write(bloc)
        self.manifeste.append((nom, taille, empreinte.hexdigest()))
        return nom


def _date(valeur: Any) -> str:
    return timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M") if valeur else "—"


def resume_html(dossier: Dossier, *, documents: list[Document]) -> str:
    """The summary's HTML, the same for everyone who may see the dossier: nothing internal in it."""
    verdict = dossier.verdict if dossier.verdict is not None else selectors.verdict_courant(dossier)[0]
    financement = (verdict or {}).get("financement") or {}
    montants = {m["finess_et"]: m.get("montant") for m in financement.get("par_membre", [])}
    convention, versements = convention_et_versements(dossier)
    return render_to_string("candidatures/archive_dossier.html", {
        "dossier": dossier, "grappe": dossier.grappe, "verdict": verdict,
        "motifs": (verdict or {}).get("motifs", []),
        "membres": [{"membre": m, "montant": montants.get(m.etablissement_id)}
                    for m in selectors.membres_detailles(dossier)],
        "historique": list(selectors.historique_detaille(dossier).order_by("cree_le", "pk")),
        "documents": documents, "convention": convention, "versements": versements,
        "edite_le": timezone.localtime(),
    })


def _pdf(dossier: Dossier, *, documents: list[Document]) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, needed only for PDFs

    return bytes(HTML(string=resume_html(dossier, documents=documents)).write_pdf())


def _messages(dossier: Dossier, messages: list[Message], ecrivain: _Ecrivain) -> str:
    lignes = [f"Messages échangés avec le porteur — dossier {dossier}", ""]
    for message in messages:
        lignes += [f"--- {message.auteur} — {_date(message.cree_le)}", message.texte]
        if message.piece_jointe is not None:
            lignes.append(f"[pièce jointe : {ecrivain.document('messages/', message.piece_jointe)}]")
        lignes.append("")
    if len(lignes) == 2:
        lignes.append("Aucun message.")
    return "\n".join(lignes) + "\n"


def _instruction(dossier: Dossier) -> str:
    """Labels, private annotations and avis: only ever called for an actor who may instruct."""
    lignes = [f"Instruction (interne, non communiqué au porteur) — dossier {dossier}", "",
              "ÉTIQUETTES : " + (", ".join(e.nom for e in dossier.etiquettes.all()) or "aucune"), "",
              "ANNOTATIONS PRIVÉES", ""]
    for note in dossier.annotations.select_related("auteur").order_by("creee_le", "pk"):
        lignes += [f"--- {note.auteur} — {_date(note.creee_le)}", note.texte, ""]
    lignes += ["AVIS", ""]
    for avis in dossier.avis.select_related("demandeur", "expert").order_by("demande_le", "pk"):
        sens = {True: "favorable", False: "défavorable", None: "sans position"}[avis.favorable]
        lignes += [f"--- demandé le {_date(avis.demande_le)} par {avis.demandeur} à {avis.expert}",
                   f"Question : {avis.question}",
                   f"Réponse ({sens}, {_date(avis.rendu_le)}) : {avis.reponse}" if avis.rendu_le else "En attente.",
                   ""]
    return "\n".join(lignes) + "\n"


def _manifeste(entrees: list[tuple[str, int, str]]) -> str:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, lineterminator="\n")
    ecrivain.writerow(ENTETES_MANIFESTE)
    ecrivain.writerows(entrees)
    return tampon.getvalue()


def archive(*, actor: Acteur, pk: int) -> Archive:
    """The zip of dossier `pk` for `actor`, who must see it (404 otherwise); the download is journalled.

    The caller closes `Archive.fichier` (FileResponse does), which deletes the temporary file."""
    dossier = selectors.dossier(actor=actor, pk=pk)
    instructeur = has_perm(actor, "candidatures.instruire")
    fichier = tempfile.NamedTemporaryFile(prefix="dossier-", suffix=".zip")  # noqa: SIM115 — closed by the caller
    try:
        with zipfile.ZipFile(fichier, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            ecrivain = _Ecrivain(zf)
            documents = list(selectors.documents(dossier).order_by("type", "pk"))
            ecrivain.texte("dossier.pdf", _pdf(dossier, documents=documents))
            messages = list(selectors.echanges(dossier).order_by("cree_le", "pk"))
            attaches = {m.piece_jointe_id for m in messages if m.piece_jointe_id is not None}
            for piece in documents:
                if piece.pk not in attaches:  # a message's attachment goes with its message, under messages/
                    ecrivain.document("pieces/", piece)
            ecrivain.texte("messages.txt", _messages(dossier, messages, ecrivain))
            if instructeur:
                ecrivain.texte("instruction.txt", _instruction(dossier))
            nombre = len(ecrivain.manifeste) + 1
            zf.writestr("manifeste.csv", _manifeste(ecrivain.manifeste))
        fichier.seek(0)
    except BaseException:
        fichier.close()
        raise
    audit.record(actor=actor, action="dossiers.telecharger", obj=dossier, after={"fichiers": nombre})
    return Archive(dossier=dossier, fichier=fichier, nombre=nombre)
