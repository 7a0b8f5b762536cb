"""Reading a dossier from its JSON form into a typed `DossierInput`, with located French errors.

Every problem is reported with its place (`members[3].finess_et : clé de contrôle invalide`), all at once;
`RulesInputError.erreurs` holds the list. Unknown fields are errors too, so that a typo in a field name
never silently changes a verdict. `charger_json` turns a JSON syntax error into
« ligne 4, colonne 12 : JSON invalide (…) ».
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from esms.rules.categories import SECTEURS, normaliser_code
from esms.rules.chargement import normaliser_code_campagne
from esms.rules.erreurs import CampagneInconnue, RulesInputError
from esms.rules.finess import departement_du_numero, erreur_numero_finess
from esms.rules.geographie import REGION_PAR_DEPARTEMENT, REGIONS, normaliser_departement
from esms.rules.modeles import CommandeSonsInput, DossierInput, MembreInput, PorteurInput, VersementInput
from esms.rules.parametres import APPELS, CAS, REFERENCEMENTS
from esms.rules.referencement import COULOIRS, VAGUES, SolutionReferencee
from esms.rules.sons import STATUTS_COMMANDE

VAGUES_SONS = tuple(VAGUES)

CHAMPS_DOSSIER = frozenset(
    {
        "campaign",
        "submitted_at",
        "call",
        "date_parametres",
        "porteur",
        "organismes",
        "members",
        "versement",
        "trace_complete",
        "region_pilote",
    }
)
CHAMPS_PORTEUR = frozenset({"finess_ej", "nb_essms_geres", "region"})
CHAMPS_ORGANISME = frozenset({"finess_ej", "nb_essms_geres"})
CHAMPS_VERSEMENT = frozenset({"montant_convention", "deja_verse", "convention_signee"})
CHAMPS_MEMBRE_OBLIGATOIRES = (
    "finess_et",
    "finess_ej",
    "categorie",
    "region",
    "departement",
    "cas",
    "solution_dui",
    "solution_referencee_segur",
    "autres_fonds_ue",
)
CHAMPS_MEMBRE = frozenset(
    {
        *CHAMPS_MEMBRE_OBLIGATOIRES,
        "deja_finance_pour",
        "part_heures_eligibles",
        "sons_eligible",
        "solution_candidate_segur",
        "montant_equipement_demande",
        "indicateurs",
        "referencement",
        "date_referencement",
        "ght",
        "commande_sons",
        "referencement_segur",
    }
)
_CHAMPS_LENTS = frozenset({"indicateurs", "referencement", "date_referencement", "ght"})
CHAMPS_COMMANDE_SONS = frozenset(
    {"solution", "vague", "date_commande", "date_deploiement", "statut", "version", "editeur"}
)
CHAMPS_REFERENCEMENT = frozenset(
    {"solution", "version", "editeur", "vague", "couloir", "secteurs", "date_referencement", "date_retrait"}
)
_CHAMPS_SONS = ("commande_sons", "referencement_segur")
UN = Decimal(1)
ZERO = Decimal(0)

_TRADUCTIONS_JSON = {
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
    "Unterminated string starting at": "chaîne non terminée",
    "Invalid control character at": "caractère de contrôle invalide",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Extra data": "données en trop après la fin du document",
}


def charger_json(texte: str, origine: str | None = None) -> Any:
    """Parse JSON text; a syntax error becomes a `RulesInputError` located by line and column."""
    try:
        return json.loads(texte)
    except json.JSONDecodeError as exc:
        raison = next((fr for en, fr in _TRADUCTIONS_JSON.items() if exc.msg.startswith(en)), exc.msg)
        prefixe = f"{origine}, " if origine else ""
        raise RulesInputError(
            [f"{prefixe}ligne {exc.lineno}, colonne {exc.colno} : JSON invalide ({raison})"]
        ) from exc


class _Lecteur:
    """Collects located errors while reading the dossier."""

    def __init__(self) -> None:
        self.erreurs: list[str] = []

    def erreur(self, chemin: str, message: str) -> None:
        self.erreurs.append(f"{chemin} : {message}")

    def objet(self, valeur: Any, chemin: str, champs: frozenset[str]) -> Mapping[str, Any] | None:
        if not isinstance(valeur, Mapping):
            self.erreur(chemin, "objet JSON attendu")
            return None
        for cle in valeur:
            if cle not in champs:
                self.erreur(f"{chemin}.{cle}" if chemin else str(cle), "champ inconnu")
        return valeur

    def texte(
        self, donnees: Mapping[str, Any], cle: str, chemin: str, obligatoire: bool = True
    ) -> str | None:
        valeur = donnees.get(cle)
        if valeur is None:
            if obligatoire:
                self.erreur(chemin, "champ obligatoire manquant")
            return None
        if not isinstance(valeur, str) or not valeur.strip():
            self.erreur(chemin, "texte non vide attendu")
            return None
        return valeur.strip()

    def booleen(
        self,
        donnees: Mapping[str, Any],
        cle: str,
        chemin: str,
        defaut: bool | None = None,
        obligatoire: bool = False,
    ) -> bool | None:
        if cle not in donnees or donnees[cle] is None:
            if obligatoire:
                self.erreur(chemin, "champ obligatoire manquant")
            return defaut
        valeur = donnees[cle]
        if not isinstance(valeur, bool):
            self.erreur(chemin, "booléen attendu (true ou false)")
            return defaut
        return valeur

    def entier(
        self, donnees: Mapping[str, Any], cle: str, chemin: str, minimum: int = 0, obligatoire: bool = True
    ) -> int | None:
        valeur = donnees.get(cle)
        if valeur is None:
            if obligatoire:
                self.erreur(chemin, "champ obligatoire manquant")
            return None
        if isinstance(valeur, bool) or not isinstance(valeur, int) or valeur < minimum:
            self.erreur(chemin, f"nombre entier supérieur ou égal à {minimum} attendu")
            return None
        return valeur

    def nombre(self, valeur: Any, chemin: str) -> Decimal | None:
        if (
            isinstance(valeur, bool)
            or not isinstance(valeur, int | float)
            or (isinstance(valeur, float) and not math.isfinite(valeur))
        ):
            self.erreur(chemin, "nombre attendu")
            return None
        return Decimal(str(valeur))

    def finess(self, donnees: Mapping[str, Any], cle: str, chemin: str) -> str | None:
        numero = self.texte(donnees, cle, chemin)
        if numero is None:
            return None
        numero = numero.upper()
        erreur = erreur_numero_finess(numero)
        if erreur is not None:
            self.erreur(chemin, erreur)
            return None
        return numero

    def region(
        self, donnees: Mapping[str, Any], cle: str, chemin: str, obligatoire: bool = True
    ) -> str | None:
        valeur = donnees.get(cle)
        if valeur is None:
            if obligatoire:
                self.erreur(chemin, "champ obligatoire manquant")
            return None
        if not isinstance(valeur, str) or valeur.strip() not in REGIONS:
            self.erreur(
                chemin, f"région « {valeur} » inconnue (code INSEE de région entre guillemets, ex. « 84 »)"
            )
            return None
        return valeur.strip()


_CAS = frozenset(CAS)
_DECIMAUX: dict[Any, Decimal] = {}


def _decimal(valeur: int | float) -> Decimal:
    """Decimal of a JSON number through its shortest repr (0.8 → Decimal("0.8")), memoised."""
    resultat = _DECIMAUX.get(valeur)
    if resultat is None:
        resultat = Decimal(str(valeur))
        if len(_DECIMAUX) < 4096:
            _DECIMAUX[valeur] = resultat
    return resultat


_OBLIGATOIRES = frozenset(CHAMPS_MEMBRE_OBLIGATOIRES)


def _membre_rapide(brut: Any) -> MembreInput | None:
    """Fast path for a well-formed member (the common case); None sends it to the detailed path,
    which reports every problem with its place. Both paths accept exactly the same members."""
    if type(brut) is not dict or any(c in brut for c in _CHAMPS_SONS):
        return None
    cles = brut.keys()
    if not (cles >= _OBLIGATOIRES and cles <= CHAMPS_MEMBRE):
        return None
    et, ej, categorie = brut["finess_et"], brut["finess_ej"], brut["categorie"]
    region, departement, solution = brut["region"], brut["departement"], brut["solution_dui"]
    referencee, fonds_ue, cas = brut["solution_referencee_segur"], brut["autres_fonds_ue"], brut["cas"]
    if not (
        type(et) is str
        and type(ej) is str
        and type(categorie) is str
        and type(departement) is str
        and type(solution) is str
        and type(referencee) is bool
        and type(fonds_ue) is bool
        and cas in _CAS
        and len(categorie) == 3
        and categorie.isdigit()
        and solution
        and solution == solution.strip()
        and REGION_PAR_DEPARTEMENT.get(departement) == region
        and departement_du_numero(et) == departement
        and erreur_numero_finess(et) is None
        and erreur_numero_finess(ej) is None
    ):
        return None
    get = brut.get
    deja = get("deja_finance_pour")
    if deja is not None and (type(deja) is not str or not deja or deja != deja.strip()):
        return None
    part = UN
    brut_part = get("part_heures_eligibles")
    if brut_part is not None:
        if type(brut_part) not in (int, float) or not 0 <= brut_part <= 1:
            return None
        part = _decimal(brut_part)
    sons, candidate = get("sons_eligible"), get("solution_candidate_segur")
    equipement, indicateurs = get("montant_equipement_demande"), get("indicateurs")
    if (
        (sons is not None and type(sons) is not bool)
        or (candidate is not None and type(candidate) is not bool)
        or (equipement is not None and (type(equipement) is not int or equipement < 0))
        or indicateurs is not None
        or not _CHAMPS_LENTS.isdisjoint(cles)
    ):
        return None
    return MembreInput(
        finess_et=et,
        finess_ej=ej,
        categorie=categorie,
        region=region,  # type: ignore[arg-type]
        departement=departement,
        cas=cas,  # type: ignore[arg-type]
        solution_dui=solution,
        solution_referencee_segur=referencee,
        autres_fonds_ue=fonds_ue,
        deja_finance_pour=deja,
        part_heures_eligibles=part,
        sons_eligible=sons,
        solution_candidate_segur=bool(candidate),
        montant_equipement_demande=equipement,
        indicateurs=None,
    )


def _lire_membre(lecteur: _Lecteur, brut: Any, chemin: str) -> MembreInput | None:
    donnees = lecteur.objet(brut, chemin, CHAMPS_MEMBRE)
    if donnees is None:
        return None
    avant = len(lecteur.erreurs)
    et = lecteur.finess(donnees, "finess_et", f"{chemin}.finess_et")
    ej = lecteur.finess(donnees, "finess_ej", f"{chemin}.finess_ej")

    categorie_brute = donnees.get("categorie")
    categorie = None
    if categorie_brute is None:
        lecteur.erreur(f"{chemin}.categorie", "champ obligatoire manquant")
    elif isinstance(categorie_brute, bool) or not isinstance(categorie_brute, str | int):
        lecteur.erreur(f"{chemin}.categorie", "code de catégorie FINESS attendu (3 chiffres, ex. « 500 »)")
    else:
        categorie = normaliser_code(str(categorie_brute))
        if not (categorie.isdigit() and len(categorie) == 3):
            lecteur.erreur(
                f"{chemin}.categorie",
                f"code de catégorie FINESS « {categorie_brute} » mal formé (3 chiffres attendus)",
            )

    region = lecteur.region(donnees, "region", f"{chemin}.region")
    departement_brut = lecteur.texte(donnees, "departement", f"{chemin}.departement")
    departement = None
    if departement_brut is not None:
        departement = normaliser_departement(departement_brut)
        region_du_departement = REGION_PAR_DEPARTEMENT.get(departement)
        if region_du_departement is None:
            lecteur.erreur(f"{chemin}.departement", f"département « {departement_brut} » inconnu")
        elif region is not None and region_du_departement != region:
            lecteur.erreur(
                f"{chemin}.departement", f"le département {departement} n'appartient pas à la région {region}"
            )
        elif et is not None and departement_du_numero(et) != departement:
            lecteur.erreur(
                f"{chemin}.finess_et",
                f"le numéro désigne le département {departement_du_numero(et) or 'inconnu'}, et non {departement}",
            )

    cas = donnees.get("cas")
    if cas is None:
        lecteur.erreur(f"{chemin}.cas", "champ obligatoire manquant")
    elif cas not in CAS:
        lecteur.erreur(f"{chemin}.cas", f"cas « {cas} » inconnu (attendu : {', '.join(CAS)})")
    solution = lecteur.texte(donnees, "solution_dui", f"{chemin}.solution_dui")
    solution_registre = _lire_referencement(
        lecteur, donnees.get("referencement_segur"), f"{chemin}.referencement_segur"
    )
    referencee = lecteur.booleen(
        donnees,
        "solution_referencee_segur",
        f"{chemin}.solution_referencee_segur",
        obligatoire=donnees.get("referencement_segur") is None,
    )
    commande_sons = _lire_commande_sons(lecteur, donnees.get("commande_sons"), f"{chemin}.commande_sons")
    fonds_ue = lecteur.booleen(donnees, "autres_fonds_ue", f"{chemin}.autres_fonds_ue", obligatoire=True)
    deja = donnees.get("deja_finance_pour")
    if deja is not None and (not isinstance(deja, str) or not deja.strip()):
        lecteur.erreur(f"{chemin}.deja_finance_pour", "nom de solution ou null attendu")

    part = UN
    if donnees.get("part_heures_eligibles") is not None:
        lu = lecteur.nombre(donnees["part_heures_eligibles"], f"{chemin}.part_heures_eligibles")
        if lu is not None and not ZERO <= lu <= UN:
            lecteur.erreur(f"{chemin}.part_heures_eligibles", "nombre entre 0 et 1 attendu")
        elif lu is not None:
            part = lu
    sons_a_deriver = donnees.get("sons_eligible") == "derive"
    sons = None if sons_a_deriver else lecteur.booleen(donnees, "sons_eligible", f"{chemin}.sons_eligible")
    candidate = lecteur.booleen(
        donnees, "solution_candidate_segur", f"{chemin}.solution_candidate_segur", defaut=False
    )
    equipement = lecteur.entier(
        donnees, "montant_equipement_demande", f"{chemin}.montant_equipement_demande", obligatoire=False
    )

    indicateurs: Mapping[str, Decimal] | None = None
    if donnees.get("indicateurs") is not None:
        brut_indicateurs = donnees["indicateurs"]
        if not isinstance(brut_indicateurs, Mapping):
            lecteur.erreur(f"{chemin}.indicateurs", "objet {code d'indicateur: valeur} attendu")
        else:
            lus: dict[str, Decimal] = {}
            for code, valeur in brut_indicateurs.items():
                nombre = lecteur.nombre(valeur, f"{chemin}.indicateurs.{code}")
                if nombre is not None:
                    lus[str(code)] = nombre
            indicateurs = MappingProxyType(lus)

    referencement = donnees.get("referencement")
    if referencement is not None and referencement not in REFERENCEMENTS:
        lecteur.erreur(
            f"{chemin}.referencement",
            f"référencement « {referencement} » inconnu (attendu : {', '.join(REFERENCEMENTS)})",
        )
    date_referencement = None
    if donnees.get("date_referencement") is not None:
        try:
            date_referencement = date.fromisoformat(str(donnees["date_referencement"]))
        except ValueError:
            lecteur.erreur(
                f"{chemin}.date_referencement",
                f"date invalide (« {donnees['date_referencement']} », format AAAA-MM-JJ)",
            )
    ght = lecteur.booleen(donnees, "ght", f"{chemin}.ght", defaut=False)

    if len(lecteur.erreurs) > avant:
        return None
    return MembreInput(
        finess_et=et,  # type: ignore[arg-type]
        finess_ej=ej,  # type: ignore[arg-type]
        categorie=categorie,  # type: ignore[arg-type]
        region=region,  # type: ignore[arg-type]
        departement=departement,  # type: ignore[arg-type]
        cas=str(cas),
        solution_dui=solution,  # type: ignore[arg-type]
        solution_referencee_segur=bool(referencee),
        autres_fonds_ue=bool(fonds_ue),
        deja_finance_pour=deja.strip() if isinstance(deja, str) else None,
        part_heures_eligibles=part,
        sons_eligible=sons,
        solution_candidate_segur=bool(candidate),
        montant_equipement_demande=equipement,
        indicateurs=indicateurs,
        referencement=referencement,
        date_referencement=date_referencement,
        ght=bool(ght),
        commande_sons=commande_sons,
        sons_connu="commande_sons" in donnees,
        solution_registre=solution_registre,
        sons_a_deriver=sons_a_deriver,
    )


def _date_iso(lecteur: _Lecteur, donnees: Mapping[str, Any], cle: str, chemin: str, obligatoire: bool) -> date | None:
    valeur = donnees.get(cle)
    if valeur is None:
        if obligatoire:
            lecteur.erreur(f"{chemin}.{cle}", "champ obligatoire manquant")
        return None
    try:
        return date.fromisoformat(str(valeur))
    except ValueError:
        lecteur.erreur(f"{chemin}.{cle}", f"date invalide (« {valeur} », format AAAA-MM-JJ)")
        return None


def _lire_commande_sons(lecteur: _Lecteur, brut: Any, chemin: str) -> CommandeSonsInput | None:
    if brut is None:
        return None
    donnees = lecteur.objet(brut, chemin, CHAMPS_COMMANDE_SONS)
    if donnees is None:
        return None
    avant = len(lecteur.erreurs)
    solution = lecteur.texte(donnees, "solution", f"{chemin}.solution")
    vague = donnees.get("vague")
    if vague not in VAGUES_SONS:
        lecteur.erreur(f"{chemin}.vague", f"vague « {vague} » inconnue (attendu : {', '.join(map(str, VAGUES_SONS))})")
    statut = donnees.get("statut", "commande")
    if statut not in STATUTS_COMMANDE:
        lecteur.erreur(f"{chemin}.statut", f"statut « {statut} » inconnu (attendu : {', '.join(STATUTS_COMMANDE)})")
    commande = _date_iso(lecteur, donnees, "date_commande", chemin, True)
    deploiement = _date_iso(lecteur, donnees, "date_deploiement", chemin, False)
    if commande and deploiement and deploiement < commande:
        lecteur.erreur(f"{chemin}.date_deploiement", "date de déploiement antérieure à la date de commande")
    textes = {}
    for cle in ("version", "editeur"):
        if donnees.get(cle) is not None:
            textes[cle] = lecteur.texte(donnees, cle, f"{chemin}.{cle}")
    if len(lecteur.erreurs) > avant:
        return None
    return CommandeSonsInput(solution=solution, vague=vague, date_commande=commande,  # type: ignore[arg-type]
                             statut=statut, date_deploiement=deploiement, **textes)


def _lire_referencement(lecteur: _Lecteur, brut: Any, chemin: str) -> SolutionReferencee | None:
    if brut is None:
        return None
    donnees = lecteur.objet(brut, chemin, CHAMPS_REFERENCEMENT)
    if donnees is None:
        return None
    avant = len(lecteur.erreurs)
    textes = {cle: lecteur.texte(donnees, cle, f"{chemin}.{cle}") for cle in ("solution", "version", "editeur")}
    vague = donnees.get("vague")
    if vague not in VAGUES_SONS:
        lecteur.erreur(f"{chemin}.vague", f"vague « {vague} » inconnue (attendu : {', '.join(map(str, VAGUES_SONS))})")
    couloir = donnees.get("couloir", "medico_social")
    if couloir not in COULOIRS:
        lecteur.erreur(f"{chemin}.couloir", f"couloir « {couloir} » inconnu (attendu : {', '.join(COULOIRS)})")
    secteurs = donnees.get("secteurs")
    if not isinstance(secteurs, list) or not secteurs or any(s not in SECTEURS for s in secteurs):
        lecteur.erreur(f"{chemin}.secteurs", f"liste non vide de secteurs attendue ({', '.join(SECTEURS)})")
    debut = _date_iso(lecteur, donnees, "date_referencement", chemin, True)
    retrait = _date_iso(lecteur, donnees, "date_retrait", chemin, False)
    if len(lecteur.erreurs) > avant:
        return None
    return SolutionReferencee(editeur=textes["editeur"], nom=textes["solution"], version=textes["version"],  # type: ignore[arg-type]
                              vague=vague, couloir=couloir, secteurs=tuple(secteurs),  # type: ignore[arg-type]
                              date_referencement=debut, date_retrait=retrait)  # type: ignore[arg-type]


def _lire_date_heure(lecteur: _Lecteur, valeur: Any) -> datetime | None:
    if valeur is None:
        lecteur.erreur("submitted_at", "champ obligatoire manquant")
        return None
    if not isinstance(valeur, str):
        lecteur.erreur("submitted_at", "date et heure ISO 8601 attendues (ex. 2024-09-15T18:30:00+02:00)")
        return None
    try:
        instant = datetime.fromisoformat(valeur)
    except ValueError:
        lecteur.erreur(
            "submitted_at", f"date et heure invalides (« {valeur} », ex. 2024-09-15T18:30:00+02:00)"
        )
        return None
    if instant.tzinfo is None or instant.utcoffset() is None:
        lecteur.erreur("submitted_at", "décalage horaire manquant (ex. 2024-09-15T18:30:00+02:00 ou …Z)")
        return None
    return instant


def parse_dossier(data: Any) -> DossierInput:
    """Validate a dossier dict (JSON contract) and build the typed input; raises `RulesInputError`."""
    lecteur = _Lecteur()
    racine = lecteur.objet(data, "", CHAMPS_DOSSIER)
    if racine is None:
        raise RulesInputError(["(racine) : objet JSON attendu"])

    campagne = None
    if racine.get("campaign") is None:
        lecteur.erreur("campaign", "champ obligatoire manquant")
    elif isinstance(racine["campaign"], bool) or not isinstance(racine["campaign"], str | int):
        lecteur.erreur("campaign", 'code de campagne attendu (ex. "2024" ou "2021-1")')
    else:
        try:
            campagne = normaliser_code_campagne(racine["campaign"])
        except CampagneInconnue as exc:
            lecteur.erreur("campaign", exc.erreurs[0])
    submitted_at = _lire_date_heure(lecteur, racine.get("submitted_at"))

    appel = racine.get("call")
    if appel is not None and appel not in APPELS:
        lecteur.erreur("call", f"appel « {appel} » inconnu (attendu : {', '.join(APPELS)})")
    date_parametres = None
    if racine.get("date_parametres") is not None:
        try:
            date_parametres = date.fromisoformat(str(racine["date_parametres"]))
        except ValueError:
            lecteur.erreur(
                "date_parametres", f"date invalide (« {racine['date_parametres']} », format AAAA-MM-JJ)"
            )
    trace = lecteur.booleen(racine, "trace_complete", "trace_complete", defaut=False)
    region_pilote = lecteur.region(racine, "region_pilote", "region_pilote", obligatoire=False)

    porteur = None
    brut_porteur = (
        lecteur.objet(racine.get("porteur"), "porteur", CHAMPS_PORTEUR) if "porteur" in racine else None
    )
    if "porteur" not in racine:
        lecteur.erreur("porteur", "champ obligatoire manquant")
    elif brut_porteur is not None:
        ej = lecteur.finess(brut_porteur, "finess_ej", "porteur.finess_ej")
        nb = lecteur.entier(brut_porteur, "nb_essms_geres", "porteur.nb_essms_geres", minimum=1)
        region = lecteur.region(brut_porteur, "region", "porteur.region", obligatoire=False)
        if ej is not None and nb is not None:
            porteur = PorteurInput(ej, nb, region)

    organismes: dict[str, int] = {}
    brut_organismes = racine.get("organismes")
    if brut_organismes is not None:
        if not isinstance(brut_organismes, list):
            lecteur.erreur("organismes", "liste attendue")
        else:
            for rang, brut in enumerate(brut_organismes):
                chemin = f"organismes[{rang}]"
                donnees = lecteur.objet(brut, chemin, CHAMPS_ORGANISME)
                if donnees is None:
                    continue
                ej = lecteur.finess(donnees, "finess_ej", f"{chemin}.finess_ej")
                nb = lecteur.entier(donnees, "nb_essms_geres", f"{chemin}.nb_essms_geres", minimum=1)
                if ej is not None and ej in organismes:
                    lecteur.erreur(f"{chemin}.finess_ej", f"organisme {ej} déjà déclaré")
                elif ej is not None and nb is not None:
                    organismes[ej] = nb

    membres: list[MembreInput] = []
    brut_membres = racine.get("members")
    if brut_membres is None:
        lecteur.erreur("members", "champ obligatoire manquant")
    elif not isinstance(brut_membres, list) or not brut_membres:
        lecteur.erreur("members", "liste non vide d'établissements attendue")
    else:
        for rang, brut in enumerate(brut_membres):
            membre = _membre_rapide(brut) or _lire_membre(lecteur, brut, f"members[{rang}]")
            if membre is not None:
                membres.append(membre)

    versement = None
    if racine.get("versement") is not None:
        donnees = lecteur.objet(racine["versement"], "versement", CHAMPS_VERSEMENT)
        if donnees is not None:
            montant = lecteur.entier(donnees, "montant_convention", "versement.montant_convention")
            deja = lecteur.entier(donnees, "deja_verse", "versement.deja_verse", obligatoire=False)
            signee = lecteur.booleen(donnees, "convention_signee", "versement.convention_signee", defaut=True)
            if montant is not None:
                versement = VersementInput(montant, deja or 0, bool(signee))

    if lecteur.erreurs:
        raise RulesInputError(lecteur.erreurs)
    return DossierInput(
        campaign=campagne,  # type: ignore[arg-type]
        submitted_at=submitted_at,  # type: ignore[arg-type]
        porteur=porteur,  # type: ignore[arg-type]
        members=tuple(membres),
        call=appel,
        date_parametres=date_parametres,
        organismes=MappingProxyType(organismes),
        versement=versement,
        trace_complete=bool(trace),
        region_pilote=region_pilote,
    )
