"""Generator of small FINESS files in the official Etalab layout, and of a small geography/nomenclature set.

Everything here is written by hand (invented establishments, public codes, coordinates projected from
city-centre latitudes/longitudes with pyproj); nothing is copied from shared/data. Tests build variants on
the fly; `python -m tests.referentiel.generateur` rewrites the static files of `fixtures/` (a test checks
they are up to date).

Layout reminders: latin-1 (cp1252 punctuation), `;`, no header, line 1 `finess;etalab;<n>;<date>`, 32-field
`structureet` lines then 6-field `geolocalisation` lines; EJ file: 23-field `structureej` lines.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from pyproj import Transformer

from esms.rules.finess import cle_finess

FIXTURES = Path(__file__).parent / "fixtures"
DOSSIER_REFERENTIEL = FIXTURES / "referentiel"
ET_1 = FIXTURES / "etalab-cs1100507-stock-20210108-mini.csv"
ET_2 = FIXTURES / "etalab-cs1100507-stock-20210301-mini.csv"
EJ_1 = FIXTURES / "etalab-cs1100501-stock-20210108-mini.csv"

CHAMPS_ET = (
    "structureet", "nofinesset", "nofinessej", "rs", "rslongue", "complrs", "compldistrib", "numvoie", "typvoie",
    "voie", "compvoie", "lieuditbp", "commune", "departement", "libdepartement", "ligneacheminement", "telephone",
    "telecopie", "categetab", "libcategetab", "categagretab", "libcategagretab", "siret", "codeape", "codemft",
    "libmft", "codesph", "libsph", "dateouv", "dateautor", "datemaj", "numuai",
)
CHAMPS_EJ = (
    "structureej", "nofinessej", "rs", "rslongue", "complrs", "numvoie", "typvoie", "voie", "compvoie",
    "compldistrib", "lieuditbp", "commune", "ligneacheminement", "departement", "libdepartement", "telephone",
    "statutjuridique", "libstatutjuridique", "categetab", "libcategetab", "siren", "codeape", "datecrea",
)

# --------------------------------------------------------------------------------------------------------------
# FINESS numbers


def cle_luhn(corps: str) -> str:
    """Check digit of 8 characters (Corsican letters included), from the rules package."""
    return cle_finess(corps)


def numero(prefixe: str, sequence: int) -> str:
    """A valid FINESS number: `prefixe` (01, 2A, 9701 …) + sequence on the remaining digits + Luhn key."""
    corps = prefixe + str(sequence).zfill(8 - len(prefixe))
    return corps + cle_luhn(corps)


def mauvaise_cle(valide: str) -> str:
    return valide[:8] + str((int(valide[8]) + 1) % 10)


# --------------------------------------------------------------------------------------------------------------
# Coordinates: raw FINESS metres from a WGS84 point, in the projection FINESS uses for the département

EPSG = {"9A": 4559, "9B": 4559, "9C": 2972, "9D": 2975}


def metres(departement: str, latitude: float, longitude: float) -> tuple[str, str]:
    x, y = Transformer.from_crs(4326, EPSG.get(departement, 2154), always_xy=True).transform(longitude, latitude)
    return f"{x:.1f}", f"{y:.1f}"


# --------------------------------------------------------------------------------------------------------------
# Lines and files

CATEGORIES = {
    "500": ("Etablissement d'hébergement pour personnes âgées dépendantes", "4401",
            "Etablissements d'Hébergement pour Personnes Âgées"),
    "183": ("Institut Médico-Educatif (I.M.E.)", "4101", "Etab.Educ.Spéciale pour Déficients Mentaux et Handicapés"),
    "354": ("Service de Soins Infirmiers A Domicile (S.S.I.A.D)", "4605", "Etablissements et services multi-clientèles"),
    "620": ("Pharmacie d'Officine", "3201", "Commerce de Biens à Usage Médicaux"),
    "355": ("Centre Hospitalier (C.H.)", "1102", "Centres Hospitaliers"),
    "214": ("Centre Hébergement & Réinsertion Sociale (C.H.R.S.)", "4601",
            "Etablissements pour Adultes et Familles en Difficulté"),
}
LIBELLES_DEPARTEMENT = {"01": "AIN", "69": "RHONE", "75": "PARIS", "2A": "CORSE DU SUD", "2B": "HAUTE CORSE",
                        "9A": "GUADELOUPE", "9B": "MARTINIQUE", "9C": "GUYANE", "9D": "LA REUNION"}


def ligne_et(**champs: str) -> str:
    """A 32-field `structureet` line; unspecified fields are empty, category labels are filled in."""
    valeurs = dict.fromkeys(CHAMPS_ET, "")
    valeurs["structureet"] = "structureet"
    valeurs["libdepartement"] = LIBELLES_DEPARTEMENT.get(champs.get("departement", ""), "")
    categorie = CATEGORIES.get(champs.get("categetab", ""))
    if categorie:
        valeurs["libcategetab"], valeurs["categagretab"], valeurs["libcategagretab"] = categorie
    valeurs.update(champs)
    return ";".join(valeurs[nom] for nom in CHAMPS_ET)


def ligne_geo(nofinesset: str, x: str = "", y: str = "", source: str = "", datemaj: str = "") -> str:
    return f"geolocalisation;{nofinesset};{x};{y};{source};{datemaj}"


def ligne_ej(**champs: str) -> str:
    valeurs = dict.fromkeys(CHAMPS_EJ, "")
    valeurs["structureej"] = "structureej"
    valeurs.update(champs)
    return ";".join(valeurs[nom] for nom in CHAMPS_EJ)


def contenu(date: str, lignes: list[str], *, compteur: str = "") -> bytes:
    """A whole file as the official extract writes it: latin-1 with cp1252 punctuation, `\\n` line ends."""
    return ("\n".join([f"finess;etalab;{compteur};{date}", *lignes]) + "\n").encode("cp1252")


def fichier_et(date: str, etablissements: list[dict], *, compteur: str = "") -> bytes:
    """`structureet` lines then `geolocalisation` lines (coordinates from `lat`/`lon` when given)."""
    structures, geos = [], []
    for et in etablissements:
        champs = {k: v for k, v in et.items() if k not in ("lat", "lon", "source")}
        structures.append(ligne_et(**champs))
        x = y = ""
        if et.get("lat") is not None:
            x, y = metres(et["departement"], et["lat"], et["lon"])
        geos.append(ligne_geo(et["nofinesset"], x, y, et.get("source", "")))
    return contenu(date, structures + geos, compteur=compteur)


# --------------------------------------------------------------------------------------------------------------
# The mini national extract: every territory kind, quoting, cp1252 punctuation, missing coordinates

EJ_AIN = numero("01", 100)
EJ_PARIS = numero("75", 100)
EJ_CORSE = numero("2A", 100)
EJ_ANTILLES = numero("9701", 100)
EJ_SANS_FICHIER = numero("69", 100)  # referenced by an ET, absent from the EJ file → stub


def etablissements_1() -> list[dict]:
    return [
        dict(nofinesset=numero("01", 1), nofinessej=EJ_AIN, rs="EHPAD LES TILLEULS", numvoie="12", typvoie="R",
             voie="DES LILAS", commune="053", departement="01", ligneacheminement="01000 BOURG EN BRESSE",
             telephone="0474000001", categetab="500", siret="12345678900011", codeape="8710A",
             dateouv="1990-05-01", datemaj="2020-11-02", lat=46.2052, lon=5.2255),
        dict(nofinesset=numero("01", 2), nofinessej=EJ_AIN, rs='"RESIDENCE ""L’ŒILLET"" AMBERIEU"',
             rslongue="Résidence autonomie l’Œillet", numvoie="3", typvoie="AV", voie="DE LA GARE",
             commune="004", departement="01", ligneacheminement="01500 AMBERIEU EN BUGEY", categetab="354",
             dateouv="2001-01-01", datemaj="2020-06-30", lat=45.9580, lon=5.3581),
        dict(nofinesset=numero("75", 1), nofinessej=EJ_PARIS, rs="IME DES GOBELINS", numvoie="5", compvoie="B",
             typvoie="BD", voie="ARAGO", commune="113", departement="75", ligneacheminement="75013 PARIS",
             categetab="183", dateouv="1975-09-01", datemaj="2019-01-15", lat=48.8322, lon=2.3561),
        dict(nofinesset=numero("75", 2), nofinessej=EJ_PARIS, rs="PHARMACIE ITALIE", lieuditbp="BP 12",
             commune="113", departement="75", ligneacheminement="75013 PARIS CEDEX 13", categetab="620",
             dateouv="2010-02-01", datemaj="2020-12-01", lat=48.8310, lon=2.3550),
        dict(nofinesset=numero("69", 1), nofinessej=EJ_SANS_FICHIER, rs="CHRS LE PONT", commune="381",
             departement="69", ligneacheminement="69001 LYON", categetab="214", dateouv="1999-03-01",
             datemaj="2020-01-01", lat=None, lon=None),
        dict(nofinesset=numero("2A", 1), nofinessej=EJ_CORSE, rs="EHPAD U SOLE", commune="004", departement="2A",
             ligneacheminement="20000 AJACCIO", categetab="500", dateouv="2005-01-01", datemaj="2020-10-10",
             lat=41.9192, lon=8.7386),
        dict(nofinesset=numero("2B", 1), nofinessej=EJ_CORSE, rs="SSIAD DI BASTIA", commune="033", departement="2B",
             ligneacheminement="20200 BASTIA", categetab="354", dateouv="2008-01-01", datemaj="2020-10-10",
             lat=42.6970, lon=9.4509),
        dict(nofinesset=numero("9701", 1), nofinessej=EJ_ANTILLES, rs="EHPAD BASSE TERRE", commune="105",
             departement="9A", ligneacheminement="97100 BASSE TERRE", categetab="500", dateouv="2011-01-01",
             datemaj="2020-09-09", lat=15.9985, lon=-61.7261),
        dict(nofinesset=numero("9702", 1), nofinessej=EJ_ANTILLES, rs="CH FORT DE FRANCE", commune="209",
             departement="9B", ligneacheminement="97200 FORT DE FRANCE", categetab="355", dateouv="1960-01-01",
             datemaj="2020-09-09", lat=14.6161, lon=-61.0588, source="1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N20"),
        dict(nofinesset=numero("9703", 1), nofinessej=EJ_ANTILLES, rs="IME DE CAYENNE", commune="302",
             departement="9C", ligneacheminement="97300 CAYENNE", categetab="183", dateouv="1995-01-01",
             datemaj="2020-09-09", lat=4.9224, lon=-52.3135),
        dict(nofinesset=numero("9704", 1), nofinessej=EJ_ANTILLES, rs="SSIAD SAINT DENIS", commune="411",
             departement="9D", ligneacheminement="97400 ST DENIS", categetab="354", dateouv="2003-01-01",
             datemaj="2020-09-09", lat=-20.8821, lon=55.4504),
    ]


def etablissements_2() -> list[dict]:
    """Two months later: the pharmacy closed (absent), the EHPAD's telephone changed, a new SSIAD opened."""
    ets = [et for et in etablissements_1() if et["nofinesset"] != numero("75", 2)]
    ets[0]["telephone"] = "0474999999"
    ets.append(dict(nofinesset=numero("01", 3), nofinessej=EJ_AIN, rs="SSIAD DU REVERMONT", commune="053",
                    departement="01", ligneacheminement="01000 BOURG EN BRESSE", categetab="354",
                    dateouv="2021-02-01", datemaj="2021-02-01", lat=46.21, lon=5.23))
    return ets


