"""The Etalab EJ layout `etalab-cs1100501-stock-*.csv` (entités juridiques), parsed and validated like the ET one.

ASSUMED layout — no EJ extract is available here. Line 1 is the same metadata line as the ET file; then one
`structureej` line per legal entity with the 23 fields of `CHAMPS_EJ`. This order is the one used by two
independent public readers of the Etalab EJ file (a pandas reader of the May 2026 extract that checks the
column count, and the data.gouv.fr tabular API of the same file); it differs from the ET order
(`compldistrib` after `compvoie`, `ligneacheminement` before `departement`, no `telecopie`). A 24th field is
accepted and ignored when it is empty (a trailing `;` as in the ET file) or a date (`datemaj`). Any other
count is an anomaly: adapt `CHAMPS_EJ` if a real file says otherwise.

Stored: raison sociale (short and long), address on one line, ligne d'acheminement, département, INSEE
commune code, telephone, legal status (must exist in the nomenclature), SIREN, APE code, creation date.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from esms.referentiel.erreurs import Anomalie
from esms.referentiel.importer.format_commun import (
    Contexte,
    VerificateurNumeros,
    champ_trop_long,
    lire_date,
    longueur_maximale,
    nombre_de_champs,
)
from esms.referentiel.importer.lecture import TexteDecode
from esms.referentiel.models import OrganismeGestionnaire
from esms.referentiel.normalisation import cle_recherche, valeur_affichee

CHAMPS_EJ = (
    "structureej", "nofinessej", "rs", "rslongue", "complrs", "numvoie", "typvoie", "voie", "compvoie",
    "compldistrib", "lieuditbp", "commune", "ligneacheminement", "departement", "libdepartement", "telephone",
    "statutjuridique", "libstatutjuridique", "categetab", "libcategetab", "siren", "codeape", "datecrea",
)
CHAMP_FACULTATIF = "datemaj"
COLONNES = (
    "finess_ej", "raison_sociale", "raison_sociale_longue", "adresse", "ligne_acheminement", "departement_id",
    "code_commune", "telephone", "statut_juridique_id", "siren", "code_ape", "date_creation", "nom_recherche",
    "empreinte",
)
VERSION_EMPREINTE = "ej1"
# (file field, model column) whose length is checked; the address joins numvoie…voie and lieuditbp.
_LONGUEURS = (("rs", "raison_sociale"), ("rslongue", "raison_sociale_longue"), ("voie", "adresse"),
              ("ligneacheminement", "ligne_acheminement"), ("telephone", "telephone"), ("codeape", "code_ape"))
_I = {nom: rang for rang, nom in enumerate(CHAMPS_EJ)}


@dataclass
class ExtraitEj:
    date_extraction: date | None = None
    compteur: str = ""
    nb_lignes: int = 0
    lignes: list[tuple] = field(default_factory=list)
    numeros_lignes: list[int] = field(default_factory=list)
    anomalies: list[Anomalie] = field(default_factory=list)
    numeros_rejetes: set[str] = field(default_factory=set)


def _maximum(nom: str) -> int:
    return longueur_maximale(OrganismeGestionnaire, nom)


def analyser(texte: TexteDecode, contexte: Contexte, debut: int = 2) -> ExtraitEj:
    extrait = ExtraitEj(nb_lignes=len(texte.lignes))
    anomalies = extrait.anomalies
    numeros = VerificateurNumeros()
    ligne_de: dict[str, int] = {}
    maximums = [(nom, COLONNES.index(colonne), _maximum(colonne)) for nom, colonne in _LONGUEURS]
    for numero, ligne in enumerate(texte.lignes[debut - 1:], start=debut):
        if not ligne:
            continue
        champs = ligne.split(";")
        if champs[0] != "structureej":
            anomalies.append(Anomalie(numero, "type de ligne", champs[0][:40],
                                      f"type de ligne inconnu « {champs[0][:40]} » (attendu structureej)"))
            continue
        nb = len(champs)
        if nb == len(CHAMPS_EJ) + 1 and (not champs[-1] or isinstance(lire_date(champs[-1]), date)):
            champs.pop()
        elif nb != len(CHAMPS_EJ):
            nom, message = nombre_de_champs(nb, len(CHAMPS_EJ), CHAMPS_EJ)
            anomalies.append(Anomalie(numero, nom, ligne[-40:], message))
            extrait.numeros_rejetes.add(champs[1] if nb > 1 else "")
            continue
        avant = len(anomalies)
        if numero in texte.suspects:
            position, message = texte.suspects[numero]
            rang = min(ligne.count(";", 0, position), len(CHAMPS_EJ) - 1)
            anomalies.append(Anomalie(numero, CHAMPS_EJ[rang], champs[rang], message))
        v = [valeur_affichee(c) if '"' in c else c for c in champs]
        nofiness = v[_I["nofinessej"]]
        if erreur := numeros.erreur(nofiness):
            anomalies.append(Anomalie(numero, "nofinessej", nofiness, erreur))
        elif nofiness in ligne_de:
            anomalies.append(Anomalie(numero, "nofinessej", nofiness,
                                      f"entité juridique en double (déjà ligne {ligne_de[nofiness]})"))
        if not v[_I["rs"]]:
            anomalies.append(Anomalie(numero, "rs", "", "raison sociale vide"))
        adresse = " ".join(p for p in (v[_I["numvoie"]], v[_I["typvoie"]], v[_I["compvoie"]], v[_I["voie"]]) if p)
        if v[_I["lieuditbp"]]:
            adresse = f"{adresse}, {v[_I['lieuditbp']]}" if adresse else v[_I["lieuditbp"]]
        code_dep = v[_I["departement"]]
        code_insee = ""
        if code_dep:
            dep = contexte.departements.get(code_dep)
            if dep is None:
                anomalies.append(Anomalie(numero, "departement", code_dep, f"département inconnu « {code_dep} »"))
            else:
                code_insee = dep[0]
        commune = v[_I["commune"]]
        if commune and (len(commune) != 3 or not commune.isdigit()):
            anomalies.append(Anomalie(numero, "commune", commune,
                                      f"code commune invalide « {commune} » (attendu 3 chiffres)"))
        commune = code_insee[:2] + commune if commune and code_insee else ""
        statut = v[_I["statutjuridique"]]
        if statut and statut not in contexte.statuts:
            anomalies.append(Anomalie(numero, "statutjuridique", statut,
                                      f"statut juridique inconnu de la nomenclature FINESS « {statut} »"))
        siren = v[_I["siren"]]
        if siren and not (len(siren) == 9 and siren.isdigit()):
            anomalies.append(Anomalie(numero, "siren", siren, f"SIREN invalide « {siren} » (attendu 9 chiffres)"))
        creation = lire_date(v[_I["datecrea"]])
        if isinstance(creation, str):
            anomalies.append(Anomalie(numero, "datecrea", v[_I["datecrea"]], creation))
        valeurs: list[str | None] = [
            nofiness, v[_I["rs"]], v[_I["rslongue"]], adresse, v[_I["ligneacheminement"]], code_insee or None,
            commune, v[_I["telephone"]], statut or None, siren, v[_I["codeape"]], v[_I["datecrea"]] or None]
        for nom, rang, maximum in maximums:
            valeur = valeurs[rang]
            if valeur is not None and len(valeur) > maximum:
                anomalies.append(Anomalie(numero, nom, valeur, champ_trop_long(valeur, maximum)))
        if len(anomalies) > avant:
            extrait.numeros_rejetes.add(nofiness)
            continue
        ligne_de[nofiness] = numero
        empreinte = hashlib.blake2b("\x1f".join([VERSION_EMPREINTE, *(x or "" for x in valeurs)]).encode(),
                                    digest_size=16).hexdigest()
        raison_sociale, longue = v[_I["rs"]], v[_I["rslongue"]]
        nom_long = longue if longue != raison_sociale else ""
        extrait.lignes.append((*valeurs, cle_recherche(raison_sociale, nom_long), empreinte))
        extrait.numeros_lignes.append(numero)
    extrait.anomalies.sort(key=lambda a: a.ligne)
    return extrait
