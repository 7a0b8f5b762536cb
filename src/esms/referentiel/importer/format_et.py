"""The Etalab ET layout `etalab-cs1100507-stock-*.csv`: parse and validate every line, before any write.

Layout (no header; `;`-separated; see shared/data/README.md §6):
- line 1 `finess;etalab;<n>;<date>` (`<n>` may be empty);
- one `structureet` line per establishment, 32 fields (`CHAMPS_ET`), the last one (`numuai`) usually empty so
  lines end with `;`;
- one `geolocalisation` line per establishment, 6 fields (`CHAMPS_GEO`), usually after all `structureet` lines
  (any order is accepted). An establishment without its `geolocalisation` line means a truncated file.

Each line is checked completely; every problem becomes an `Anomalie` (file line, field name, value, French
message). A line with an anomaly is rejected together with its establishment (a bad `geolocalisation` line
rejects its `structureet` line too), so the caller can either stop on the first anomaly or import only the
valid establishments (--skip-invalid). Rejected establishments are never closed by the import.

Output rows are tuples in `COLONNES` order, ready for set-based writing: display values (quoting undone, see
`esms.referentiel.normalisation`), INSEE commune code, FK codes, ISO dates, raw and WGS84 coordinates, search
key and `empreinte` (a 128-bit BLAKE2 hash of the imported values, to skip unchanged rows).

Not stored because derived from the nomenclatures: `libdepartement`, `libcategetab`, `categagretab`,
`libcategagretab` (the category's aggregates come from the nomenclature file, the reference).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date
from operator import gt

from esms.referentiel.erreurs import Anomalie
from esms.referentiel.importer import projection
from esms.referentiel.importer.format_commun import (
    Contexte,
    VerificateurNumeros,
    champ_trop_long,
    incoherence_departement,
    lire_date,
    longueur_maximale,
    nombre_de_champs,
)
from esms.referentiel.importer.lecture import TexteDecode
from esms.referentiel.models import Etablissement
from esms.referentiel.normalisation import cle_recherche, valeur_affichee

CHAMPS_ET = (
    "structureet", "nofinesset", "nofinessej", "rs", "rslongue", "complrs", "compldistrib", "numvoie", "typvoie",
    "voie", "compvoie", "lieuditbp", "commune", "departement", "libdepartement", "ligneacheminement", "telephone",
    "telecopie", "categetab", "libcategetab", "categagretab", "libcategagretab", "siret", "codeape", "codemft",
    "libmft", "codesph", "libsph", "dateouv", "dateautor", "datemaj", "numuai",
)
CHAMPS_GEO = ("geolocalisation", "nofinesset", "coordxet", "coordyet", "sourcecoordet", "datemaj")

# (field index, model attribute) of the text fields stored as display values.
TEXTES = (
    (3, "raison_sociale"), (4, "raison_sociale_longue"), (5, "complement_raison_sociale"),
    (6, "complement_distribution"), (7, "numero_voie"), (8, "type_voie"), (9, "voie"), (10, "complement_voie"),
    (11, "lieu_dit_bp"), (15, "ligne_acheminement"), (16, "telephone"), (17, "telecopie"), (22, "siret"),
    (23, "code_ape"), (24, "code_mft"), (25, "libelle_mft"), (26, "code_sph"), (27, "libelle_sph"),
    (31, "numero_uai"),
)
DATES = ((28, "date_ouverture"), (29, "date_autorisation"), (30, "date_maj_finess"))
COLONNES = (
    "finess_et", "organisme_id", *(nom for _, nom in TEXTES), "code_commune", "departement_id", "region_id",
    "categorie_id", *(nom for _, nom in DATES), "coord_x", "coord_y", "source_coordonnees", "date_maj_coordonnees",
    "latitude", "longitude", "nom_recherche", "empreinte",
)
VERSION_EMPREINTE = "et1"
_RANG_DEPARTEMENT = COLONNES.index("departement_id")


def _longueurs() -> tuple[tuple[int, str, int], ...]:
    return tuple((i, CHAMPS_ET[i], longueur_maximale(Etablissement, nom)) for i, nom in TEXTES)


@dataclass
class ExtraitEt:
    """The parsed ET file: valid rows (COLONNES order), their file lines, and the anomalies."""

    date_extraction: date | None = None
    compteur: str = ""
    nb_lignes: int = 0
    nb_geolocalisation: int = 0
    lignes: list[tuple] = field(default_factory=list)
    numeros_lignes: list[int] = field(default_factory=list)
    anomalies: list[Anomalie] = field(default_factory=list)
    numeros_rejetes: set[str] = field(default_factory=set)
    organismes: set[str] = field(default_factory=set)


def _coordonnee_valide(valeur: str) -> bool:
    try:
        metres = float(valeur)
    except ValueError:
        return False
    return math.isfinite(metres) and abs(metres) < 1e8


def _anomalie_caractere(numero: int, ligne: str, suspect: tuple[int, str], noms: tuple[str, ...]) -> Anomalie:
    position, message = suspect
    rang = min(ligne.count(";", 0, position), len(noms) - 1)
    valeur = ligne.split(";")[rang] if rang < len(ligne.split(";")) else ""
    return Anomalie(numero, noms[rang], valeur, message)


def analyser(texte: TexteDecode, contexte: Contexte, debut: int = 2) -> ExtraitEt:
    """Parse lines `debut`… (1-based file lines; line 1 is the metadata line handled by the caller)."""
    extrait = ExtraitEt(nb_lignes=len(texte.lignes))
    anomalies = extrait.anomalies
    numeros = VerificateurNumeros()
    longueurs = _longueurs()
    rangs_textes = [rang for rang, _, _ in longueurs]
    noms_textes = [nom for _, nom, _ in longueurs]
    maximums = [maximum for _, _, maximum in longueurs]
    dates_valides: set[str] = set()
    departements, categories = contexte.departements, contexte.categories
    suspects = texte.suspects
    brouillons: dict[str, list] = {}  # nofinesset → values (without geolocalisation yet)
    ligne_de: dict[str, int] = {}
    geolocalises: dict[str, list] = {}
    ligne_geo_de: dict[str, int] = {}
    rejetes = extrait.numeros_rejetes

    for numero, ligne in enumerate(texte.lignes[debut - 1:], start=debut):
        if not ligne:
            continue
        champs = ligne.split(";")
        type_ligne = champs[0]
        noms: tuple[str, ...]
        if type_ligne == "structureet":
            noms, attendu = CHAMPS_ET, 32
        elif type_ligne == "geolocalisation":
            noms, attendu = CHAMPS_GEO, 6
        else:
            anomalies.append(Anomalie(numero, "type de ligne", type_ligne[:40],
                                      f"type de ligne inconnu « {type_ligne[:40]} » "
                                      "(attendu structureet ou geolocalisation)"))
            if len(champs) > 1:
                rejetes.add(champs[1])
            continue
        if len(champs) != attendu:
            nom, message = nombre_de_champs(len(champs), attendu, noms)
            anomalies.append(Anomalie(numero, nom, ligne[-40:], message))
            rejetes.add(champs[1] if len(champs) > 1 else "")
            continue
        avant = len(anomalies)
        if numero in suspects:
            anomalies.append(_anomalie_caractere(numero, ligne, suspects[numero], noms))
        nofinesset = champs[1]
        erreur = numeros.erreur(nofinesset)
        if erreur:
            anomalies.append(Anomalie(numero, "nofinesset", nofinesset, erreur))

        if type_ligne == "geolocalisation":
            extrait.nb_geolocalisation += 1
            if nofinesset in ligne_geo_de:
                anomalies.append(Anomalie(numero, "nofinesset", nofinesset,
                                          f"deuxième ligne geolocalisation pour {nofinesset} "
                                          f"(déjà ligne {ligne_geo_de[nofinesset]})"))
            x, y, source, maj = champs[2], champs[3], champs[4], champs[5]
            if x or y:
                for nom, valeur in (("coordxet", x), ("coordyet", y)):
                    if not _coordonnee_valide(valeur):
                        anomalies.append(Anomalie(numero, nom, valeur, f"coordonnée invalide « {valeur} » "
                                                  "(attendu un nombre de mètres, les deux coordonnées ou aucune)"))
            if len(source) > 200:
                anomalies.append(Anomalie(numero, "sourcecoordet", source, champ_trop_long(source, 200)))
            date_maj = lire_date(maj)
            if isinstance(date_maj, str):
                anomalies.append(Anomalie(numero, "datemaj", maj, date_maj))
            if len(anomalies) > avant:
                rejetes.add(nofinesset)
            else:
                ligne_geo_de[nofinesset] = numero
                geolocalises[nofinesset] = [x, y, source, maj or None]
            continue

        # structureet
        if nofinesset in ligne_de:
            anomalies.append(Anomalie(numero, "nofinesset", nofinesset,
                                      f"établissement en double (déjà ligne {ligne_de[nofinesset]})"))
        nofinessej = champs[2]
        erreur = numeros.erreur(nofinessej)
        if erreur:
            anomalies.append(Anomalie(numero, "nofinessej", nofinessej, erreur))
        valeurs = [champs[rang] for rang in rangs_textes]
        if '"' in ligne:
            valeurs = [valeur_affichee(v) if '"' in v else v for v in valeurs]
        if any(map(gt, map(len, valeurs), maximums)):
            for valeur, nom, maximum in zip(valeurs, noms_textes, maximums, strict=True):
                if len(valeur) > maximum:
                    anomalies.append(Anomalie(numero, nom, valeur, champ_trop_long(valeur, maximum)))
        valeurs[0:0] = (nofinesset, nofinessej)
        if not valeurs[2]:
            anomalies.append(Anomalie(numero, "rs", "", "raison sociale vide"))
        siret = champs[22]
        if siret and not (len(siret) == 14 and siret.isdigit()):
            anomalies.append(Anomalie(numero, "siret", siret, f"SIRET invalide « {siret} » (attendu 14 chiffres)"))
        code_dep = champs[13]
        dep = departements.get(code_dep)
        if dep is None:
            anomalies.append(Anomalie(numero, "departement", code_dep, f"département inconnu « {code_dep} »"))
            code_insee, region = "", ""
        else:
            code_insee, region = dep
            if not erreur and (incoherent := incoherence_departement(nofinesset, code_insee)):
                anomalies.append(Anomalie(numero, "nofinesset", nofinesset, incoherent))
        commune = champs[12]
        if commune:
            if len(commune) != 3 or not commune.isdigit():
                anomalies.append(Anomalie(numero, "commune", commune,
                                          f"code commune invalide « {commune} » (attendu 3 chiffres)"))
            commune = code_insee[:2] + commune
        categorie = champs[18]
        if categorie not in categories:
            anomalies.append(Anomalie(numero, "categetab", categorie,
                                      f"catégorie d'établissement inconnue de la nomenclature FINESS « {categorie} »"))
        valeurs += (commune, code_insee, region, categorie)
        ligne_complete: list[str | None] = list(valeurs)
        for rang, _ in DATES:
            valeur = champs[rang]
            if valeur and valeur not in dates_valides:
                lue = lire_date(valeur)
                if isinstance(lue, str):
                    anomalies.append(Anomalie(numero, CHAMPS_ET[rang], valeur, lue))
                else:
                    dates_valides.add(valeur)
            ligne_complete.append(valeur or None)
        if len(anomalies) > avant:
            rejetes.add(nofinesset)
            ligne_de.setdefault(nofinesset, numero)
            continue
        ligne_de[nofinesset] = numero
        brouillons[nofinesset] = ligne_complete

    _rattacher_geolocalisation(extrait, brouillons, geolocalises, ligne_de, ligne_geo_de)
    return extrait


def _rattacher_geolocalisation(extrait: ExtraitEt, brouillons: dict[str, list], geolocalises: dict[str, list],
                               ligne_de: dict[str, int], ligne_geo_de: dict[str, int]) -> None:
    """Join each ET with its geolocalisation line, project the coordinates, finish the rows."""
    anomalies, rejetes = extrait.anomalies, extrait.numeros_rejetes
    derniere = extrait.nb_lignes
    if ligne_de and not extrait.nb_geolocalisation:
        anomalies.append(Anomalie(derniere, "geolocalisation", "",
                                  f"aucune ligne geolocalisation alors que le fichier décrit {len(ligne_de)} "
                                  "établissement(s) : fichier tronqué"))
        rejetes.update(brouillons)
        return
    for nofinesset, numero in ligne_geo_de.items():
        if nofinesset not in ligne_de:
            anomalies.append(Anomalie(numero, "nofinesset", nofinesset,
                                      f"ligne geolocalisation sans ligne structureet pour {nofinesset}"))
    complets: list[tuple[int, list]] = []
    points: list[tuple[int, float, float]] = []
    avec_points: list[int] = []
    for nofinesset, valeurs in brouillons.items():
        geo = geolocalises.get(nofinesset)
        if geo is None:
            if nofinesset not in rejetes:
                anomalies.append(Anomalie(ligne_de[nofinesset], "geolocalisation", nofinesset,
                                          f"aucune ligne geolocalisation pour l'établissement {nofinesset} "
                                          "(fichier tronqué ?)"))
            rejetes.add(nofinesset)
            continue
        if nofinesset in rejetes:
            continue
        valeurs += geo
        if geo[0]:
            avec_points.append(len(complets))
            points.append((projection.epsg(geo[2], valeurs[_RANG_DEPARTEMENT]), float(geo[0]), float(geo[1])))
        complets.append((ligne_de[nofinesset], valeurs))
    coordonnees = projection.vers_wgs84(points)
    wgs84: list[tuple[float | None, float | None]] = [(None, None)] * len(complets)
    for rang, latlon in zip(avec_points, coordonnees, strict=True):
        wgs84[rang] = latlon
    blake2b = hashlib.blake2b
    for (numero, valeurs), (latitude, longitude) in zip(complets, wgs84, strict=True):
        empreinte = blake2b("\x1f".join([VERSION_EMPREINTE, *[v or "" for v in valeurs]]).encode(),
                            digest_size=16).hexdigest()
        x, y = valeurs[-4], valeurs[-3]
        valeurs[-4] = float(x) if x else None
        valeurs[-3] = float(y) if y else None
        nom = valeurs[2] if valeurs[3] in ("", valeurs[2]) else f"{valeurs[2]} {valeurs[3]}"
        valeurs += (latitude, longitude, cle_recherche(nom), empreinte)
        extrait.lignes.append(tuple(valeurs))
        extrait.numeros_lignes.append(numero)
        extrait.organismes.add(valeurs[1])
    extrait.anomalies.sort(key=lambda a: a.ligne)