def organismes() -> list[str]:
    return [
        ligne_ej(nofinessej=EJ_AIN, rs="ASSOCIATION AINDINOISE", rslongue="Association aindinoise d'entraide",
                 numvoie="1", typvoie="PL", voie="DE LA MAIRIE", commune="053",
                 ligneacheminement="01000 BOURG EN BRESSE", departement="01", libdepartement="AIN",
                 telephone="0474000000", statutjuridique="60",
                 libstatutjuridique="Association Loi 1901 non Reconnue d'Utilité Publique", siren="123456789",
                 codeape="8790B", datecrea="1980-01-01"),
        ligne_ej(nofinessej=EJ_PARIS, rs='"FONDATION ""LES GOBELINS"""', statutjuridique="61",
                 libstatutjuridique="Association Loi 1901 Reconnue d'Utilité Publique", commune="113",
                 ligneacheminement="75013 PARIS", departement="75", libdepartement="PARIS", siren="987654321",
                 datecrea="1950-06-01"),
        ligne_ej(nofinessej=EJ_CORSE, rs="CCAS D'AJACCIO", statutjuridique="21", commune="004",
                 ligneacheminement="20000 AJACCIO", departement="2A", libdepartement="CORSE DU SUD"),
        ligne_ej(nofinessej=EJ_ANTILLES, rs="GROUPE SANTE ANTILLES", statutjuridique="73", departement="9A",
                 libdepartement="GUADELOUPE", ligneacheminement="97100 BASSE TERRE", commune="105"),
    ]


