"""FINESS establishment-category nomenclature, as data.

Transcribed from the official FINESS "flux nomenclature" export of the DREES
(`finess_cs1500106_stock_20250526-0337.xml`, element `nomenclcategorieETavecagr`, datemaj 2025-05-26),
i.e. the file `shared/data/finess_nomenclature_categories_etab.csv` (312 categories, open and closed).
Each entry keeps the category code, its label, its domain (SAN sanitaire, SOC social et médico-social,
ENS enseignement, ADM administration), its aggregates of level 3 and 2 and its closing date.

This module holds no decision: `esms.rules.categories` says which categories are eligible.
"""

from __future__ import annotations

from typing import NamedTuple


class CategorieFiness(NamedTuple):
    """One FINESS category of the nomenclature."""

    code: str
    libelle: str
    domaine: str
    agr3: str
    agr2: str
    date_fin: str | None


CATEGORIES_FINESS: tuple[CategorieFiness, ...] = (
    CategorieFiness("001", "Autres lits de m.R.", "SOC", "4401", "4400", "1999-09-15"),
    CategorieFiness("002", "Autres places de l-f.", "SOC", "4401", "4400", "1999-09-15"),
    CategorieFiness("003", "Autres lits de l-s", "SAN", "1109", "1100", "1999-09-15"),
    CategorieFiness("101", "Centre Hospitalier Régional (C.H.R.)", "SAN", "1101", "1100", None),
    CategorieFiness("106", "Centre hospitalier, ex Hôpital local", "SAN", "1106", "1100", None),
    CategorieFiness("108", "Etablissement de Convalescence et de Repos", "SAN", "1107", "1100", "2013-06-25"),
    CategorieFiness("109", "Etablissement de santé privé autorisé en SSR", "SAN", "1107", "1100", None),
    CategorieFiness(
        "112", "Centre de Convalescence Cure ou Réadaptation", "SAN", "1107", "1100", "1999-09-15"
    ),
    CategorieFiness("114", "Hôpital des armées", "SAN", "2205", "2200", None),
    CategorieFiness(
        "115", "Etablissement de Soins du Service de Santé des Armées", "SAN", "2205", "2200", None
    ),
    CategorieFiness("119", "Maison de Régime", "SAN", "1107", "1100", "2013-06-25"),
    CategorieFiness(
        "122", "Etablissement Soins Obstétriques Chirurgico-Gynécologiques", "SAN", "1110", "1100", None
    ),
    CategorieFiness("124", "Centre de Santé", "SAN", "2206", "2200", None),
    CategorieFiness("125", "Centre de Santé Dentaire", "SAN", "2206", "2200", "2013-12-19"),
    CategorieFiness("126", "Etablissement Thermal", "SAN", "1205", "1200", None),
    CategorieFiness("127", "Hospitalisation à Domicile", "SAN", "1201", "1200", None),
    CategorieFiness("128", "Etablissement de Soins Chirurgicaux", "SAN", "1110", "1100", None),
    CategorieFiness("129", "Etablissement de Soins Médicaux", "SAN", "1110", "1100", None),
    CategorieFiness("130", "Centre de Soins Médicaux", "SAN", "2206", "2200", "2013-12-19"),
    CategorieFiness("131", "Centre de Lutte Contre Cancer", "SAN", "1104", "1100", None),
    CategorieFiness("132", "Etablissement de Transfusion Sanguine", "SAN", "3401", "3400", None),
    CategorieFiness("135", "Etablissement Réadaptation Fonctionnelle", "SAN", "1107", "1100", "2013-06-25"),
    CategorieFiness("136", "Banque de Sperme", "SAN", "3402", "3400", "1999-09-15"),
    CategorieFiness("137", "Banque d'Organes", "SAN", "3402", "3400", "1999-09-15"),
    CategorieFiness("138", "Centre de Dialyse Périodique", "SAN", "1203", "1200", "2002-02-18"),
    CategorieFiness(
        "139", "Centre de Dialyse et d'entraînement à la Dialyse", "SAN", "1203", "1200", "2002-02-18"
    ),
    CategorieFiness("140", "Centre d'Entraînement à la Dialyse", "SAN", "1203", "1200", "2002-02-18"),
    CategorieFiness("141", "Centre de dialyse", "SAN", "1203", "1200", None),
    CategorieFiness("142", "Dispensaire Antituberculeux", "SAN", "2201", "2200", None),
    CategorieFiness("143", "Centre de Vaccination BCG", "SAN", "2201", "2200", None),
    CategorieFiness(
        "144", "Etablissement de Lutte Contre la Tuberculose", "SAN", "1107", "1100", "2013-06-25"
    ),
    CategorieFiness("146", "Structure d'Alternative à la dialyse en centre", "SAN", "1203", "1200", None),
    CategorieFiness("156", "Centre Médico-Psychologique (C.M.P.)", "SAN", "1111", "1100", None),
    CategorieFiness("157", "Centre de Postcure", "SAN", "1111", "1100", "1994-09-19"),
    CategorieFiness("159", "Centre parental", "SOC", "4501", "4500", None),
    CategorieFiness(
        "160", "Centre de Soins Spécifiques pour Toxicomanes (C.S.S.T.)", "SOC", "4604", "4600", "2012-12-31"
    ),
    CategorieFiness("161", "Maison de Santé pour Maladies Mentales", "SAN", "1111", "1100", None),
    CategorieFiness(
        "162", "Centre de Cure Ambulatoire en Alcoologie (C.C.A.A.)", "SOC", "4604", "4600", "2012-12-31"
    ),
    CategorieFiness(
        "163", "Maison d'Enfants à Caractère Sanitaire Temporaire", "SAN", "1112", "1100", "2013-06-25"
    ),
    CategorieFiness(
        "164",
        "Etablissements Expérimentaux Accueil de la Petite Enfance",
        "SOC",
        "5101",
        "5100",
        "2014-03-31",
    ),
    CategorieFiness("165", "Appartement de Coordination Thérapeutique (A.C.T.)", "SOC", "4604", "4600", None),
    CategorieFiness("166", "Etablissement d'Accueil Mère-Enfant", "SOC", "4501", "4500", None),
    CategorieFiness("167", "Crèche Collective", "SOC", "5101", "5100", "2014-03-31"),
    CategorieFiness(
        "168", "Service Accueil Familial pour la Petite Enfance", "SOC", "5101", "5100", "2014-03-31"
    ),
    CategorieFiness("169", "Crèche Multi Accueil Collectif et Familial", "SOC", "5101", "5100", "2014-03-31"),
    CategorieFiness("170", "Halte Garderie", "SOC", "5101", "5100", "2014-03-31"),
    CategorieFiness("171", "Garderie et Jardin d'Enfants", "SOC", "5101", "5100", "2014-03-31"),
    CategorieFiness("172", "Pouponnière à Caractère Social", "SOC", "4501", "4500", None),
    CategorieFiness("173", "Pouponnière à Caractère Sanitaire", "SAN", "1112", "1100", "2013-06-25"),
    CategorieFiness(
        "174",
        "Etablissement d'Accueil Collectif Régulier et Occasionnel",
        "SOC",
        "5101",
        "5100",
        "2014-03-31",
    ),
    CategorieFiness("175", "Foyer de l'Enfance", "SOC", "4501", "4500", None),
    CategorieFiness("176", "Village d'Enfants", "SOC", "4501", "4500", None),
    CategorieFiness("177", "Maison d'Enfants à Caractère Social", "SOC", "4501", "4500", None),
    CategorieFiness(
        "178", "Ctre.Accueil/ Accomp.Réduc.Risq.Usag. Drogues (C.A.A.R.U.D.)", "SOC", "4604", "4600", None
    ),
    CategorieFiness(
        "179", "Maison d'Enfants à Caractère Sanitaire Permanente", "SAN", "1112", "1100", "2013-06-25"
    ),
    CategorieFiness("180", "Lits Halte Soins Santé (L.H.S.S.)", "SOC", "4604", "4600", None),
    CategorieFiness("181", "Maison Familiale de Vacances", "SOC", "5103", "5100", "2016-01-06"),
    CategorieFiness(
        "182", "Service d'Éducation Spéciale et de Soins à Domicile", "SOC", "4106", "4100", None
    ),
    CategorieFiness("183", "Institut Médico-Educatif (I.M.E.)", "SOC", "4101", "4100", None),
    CategorieFiness("184", "Institut Médico-Pédagogique (I.M.P.)", "SOC", "4101", "4100", "2005-07-06"),
    CategorieFiness("185", "Institut Médico-Professionnel (I.M.Pro.)", "SOC", "4101", "4100", "2005-07-06"),
    CategorieFiness(
        "186", "Institut Thérapeutique Éducatif et Pédagogique (I.T.E.P.)", "SOC", "4102", "4100", None
    ),
    CategorieFiness(
        "188", "Etablissement pour Enfants ou Adolescents Polyhandicapés", "SOC", "4101", "4100", None
    ),
    CategorieFiness("189", "Centre Médico-Psycho-Pédagogique (C.M.P.P.)", "SOC", "4106", "4100", None),
    CategorieFiness("190", "Centre Action Médico-Sociale Précoce (C.A.M.S.P.)", "SOC", "4106", "4100", None),
    CategorieFiness(
        "191", "Etablissement pour Déficients Moteurs Cérébraux", "SOC", "4103", "4100", "2005-07-06"
    ),
    CategorieFiness("192", "Institut d'éducation motrice", "SOC", "4103", "4100", None),
    CategorieFiness(
        "193",
        "Etablissement pour Déficients Moteurs et Moteurs Cérébraux",
        "SOC",
        "4103",
        "4100",
        "2005-07-06",
    ),
    CategorieFiness("194", "Institut pour Déficients Visuels", "SOC", "4104", "4100", None),
    CategorieFiness("195", "Institut pour Déficients Auditifs", "SOC", "4104", "4100", None),
    CategorieFiness("196", "Institut d'Education Sensorielle Sourd/Aveugle", "SOC", "4104", "4100", None),
    CategorieFiness(
        "197", "Centre soins accompagnement prévention addictologie (CSAPA)", "SOC", "4604", "4600", None
    ),
    CategorieFiness("198", "Etablissement et Service de Préorientation", "SOC", "4303", "4300", None),
    CategorieFiness("199", "Hospice", "SOC", "4401", "4400", "2015-01-05"),
    CategorieFiness("200", "Maison de Retraite", "SOC", "4401", "4400", "2015-01-01"),
    CategorieFiness("202", "Résidences autonomie", "SOC", "4401", "4400", None),
    CategorieFiness("205", "Foyer Club Restaurant", "SOC", "4403", "4400", "2020-10-01"),
    CategorieFiness("207", "Centre de Jour pour Personnes Agées", "SOC", "4402", "4400", None),
    CategorieFiness("208", "Service d'Aide Ménagère à Domicile", "SOC", "4403", "4400", "2018-03-07"),
    CategorieFiness("209", "Service autonomie aide et soins (SAAS)", "SOC", "4605", "4600", None),
    CategorieFiness("212", "Alarme Médico-Sociale", "SOC", "4403", "4400", "2018-03-07"),
    CategorieFiness("213", "Lits d'Accueil Médicalisés (L.A.M.)", "SOC", "4604", "4600", None),
    CategorieFiness(
        "214", "Centre Hébergement & Réinsertion Sociale (C.H.R.S.)", "SOC", "4601", "4600", None
    ),
    CategorieFiness("215", "Maison Relai", "SOC", "4601", "4600", "2008-06-26"),
    CategorieFiness("216", "Résidence Hôtelière à Vocation Sociale (R.H.V.S.)", "SOC", "4601", "4600", None),
    CategorieFiness("217", "Cité de Transit", "SOC", "4601", "4600", "2001-07-31"),
    CategorieFiness("218", "Aire Station Nomades", "SOC", "4602", "4600", None),
    CategorieFiness("219", "Autre Centre d'Accueil", "SOC", "4601", "4600", None),
    CategorieFiness("220", "Centre Social", "SOC", "5104", "5100", None),
    CategorieFiness(
        "221", "Bureau d'Aide Psychologique Universitaire (B.A.P.U.)", "SOC", "4106", "4100", None
    ),
    CategorieFiness("223", "Protection Maternelle et Infantile (P.M.I.)", "SAN", "2202", "2200", None),
    CategorieFiness("224", "Etablissement de Consultation Pré et Post-natale", "SAN", "2202", "2200", None),
    CategorieFiness("225", "Consultations de Nourrissons", "SAN", "2202", "2200", "1994-09-19"),
    CategorieFiness("228", "Centre de santé sexuelle", "SAN", "2202", "2200", None),
    CategorieFiness("229", "Consultation Problèmes naissance", "SAN", "2202", "2200", "1994-09-19"),
    CategorieFiness("230", "Etablissement Consultation Protection Infantile", "SAN", "2202", "2200", None),
    CategorieFiness(
        "231", "Etablissement Information Consultation Conseil Familial", "SAN", "2202", "2200", None
    ),
    CategorieFiness("233", "Lactarium", "SAN", "3402", "3400", "2015-03-04"),
    CategorieFiness(
        "236", "Centre Placement Familial Socio-Educatif (C.P.F.S.E.)", "SOC", "4501", "4500", None
    ),
    CategorieFiness("237", "Centre de Placement Familial Spécialisé", "SOC", "4301", "4300", "2005-07-06"),
    CategorieFiness("238", "Centre d'Accueil Familial Spécialisé", "SOC", "4105", "4100", None),
    CategorieFiness("241", "Foyer d'Action Educative (F.A.E.)", "SOC", "4502", "4500", None),
    CategorieFiness(
        "246", "Etablissement et Service d'Aide par le Travail (E.S.A.T.)", "SOC", "4302", "4300", None
    ),
    CategorieFiness("247", "Entreprise adaptée", "SOC", "4302", "4300", None),
    CategorieFiness(
        "249", "Etablissement et Service de Réadaptation Professionnelle", "SOC", "4303", "4300", None
    ),
    CategorieFiness("250", "Centre Réentrainement au travail", "SOC", "4303", "4300", "1994-09-19"),
    CategorieFiness("251", "Maison Vacances pour Handicapés", "SOC", "4301", "4300", "1994-09-19"),
    CategorieFiness("252", "Foyer Hébergement Adultes Handicapés", "SOC", "4301", "4300", None),
    CategorieFiness("253", "Foyer d'Accueil Polyvalent pour Adultes Handicapés", "SOC", "4301", "4300", None),
    CategorieFiness("255", "Maison d'Accueil Spécialisée (M.A.S.)", "SOC", "4301", "4300", None),
    CategorieFiness(
        "256", "Foyer Travailleurs Migrants non transformé en Résidence Soc.", "SOC", "4602", "4600", None
    ),
    CategorieFiness(
        "257", "Foyer de Jeunes Travailleurs (résidence sociale ou non)", "SOC", "4602", "4600", None
    ),
    CategorieFiness("258", "Maisons Relais - Pensions de Famille", "SOC", "4607", "4600", None),
    CategorieFiness(
        "259", "Autre Résidence Sociale (hors Maison Relais, Pension de Fami", "SOC", "4607", "4600", None
    ),
    CategorieFiness("261", "D.D.A.S.S.", "ADM", "0101", "0110", "1999-09-15"),
    CategorieFiness(
        "262", "Etablissement Régional d'Enseignement Adapté", "SOC", "4202", "4200", "2005-06-09"
    ),
    CategorieFiness("265", "Section Education Spéciale Classe Atelier", "SOC", "4202", "4200", "2005-06-09"),
    CategorieFiness("266", "Dispensaire Antivénérien", "SAN", "2201", "2200", None),
    CategorieFiness("267", "Dispensaire Antihansénien", "SAN", "2201", "2200", None),
    CategorieFiness("268", "Centre Médico-Scolaire", "SAN", "2201", "2200", None),
    CategorieFiness("269", "Centre de Médecine Universitaire", "SAN", "2201", "2200", None),
    CategorieFiness("270", "Centre de Médecine Sportive", "SAN", "2201", "2200", None),
    CategorieFiness("271", "Maisons d'accueil hospitalières (M.A.H.)", "SOC", "4602", "4600", None),
    CategorieFiness("272", "Ecole d'ambulanciers", "ENS", "6103", "6100", "2005-11-14"),
    CategorieFiness(
        "273", "Institut de formation en soins infirmiers (I.F.S.I.)", "ENS", "6101", "6100", "2005-11-14"
    ),
    CategorieFiness("274", "Ecole de sages_femmes", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("275", "Ecole de masseurs-kinésithérapeutes", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("276", "Ecole de laborantins d'analyses médicales", "ENS", "6102", "6100", "2005-11-14"),
    CategorieFiness("277", "Ecole de péricultrices", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("278", "Etablissement de formation polyvalent", "ENS", "6103", "6100", "2005-11-14"),
    CategorieFiness("279", "Ecole de service social", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness("280", "Ecole d'éducateurs spécialisés", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness("281", "Centre de formation d'aides soignants", "ENS", "6103", "6100", "2005-11-14"),
    CategorieFiness("282", "Ecole de pédicures-podologues", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness(
        "283", "Ecole de manipulateurs d'électro-radiologie", "ENS", "6102", "6100", "2005-11-14"
    ),
    CategorieFiness("284", "Ecole de travailleuses familiales", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness("285", "Centres de Loisirs sans Hébergement", "SOC", "5103", "5100", "2016-01-06"),
    CategorieFiness("286", "Club Equipe de Prévention", "SOC", "4504", "4500", None),
    CategorieFiness("289", "Centre de Soins Infirmiers", "SAN", "2206", "2200", "2013-12-19"),
    CategorieFiness(
        "292", "Centre Hospitalier Spécialisé lutte Maladies Mentales", "SAN", "1103", "1100", None
    ),
    CategorieFiness("294", "Centre de Consultations Cancer", "SAN", "2201", "2200", None),
    CategorieFiness("295", "Services AEMO et AED", "SOC", "4504", "4500", None),
    CategorieFiness("297", "Dispensaire Polyvalent", "SAN", "2201", "2200", "1992-01-01"),
    CategorieFiness("300", "Ecoles Formant aux Professions Sanitaires", "ENS", "6101", "6100", None),
    CategorieFiness(
        "303", "Ecole de conseillers en économie sociale et familiale", "ENS", "6201", "6200", "2005-11-14"
    ),
    CategorieFiness("304", "Ecole d'ergothérapeutes", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("305", "Ecole de psycho-motriciens", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("306", "Ecole d'infirmiers anesthésistes", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("307", "Ecole d'infirmiers de bloc opératoire", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness(
        "308",
        "Centre de formation professionnelle de secteur psychiatrique",
        "ENS",
        "6101",
        "6100",
        "2005-11-14",
    ),
    CategorieFiness("309", "Ecole de cadres infirmiers", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("310", "Ecole de cadres de secteur psychiatrique", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness(
        "311", "Ecole de cadres de masseurs-kinésithérapeutes", "ENS", "6101", "6100", "2005-11-14"
    ),
    CategorieFiness(
        "312", "Ecole de cadres de manipulateurs d'électro-radiologie", "ENS", "6102", "6100", "2005-11-14"
    ),
    CategorieFiness("313", "Ecole d'éducateurs de jeunes enfants", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness("314", "Ecole d'éducateurs techniques spécialisés", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness("315", "Ecole de moniteurs-éducateurs", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness("316", "Ecole d'aides médico-psychologiques", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness("317", "Ecole d'animateurs socio-éducatifs", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness(
        "319", "Inst. régional de formation des travailleurs sociaux", "ENS", "6201", "6200", "2005-11-14"
    ),
    CategorieFiness("320", "S.A.M.U. et Centre 15", "SAN", "1204", "1200", "1999-09-15"),
    CategorieFiness("321", "Unité Mobile Hospitalière", "SAN", "1204", "1200", "1999-09-15"),
    CategorieFiness("322", "Centre Rég.Informatiq.Hospit.", "ADM", "0101", "0110", "1999-09-15"),
    CategorieFiness("324", "Logement Foyer non Spécialisé", "SOC", "4602", "4600", None),
    CategorieFiness("326", "Ecole de cadres", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness("327", "Service d'Ambulances", "SAN", "3404", "3400", "2019-04-22"),
    CategorieFiness("328", "Centre Consultation Soins Dentaire", "SAN", "2203", "2200", "1994-09-19"),
    CategorieFiness("329", "Sectorisation Psychiatrique", "SAN", "1202", "1200", "1994-09-19"),
    CategorieFiness("330", "Ecoles Formant aux Professions Sociales", "ENS", "6201", "6200", None),
    CategorieFiness(
        "340", "Service mandataire judiciaire à la protection des majeurs", "SOC", "4608", "4600", None
    ),
    CategorieFiness(
        "341", "Service dédié mesures d'accompagnement social personnalisé", "SOC", "4608", "4600", None
    ),
    CategorieFiness(
        "342", "Service d'information et de soutien aux tuteurs familiaux", "SOC", "4608", "4600", None
    ),
    CategorieFiness(
        "343", "Equipe Préparation et Suite Reclassement (EPSR)", "SOC", "4303", "4300", "2005-06-09"
    ),
    CategorieFiness("344", "Service délégué aux prestations familiales", "SOC", "4504", "4500", None),
    CategorieFiness("345", "Service Tutelle Prestation Sociale", "SOC", "5104", "5100", None),
    CategorieFiness("346", "Service de Travailleuses Familiales", "SOC", "5104", "5100", "2018-03-07"),
    CategorieFiness("347", "Centre d'Examens de Santé", "SAN", "2201", "2200", None),
    CategorieFiness("349", "Ecole de cadres de sages-femmes", "ENS", "6101", "6100", "2005-11-14"),
    CategorieFiness(
        "350", "Centre de formation d'auxiliaires de puériculture", "ENS", "6101", "6100", "2005-11-14"
    ),
    CategorieFiness("352", "Centre de Psychothérapie", "SAN", "1111", "1100", "1994-09-19"),
    CategorieFiness("353", "Hôpital de Jour Spécialités Médicales", "SAN", "1205", "1200", "1994-09-19"),
    CategorieFiness("354", "Service de Soins Infirmiers A Domicile (S.S.I.A.D)", "SOC", "4605", "4600", None),
    CategorieFiness("355", "Centre Hospitalier (C.H.)", "SAN", "1102", "1100", None),
    CategorieFiness(
        "357", "Association Aide aux Insuffisants Respiratoires", "SAN", "1201", "1200", "1999-09-15"
    ),
    CategorieFiness("359", "Centre Circonscription Sanitaire et Sociale", "SOC", "5104", "5100", None),
    CategorieFiness("361", "Centre de Cure Médicale", "SAN", "1107", "1100", "1999-09-15"),
    CategorieFiness("362", "Etablissement de Soins Longue Durée", "SAN", "1109", "1100", None),
    CategorieFiness("363", "Centre moyen et long séjour", "SAN", "1108", "1100", "1999-09-15"),
    CategorieFiness("365", "Etablissement de Soins Pluridisciplinaire", "SAN", "1110", "1100", None),
    CategorieFiness("366", "Atelier Thérapeutique", "SAN", "1111", "1100", None),
    CategorieFiness(
        "367", "Maison d'Enfants non Conventionnée ni Habilitée", "SOC", "5102", "5100", "2014-03-31"
    ),
    CategorieFiness("368", "Service de Repas à Domicile", "SOC", "4403", "4400", "2018-03-07"),
    CategorieFiness("369", "Centre Adaptation Vie Active (C.A.V.A.)", "SOC", "4601", "4600", "2001-07-31"),
    CategorieFiness(
        "370", "Etablissement Expérimental pour personnes handicapées", "SOC", "4301", "4300", None
    ),
    CategorieFiness(
        "371",
        "Service Action Socio-Educative pour Familles en difficulté",
        "SOC",
        "4601",
        "4600",
        "2001-07-31",
    ),
    CategorieFiness(
        "373", "Centre de formation supérieure des travailleurs sociaux", "ENS", "6201", "6200", "2005-11-14"
    ),
    CategorieFiness(
        "374", "Ecole des Hautes Etudes en Santé Publique (E.H.E.S.P.)", "ENS", "6301", "6300", None
    ),
    CategorieFiness("375", "Classe d'Adaptation", "SOC", "4201", "4200", "1994-09-19"),
    CategorieFiness("376", "Classe Spéciale Ecole Primaire", "SOC", "4201", "4200", "2005-06-09"),
    CategorieFiness("377", "Etablissement Expérimental pour Enfance Handicapée", "SOC", "4107", "4100", None),
    CategorieFiness("378", "Etablissement Expérimental Enfance Protégée", "SOC", "4505", "4500", None),
    CategorieFiness("379", "Etablissement Expérimental pour Adultes Handicapés", "SOC", "4304", "4300", None),
    CategorieFiness("380", "Etablissement Expérimental Autres Adultes", "SOC", "4603", "4600", None),
    CategorieFiness("381", "Etablissement Expérimental pour Personnes Agées", "SOC", "4404", "4400", None),
    CategorieFiness("382", "Foyer de Vie pour Adultes Handicapés", "SOC", "4301", "4300", None),
    CategorieFiness("386", "Ecole Secondaire Spéciale", "SOC", "4202", "4200", "1994-09-19"),
    CategorieFiness(
        "390", "Etablissement d'Accueil Temporaire d'Enfants Handicapés", "SOC", "4105", "4100", None
    ),
    CategorieFiness(
        "393", "Autre résidence But lucratif pr personnes Âgées", "SOC", "4401", "4400", "1994-09-19"
    ),
    CategorieFiness(
        "394", "Etablissement d'Accueil Temporaire pour Personnes Agées", "SOC", "4401", "4400", "2015-01-01"
    ),
    CategorieFiness(
        "395", "Etablissement d'Accueil Temporaire pour Adultes Handicapés", "SOC", "4301", "4300", None
    ),
    CategorieFiness(
        "396", "Foyer Hébergement Enfants et Adolescents Handicapés", "SOC", "4105", "4100", None
    ),
    CategorieFiness("397", "Service Auxiliaire de Vie pour Handicapés", "SOC", "4305", "4300", "2005-07-06"),
    CategorieFiness("398", "Crèche Parentale", "SOC", "5101", "5100", "2014-03-31"),
    CategorieFiness("399", "Halte Garderie Parentale", "SOC", "5101", "5100", "2014-03-31"),
    CategorieFiness("400", "Centre de Services pour Associations", "SOC", "5104", "5100", None),
    CategorieFiness("401", "D.R.A.S.S.", "ADM", "0101", "0110", "1999-09-15"),
    CategorieFiness("402", "Jardin d'Enfants Spécialisé", "SOC", "4101", "4100", None),
    CategorieFiness(
        "403", "Service Social Spécialisé ou Polyvalent de Catégorie", "SOC", "5104", "5100", None
    ),
    CategorieFiness(
        "404",
        "Etablissement Acc.Collect.Parental Régulier & Occasionnel",
        "SOC",
        "5101",
        "5100",
        "2014-03-31",
    ),
    CategorieFiness("405", "Service Social Polyvalent de Secteur", "SOC", "5104", "5100", None),
    CategorieFiness("411", "Intermédiaire de Placement Social", "SOC", "4501", "4500", None),
    CategorieFiness("412", "Appartement Thérapeutique", "SAN", "1111", "1100", None),
    CategorieFiness("413", "C.E.C.O.S", "SAN", "3402", "3400", "1999-09-15"),
    CategorieFiness("414", "Centre Anti Poison", "SAN", "3403", "3400", "1999-09-15"),
    CategorieFiness("415", "Service Médico-Psychologique Régional (S.M.P.R.)", "SAN", "1111", "1100", None),
    CategorieFiness("418", "Service d'Enquêtes Sociales (S.E.S.)", "SOC", "4504", "4500", None),
    CategorieFiness("419", "Centre d'Accueil Toxicomanes", "SAN", "1113", "1100", "1999-09-15"),
    CategorieFiness("420", "Entreprise d'Insertion", "SOC", "4601", "4600", "2001-07-31"),
    CategorieFiness(
        "421", "Centre d'enseignement aux secours d'urgence", "ENS", "6103", "6100", "2005-11-14"
    ),
    CategorieFiness("422", "Traitements Spécialisés à Domicile", "SAN", "1201", "1200", None),
    CategorieFiness(
        "423", "Ecole des cadres de laborantins d'analyses médicales", "ENS", "6102", "6100", "2005-11-14"
    ),
    CategorieFiness(
        "425", "Centre d'Accueil Thérapeutique à temps partiel (C.A.T.T.P.)", "SAN", "1111", "1100", None
    ),
    CategorieFiness("426", "Syndicat Inter Hospitalier (S.I.H.)", "SAN", "1205", "1200", None),
    CategorieFiness("427", "Service Educatif Auprès des Tribunaux (S.E.A.T.)", "SOC", "4502", "4500", None),
    CategorieFiness("430", "Centre Postcure Malades Mentaux", "SAN", "1111", "1100", None),
    CategorieFiness("431", "Centre Postcure pour Alcooliques", "SAN", "1113", "1100", "2013-06-25"),
    CategorieFiness("432", "Centre Postcure pour Toxicomanes", "SAN", "1113", "1100", "1999-09-15"),
    CategorieFiness("433", "Etablissement Sanitaire des Prisons", "SAN", "2204", "2200", None),
    CategorieFiness("434", "Classe Spéciale en Ecole Maternelle", "SOC", "4201", "4200", "2005-06-09"),
    CategorieFiness("435", "Centre de formation d'aide à domicile", "ENS", "6201", "6200", "2005-11-14"),
    CategorieFiness(
        "436", "Ecoles Formant aux Professions Sanitaires et Sociales", "ENS", "6301", "6300", None
    ),
    CategorieFiness(
        "437", "Foyer d'Accueil Médicalisé pour Adultes Handicapés (F.A.M.)", "SOC", "4301", "4300", None
    ),
    CategorieFiness("438", "Centre de Médecine collective", "SAN", "2201", "2200", None),
    CategorieFiness("439", "Centre Santé Polyvalent", "SAN", "2206", "2200", "2013-12-19"),
    CategorieFiness(
        "440", "Service Investigation Orientation Educative (S.I.O.E.)", "SOC", "4505", "4500", None
    ),
    CategorieFiness("441", "Centre d'Action Educative (C.A.E.)", "SOC", "4502", "4500", None),
    CategorieFiness("442", "Centre Provisoire Hébergement (C.P.H.)", "SOC", "4601", "4600", None),
    CategorieFiness("443", "Centre Accueil Demandeurs Asile (C.A.D.A.)", "SOC", "4601", "4600", None),
    CategorieFiness("444", "Centre Crise Accueil Permanent", "SAN", "1111", "1100", None),
    CategorieFiness(
        "445", "Service d'accompagnement médico-social adultes handicapés", "SOC", "4305", "4300", None
    ),
    CategorieFiness(
        "446", "Service d'Accompagnement à la Vie Sociale (S.A.V.S.)", "SOC", "4305", "4300", None
    ),
    CategorieFiness("447", "Entreprise Intérim Insertion", "SOC", "4601", "4600", "2001-07-31"),
    CategorieFiness(
        "448", "Etab.Acc.Médicalisé en tout ou partie personnes handicapées", "SOC", "4301", "4300", None
    ),
    CategorieFiness(
        "449", "Etab.Accueil Non Médicalisé pour personnes handicapées", "SOC", "4301", "4300", None
    ),
    CategorieFiness("450", "Service d'Aide aux Personnes Agées", "SOC", "4403", "4400", "2018-03-07"),
    CategorieFiness("451", "Service d'Aide aux Familles en Difficulté", "SOC", "5104", "5100", "2018-03-07"),
    CategorieFiness("452", "Régie de Quartier", "SOC", "4601", "4600", "2001-07-31"),
    CategorieFiness("453", "Service de Réparation Pénale", "SOC", "4504", "4500", None),
    CategorieFiness("460", "Service autonomie aide (SAA)", "SOC", "4605", "4600", None),
    CategorieFiness(
        "461", "Centres de Ressources S.A.I. (Sans Aucune Indication)", "SOC", "4606", "4600", None
    ),
    CategorieFiness("462", "Lieux de vie", "SOC", "4605", "4600", None),
    CategorieFiness(
        "463", "Centres Locaux Information Coordination P.A .(C.L.I.C.)", "SOC", "4606", "4600", None
    ),
    CategorieFiness(
        "464", "Unités Evaluation Réentraînement et d'Orient. Soc. et Pro.", "SOC", "4609", "4600", None
    ),
    CategorieFiness(
        "500", "Etablissement d'hébergement pour personnes âgées dépendantes", "SOC", "4401", "4400", None
    ),
    CategorieFiness("501", "EHPA percevant des crédits d'assurance maladie", "SOC", "4401", "4400", None),
    CategorieFiness(
        "502", "EHPA ne percevant pas des crédits d'assurance maladie", "SOC", "4401", "4400", None
    ),
    CategorieFiness("601", "Cabinet Libéral Médical", "SAN", "2101", "2100", "1999-09-15"),
    CategorieFiness("602", "Cabinet de Groupe", "SAN", "2102", "2100", "1999-09-15"),
    CategorieFiness("603", "Maison de santé (L.6223-3)", "SAN", "2103", "2100", None),
    CategorieFiness(
        "604", "Communautés professionnelles territoriales de santé (CPTS)", "SAN", "2103", "2100", None
    ),
    CategorieFiness("605", "Cabinet d'Auxiliaires Médicaux", "SAN", "2105", "2100", "1999-09-15"),
    CategorieFiness("606", "Dispositif d'appui à la coordination", "SAN", "3408", "3400", None),
    CategorieFiness(
        "607", "Groupement Régional d'Appui au Développement de la e-Santé", "SAN", "3408", "3400", None
    ),
    CategorieFiness("608", "Equipe Mobile Médico-Sociale Précarité", "SOC", "4604", "4600", None),
    CategorieFiness("609", "Maisons Départementales des Personnes Handicapées", "SOC", "4606", "4600", None),
    CategorieFiness("610", "Laboratoire d'Analyses", "SAN", "3101", "3100", None),
    CategorieFiness("611", "Laboratoire de Biologie Médicale", "SAN", "3101", "3100", None),
    CategorieFiness("612", "Autre Laboratoire de Biologie Médicale sans FSE", "SAN", "3101", "3100", None),
    CategorieFiness("614", "Dispositif Spécifique Régional du Cancer", "SAN", "3408", "3400", None),
    CategorieFiness(
        "616", "Services de Prévention et de Santé au Travail (SPST)", "SAN", "3409", "3400", None
    ),
    CategorieFiness("617", "Maison médicale de garde (MMG)", "SAN", "2103", "2100", None),
    CategorieFiness("620", "Pharmacie d'Officine", "SAN", "3201", "3200", None),
    CategorieFiness("621", "Lunetterie Médicale", "SAN", "3202", "3200", "1999-09-15"),
    CategorieFiness("622", "Centre d'Appareillage & Prothèse", "SAN", "3202", "3200", "1999-09-15"),
    CategorieFiness("623", "Herboristerie", "SAN", "3202", "3200", "1999-09-15"),
    CategorieFiness(
        "624", "Laboratoire pharmaceutique préparant délivrant allergènes", "SAN", "3201", "3200", None
    ),
    CategorieFiness("627", "Propharmacie", "SAN", "3201", "3200", None),
    CategorieFiness("628", "Pharmacie Minière", "SAN", "3201", "3200", None),
    CategorieFiness("629", "Pharmacie Mutualiste", "SAN", "3201", "3200", None),
    CategorieFiness("630", "Installation autonome de chirurgie esthétique", "SAN", "3405", "3400", None),
    CategorieFiness("631", "Maison de naissance", "SAN", "3406", "3400", None),
    CategorieFiness(
        "632", "Structure Dispensatrice à domicile d'Oxygène à usage médical", "SAN", "3201", "3200", None
    ),
    CategorieFiness("633", "Structure Expérimentale en Santé", "SAN", "3407", "3400", None),
    CategorieFiness("636", "Centre de soins et de prévention", "SAN", "2206", "2200", None),
    CategorieFiness("637", "Centre de Lutte Antituberculeuse (CLAT)", "SAN", "2201", "2200", None),
    CategorieFiness(
        "638", "Centre gratuit d'information de dépistage et de diagnostic", "SAN", "2201", "2200", None
    ),
    CategorieFiness("639", "Sociétés de téléconsultation (STLC)", "SAN", "2206", "2200", None),
    CategorieFiness(
        "640", "Service d'aide et d'accompagnement à domicile aux familles", "SOC", "4601", "4600", None
    ),
    CategorieFiness("641", "Antenne de Pharmacie d'officine", "SAN", "3201", "3200", None),
    CategorieFiness("642", "Services départementaux d'incendie et de secours", "SAN", "3410", "3400", None),
    CategorieFiness(
        "643", "Serv. d'éval. minorité et isolement pers. se décl. mineures", "SOC", "4504", "4500", None
    ),
    CategorieFiness(
        "644", "Etab. de mise à l'abri pour les pers. se déclarant M.N.A.", "SOC", "4504", "4500", None
    ),
    CategorieFiness("645", "Centre de vaccination", "SAN", "2201", "2200", None),
    CategorieFiness("646", "Centre de vaccination internationale", "SAN", "2201", "2200", None),
    CategorieFiness("647", "Equipes de Soins Spécialisées", "SAN", "2103", "2100", None),
    CategorieFiness(
        "648", "Structure qui contribue au Service d'Accès aux Soins", "SAN", "3408", "3400", None
    ),
    CategorieFiness("690", "Etablissement de Fabrication Annexe à une Officine", "SAN", "3201", "3200", None),
    CategorieFiness(
        "695", "Groupement de coopération sanitaire de moyens - Exploitant", "SAN", "1205", "1200", None
    ),
    CategorieFiness("696", "Groupement de coopération sanitaire de moyens", "SAN", "1205", "1200", None),
    CategorieFiness(
        "697", "Groupement de coopération sanitaire - Etablissement de santé", "SAN", "1205", "1200", None
    ),
    CategorieFiness("698", "Autre Etablissement Loi Hospitalière", "SAN", "1205", "1200", None),
    CategorieFiness("699", "Entité Ayant Autorisation", "SAN", "1205", "1200", None),
)

PAR_CODE: dict[str, CategorieFiness] = {categorie.code: categorie for categorie in CATEGORIES_FINESS}
