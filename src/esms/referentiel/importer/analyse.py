"""One FINESS file from disk to a validated extract, without touching the database: read, decode, check the
metadata line, recognise the layout (ET `structureet`/`geolocalisation` or EJ `structureej`), parse.

File-level problems (not an extraction file, wrong encoding for the whole file, unknown layout) raise
`ErreurImport` at once, even with --skip-invalid; line-level anomalies are left to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from esms.referentiel.erreurs import Anomalie, ErreurImport
from esms.referentiel.importer import format_ej, format_et
from esms.referentiel.importer.format_commun import Contexte, analyser_entete, type_de_fichier
from esms.referentiel.importer.lecture import decoder, lire_octets, sha256_fichier

LIBELLES_TYPE = {"et": "établissements (structureet)", "ej": "entités juridiques (structureej)"}
_CHAMPS = {"structureet": format_et.CHAMPS_ET, "geolocalisation": format_et.CHAMPS_GEO,
           "structureej": format_ej.CHAMPS_EJ}


@dataclass
class FichierAnalyse:
    chemin: Path
    sha256: str
    type_fichier: str  # "et" or "ej"
    date_extraction: date
    compteur: str
    extrait: format_et.ExtraitEt | format_ej.ExtraitEj

    @property
    def anomalies(self) -> list[Anomalie]:
        return self.extrait.anomalies


def _champ_a(ligne: str, position: int) -> str:
    noms = _CHAMPS.get(ligne.split(";", 1)[0])
    if noms is None:
        return "type de ligne"
    return noms[min(ligne.count(";", 0, position), len(noms) - 1)]


def analyser_fichier(chemin: Path, contexte: Contexte, *, encodage: str = "latin-1",
                     type_attendu: str | None = None) -> FichierAnalyse:
    sha256 = sha256_fichier(chemin) if chemin.is_file() else ""
    texte = decoder(lire_octets(chemin), encodage)
    if texte.fatal is not None:
        ligne, position, message = texte.fatal
        contenu = texte.lignes[ligne - 1] if ligne <= len(texte.lignes) else ""
        raise ErreurImport(Anomalie(ligne, _champ_a(contenu, position), "", message))
    if not texte.lignes:
        raise ErreurImport(Anomalie(1, "entête", "", "fichier vide"))
    entete = analyser_entete(texte.lignes[0])
    if isinstance(entete, Anomalie):
        raise ErreurImport(entete)
    type_fichier = type_de_fichier(texte.lignes)
    if type_fichier is None:
        premiere = next((i for i, ligne in enumerate(texte.lignes[1:], start=2) if ligne), 1)
        valeur = texte.lignes[premiere - 1].split(";", 1)[0][:40] if premiere > 1 else ""
        message = ("aucune ligne de données après l'entête" if premiere == 1 else
                   f"type de ligne inconnu « {valeur} » (attendu structureet, geolocalisation ou structureej)")
        raise ErreurImport(Anomalie(premiere, "type de ligne", valeur, message))
    if type_attendu and type_fichier != type_attendu:
        raise ErreurImport(Anomalie(2, "type de ligne", "", (
            f"fichier d'{LIBELLES_TYPE[type_fichier]} fourni là où un fichier d'{LIBELLES_TYPE[type_attendu]} "
            "est attendu")))
    module = format_et if type_fichier == "et" else format_ej
    extrait = module.analyser(texte, contexte)
    del texte
    return FichierAnalyse(chemin=chemin, sha256=sha256, type_fichier=type_fichier,
                          date_extraction=entete.date_extraction, compteur=entete.compteur, extrait=extrait)