# --------------------------------------------------------------------------------------------------------------
# Small geography and nomenclature files (same columns as shared/data; rows written by hand)

REGIONS = [
    ("01", "Guadeloupe", "97105", "3", "drom", "1", "0", "0"), ("02", "Martinique", "97209", "3", "drom", "1", "0", "0"),
    ("03", "Guyane", "97302", "3", "drom", "1", "0", "0"), ("04", "La Réunion", "97411", "0", "drom", "1", "0", "0"),
    ("11", "Île-de-France", "75056", "1", "metro", "0", "0", "0"),
    ("84", "Auvergne-Rhône-Alpes", "69123", "1", "metro", "0", "0", "0"),
    ("94", "Corse", "2A004", "0", "metro", "0", "0", "1"),
    ("975", "Saint-Pierre-et-Miquelon", "97502", "0", "com", "0", "1", "0"),
]
DEPARTEMENTS = [
    ("01", "Ain", "84"), ("69", "Rhône", "84"), ("75", "Paris", "11"), ("2A", "Corse-du-Sud", "94"),
    ("2B", "Haute-Corse", "94"), ("971", "Guadeloupe", "01"), ("972", "Martinique", "02"), ("973", "Guyane", "03"),
    ("974", "La Réunion", "04"), ("975", "Saint-Pierre-et-Miquelon", "975"),
]
COMMUNES = [
    ("01004", "Ambérieu-en-Bugey", "commune-actuelle", "01", "01500"), ("01053", "Bourg-en-Bresse", "commune-actuelle", "01", "01000"),
    ("69123", "Lyon", "commune-actuelle", "69", "69001"), ("69381", "Lyon 1er Arrondissement", "arrondissement-municipal", "69", "69001"),
    ("75056", "Paris", "commune-actuelle", "75", "75001"), ("75113", "Paris 13e Arrondissement", "arrondissement-municipal", "75", "75013"),
    ("2A004", "Ajaccio", "commune-actuelle", "2A", "20000"), ("2B033", "Bastia", "commune-actuelle", "2B", "20200"),
    ("97105", "Basse-Terre", "commune-actuelle", "971", "97100"), ("97209", "Fort-de-France", "commune-actuelle", "972", "97200"),
    ("97302", "Cayenne", "commune-actuelle", "973", "97300"), ("97411", "Saint-Denis", "commune-actuelle", "974", "97400"),
    ("01053", "Bourg-en-Bresse (déléguée)", "commune-deleguee", "01", ""),
]
NOMENCLATURE_CATEGORIES = [
    ("500", "Etablissement d'hébergement pour personnes âgées dépendantes", "EHPAD", "SOC", "4401", "4400", "4000"),
    ("183", "Institut Médico-Educatif (I.M.E.)", "I.M.E.", "SOC", "4101", "4100", "4000"),
    ("354", "Service de Soins Infirmiers A Domicile (S.S.I.A.D)", "S.S.I.A.D.", "SOC", "4605", "4600", "4000"),
    ("214", "Centre Hébergement & Réinsertion Sociale (C.H.R.S.)", "C.H.R.S.", "SOC", "4601", "4600", "4000"),
    ("620", "Pharmacie d'Officine", "Pharmacie d'Officine", "SAN", "3201", "3200", "3000"),
    ("355", "Centre Hospitalier (C.H.)", "C.H.", "SAN", "1102", "1100", "1000"),
    ("362", "Etablissement de Soins Longue Durée", "Etab.Soins Long.Dur.", "SAN", "1109", "1100", "1000"),
]
STATUTS = [
    ("21", "Etablissement Social et Médico-Social Communal", "1200", "1000"),
    ("60", "Association Loi 1901 non Reconnue d'Utilité Publique", "2100", "2000"),
    ("61", "Association Loi 1901 Reconnue d'Utilité Publique", "2100", "2000"),
    ("73", "Société Anonyme (S.A.)", "2200", "2000"),
]


def _csv(entete: list[str], lignes: list[tuple]) -> str:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\n")
    ecrivain.writerow(entete)
    ecrivain.writerows(lignes)
    return tampon.getvalue()


def fichiers_referentiel() -> dict[str, bytes]:
    regions = _csv(["code_region", "nom_region", "chef_lieu", "type_liaison", "zone", "est_drom", "est_com", "est_corse"],
                   REGIONS)
    departements = _csv(
        ["code_departement", "nom_departement", "code_region", "nom_region", "chef_lieu", "type_liaison", "zone",
         "est_drom", "est_com", "est_corse"],
        [(code, nom, region, "", "", "0", "com" if code == "975" else "drom" if code.startswith("97") else "metro",
          "1" if code in ("971", "972", "973", "974") else "0", "1" if code == "975" else "0",
          "1" if code in ("2A", "2B") else "0") for code, nom, region in DEPARTEMENTS])
    communes = _csv(["code_insee", "nom", "type", "code_departement", "code_region", "commune_parente", "codes_postaux",
                     "population"], [(c, n, t, d, "", "", cp, "1000") for c, n, t, d, cp in COMMUNES])
    categories = _csv(
        ["code", "libelle", "libellecourt", "domaine", "datedeb", "datefin", "codeagr3", "libelleagr3",
         "libellecourtagr3", "codeagr2", "libelleagr2", "libellecourtagr2", "codeagr1", "libelleagr1",
         "libellecourtagr1"],
        [(c, lib, court, dom, "1979-01-01", "", a3, f"Agrégat {a3}", "", a2, f"Agrégat {a2}", "", a1,
          f"Agrégat {a1}", "") for c, lib, court, dom, a3, a2, a1 in NOMENCLATURE_CATEGORIES])
    statuts = _csv(
        ["code", "libelle", "libellecourt", "datedeb", "datefin", "codeagr3", "libelleagr3", "libellecourtagr3",
         "codeagr2", "libelleagr2", "libellecourtagr2", "codeagr1", "libelleagr1", "libellecourtagr1"],
        [(c, lib, lib[:20], "1979-01-01", "", "", "", "", a2, f"Agrégat {a2}", "", a1, f"Agrégat {a1}", "")
         for c, lib, a2, a1 in STATUTS])
    return {
        "cog_regions.csv": regions.encode(), "cog_departements.csv": departements.encode(),
        "cog_communes.csv.gz": gzip.compress(communes.encode(), mtime=0),
        "finess_nomenclature_categories_etab.csv": categories.encode(),
        "finess_nomenclature_statuts_juridiques.csv": statuts.encode(),
    }


def fichiers_statiques() -> dict[Path, bytes]:
    fichiers = {DOSSIER_REFERENTIEL / nom: octets for nom, octets in fichiers_referentiel().items()}
    fichiers[ET_1] = fichier_et("2021-01-08", etablissements_1())
    fichiers[ET_2] = fichier_et("2021-03-01", etablissements_2(), compteur="97")
    fichiers[EJ_1] = contenu("2021-01-08", organismes())
    return fichiers


def ecrire_fichiers_statiques() -> None:
    for chemin, octets in fichiers_statiques().items():
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_bytes(octets)


if __name__ == "__main__":
    ecrire_fichiers_statiques()
    print(f"Fichiers écrits sous {FIXTURES}")
