"""A national-scale programme built set-based (bulk_create, never the per-row services) on the référentiel already
loaded: campagnes 2021 to 2025, grappes and dossiers in every workflow state, regional envelopes with their
dotations and engagements, conventions, payments, indicator reports and ARS-validated active-DUI figures.

Totals follow the published figures at `echelle=1` (see docs/demo-nationale.md for the sources): ≈ 6 000
establishments funded in 2021, ≈ 17 000 by end 2023, ≈ 21 200 by 2025, ≈ 1 400 dossiers filed, 410 000 active
DUIs reported for the last quarter of 2024. Every funded establishment belongs to exactly one retained dossier.
Used by `esms demo --national` and by benchmarks/load.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from esms.candidatures.etats import ETATS_CONVENTIONNES, ETATS_FINANCES, ETATS_SUIVIS

# Per campagne: dossiers filed, establishments funded (members of the retained dossiers), share of each state.
PROGRAMME: list[tuple[str, int, int, dict[str, float]]] = [
    ("2021-1", 90, 1_350, {"solde": 0.62, "clos": 0.17, "non_retenu": 0.17, "sans_suite": 0.04}),
    ("2021-2", 190, 4_650, {"solde": 0.60, "en_suivi_usage": 0.25, "non_retenu": 0.11, "retire": 0.04}),
    ("2022", 230, 5_300, {"solde": 0.40, "en_suivi_usage": 0.47, "non_retenu": 0.11, "sans_suite": 0.02}),
    ("2023", 280, 5_700, {"en_suivi_usage": 0.70, "solde": 0.16, "non_retenu": 0.11, "retire": 0.03}),
    ("2024", 300, 2_700, {"retenu": 0.05, "conventionne": 0.20, "en_suivi_usage": 0.25, "non_retenu": 0.40,
                          "sans_suite": 0.05, "retire": 0.05}),
    ("2025", 310, 1_500, {"brouillon": 0.10, "depose": 0.20, "en_instruction": 0.25, "complement_demande": 0.10,
                          "retenu": 0.10, "conventionne": 0.06, "non_retenu": 0.15, "retire": 0.04}),
]
# The state groups are those of candidatures/etats.py (the dashboards count the same funded dossiers); a funded
# dossier always gets its montant_retenu, so a « clos » one counts as closed after its balance.
FINANCES = frozenset(str(e) for e in ETATS_FINANCES)
CONVENTIONNES = frozenset(str(e) for e in ETATS_CONVENTIONNES)
EN_USAGE = frozenset(str(e) for e in ETATS_SUIVIS)
DUI_ACTIFS_FIN_2024 = 410_000
TAILLE_NON_RETENU = 15
# Hypothèse : forfait de démonstration par établissement (le calcul réel dépend des règles de chaque campagne).
MONTANT_PAR_ET = 9_000
TRIMESTRES_2024 = [(date(2024, 1, 1), date(2024, 3, 31)), (date(2024, 4, 1), date(2024, 6, 30)),
                   (date(2024, 7, 1), date(2024, 9, 30)), (date(2024, 10, 1), date(2024, 12, 31))]


@dataclass
class Bilan:
    """What was generated: volumes, and the dossiers with their members (for callers such as the load test)."""

    dossiers: list = field(default_factory=list)
    membres: dict[int, list[str]] = field(default_factory=dict)
    volumes: dict[str, int] = field(default_factory=dict)


def _etats(nombre: int, parts: dict[str, float]) -> list[str]:
    """`nombre` states in the given shares, each state at least once (the largest absorbs the rounding)."""
    comptes = {etat: max(1, round(part * nombre)) for etat, part in parts.items()}
    while sum(comptes.values()) > max(nombre, len(parts)):
        comptes[max(comptes, key=lambda etat: comptes[etat])] -= 1
    comptes[max(parts, key=lambda etat: parts[etat])] += max(0, nombre - sum(comptes.values()))
    return [etat for etat, n in comptes.items() for _ in range(n)]


def _repartir(total: int, nombre: int) -> list[int]:
    """`total` split into `nombre` whole parts differing by at most one."""
    base, reste = divmod(total, nombre)
    return [base + (1 if i < reste else 0) for i in range(nombre)]


def compte_auteur():
    """The national administrator recorded as author of the generated rows (created once, through the service)."""
    from esms.comptes.models import Role, User
    from esms.comptes.permissions import SYSTEME
    from esms.comptes.services import create_user
    from esms.demo.comptes import DEMO_PASSWORD

    existant = User.objects.filter(username="admin.programme").first()
    return existant or create_user(actor=SYSTEME, username="admin.programme", password=DEMO_PASSWORD,
                                   role=Role.ADMIN_NATIONAL)


def generer(*, echelle: float = 1.0, acteur) -> Bilan:
    """Build the programme at `echelle` (1 = national) in one transaction; the référentiel must be loaded.
    `acteur` is the account recorded as author of the rows (a national administrator)."""
    from django.db import transaction

    from esms import rules
    from esms.candidatures import campagnes as services_campagnes
    from esms.candidatures.models import Campagne, Dossier, Grappe, Membre
    from esms.comptes.permissions import SYSTEME
    from esms.financement.models import Convention, Enveloppe, LigneEnveloppe, Versement
    from esms.referentiel.models import Etablissement
    from esms.usages.models import Canal, DuiActifValide, RapportIndicateurs, ValidationUsage

    reserve = list(Etablissement.objects.filter(ouvert=True, categorie__eligible=True).exclude(membres__isnull=False)
                   .order_by("region_id", "organisme_id", "finess_et").values_list("finess_et", "region_id",
                                                                                   "organisme_id"))
    plan = []
    for code, nb_dossiers, nb_finances, parts in PROGRAMME:
        etats = _etats(max(len(parts), round(nb_dossiers * echelle)), parts)
        retenus = sum(1 for e in etats if e in FINANCES)
        tailles = iter(_repartir(max(retenus, round(nb_finances * echelle)), retenus))
        plan.append((code, [(etat, next(tailles) if etat in FINANCES else TAILLE_NON_RETENU) for etat in etats]))
    besoin = sum(taille for _, prevus in plan for etat, taille in prevus if etat in FINANCES)
    # Checked before anything is written (the campagnes come next).
    if besoin > len(reserve):
        raise ValueError(f"Référentiel insuffisant : {besoin} établissements éligibles ouverts nécessaires, "
                         f"{len(reserve)} chargés (chargez le fichier FINESS national).")
    for code, *_ in PROGRAMME:
        if not Campagne.objects.filter(code=code).exists():
            services_campagnes.charger(actor=SYSTEME, code=code)
    # Funded members are taken once each from the pool (a stride through the region-ordered pool spreads them over
    # every region, consecutive ones keep grappes regional); the other dossiers' members come from what is left.
    finances = reserve[::max(1, len(reserve) // max(1, besoin))][:besoin]
    pris = {f for f, _, _ in finances}
    restants = [et for et in reserve if et[0] not in pris] or reserve
    finances.sort(key=lambda et: (et[1], et[2], et[0]))
    bilan = Bilan()
    curseur_f = curseur_r = 0
    with transaction.atomic():
        lignes_grappes, groupes, meta = [], [], []
        for code, prevus in plan:
            campagne = Campagne.objects.get(code=code)
            version = campagne.versions.filter(statut="publiee").order_by("-numero").first()
            for i, (etat, taille) in enumerate(prevus):
                if etat in FINANCES:
                    membres = finances[curseur_f:curseur_f + taille]
                    curseur_f += taille
                else:
                    membres = [restants[(curseur_r + k) % len(restants)] for k in range(taille)]
                    curseur_r += taille
                region = membres[0][1]
                lignes_grappes.append(Grappe(nom=f"Grappe {code} n° {i + 1:04d} – {region}", campagne=campagne,
                                             porteur_id=membres[0][2], solution_dui=f"Solution {i % 9}",
                                             creee_par=acteur))
                groupes.append(membres)
                meta.append((code, campagne, version, i, etat))
        grappes = Grappe.objects.bulk_create(lignes_grappes, batch_size=1000)
        Membre.objects.bulk_create([Membre(grappe=g, etablissement_id=et[0])
                                    for g, membres in zip(grappes, groupes, strict=True) for et in membres],
                                   batch_size=5000)
        lignes_dossiers = []
        for g, membres, (code, _, version, i, etat) in zip(grappes, groupes, meta, strict=True):
            annee = int(code[:4])
            depot = datetime(annee, 5, 1, 10, tzinfo=UTC) + timedelta(days=i % 120)
            montant = len(membres) * MONTANT_PAR_ET
            regions = {et[1] for et in membres}
            lignes_dossiers.append(Dossier(
                grappe=g, numero=None if etat == "brouillon" else f"{code}-N{i + 1:05d}", etat=etat,
                appel="" if etat == "brouillon" else ("multiregional" if len(regions) > 1 else "regional"),
                region_pilote_id=membres[0][1], version=version, montant_demande=montant,
                montant_retenu=montant if etat in FINANCES else None,
                depose_le=None if etat == "brouillon" else depot,
                decide_le=depot + timedelta(days=75) if etat in FINANCES | {"non_retenu"} else None,
                verdict=None if etat == "brouillon" else {"eligible": True, "motifs": [], "financement": {
                    "par_membre": [{"finess_et": et[0], "montant": MONTANT_PAR_ET} for et in membres]}}))
        dossiers = Dossier.objects.bulk_create(lignes_dossiers, batch_size=1000)
        Dossier.regions.through.objects.bulk_create([
            Dossier.regions.through(dossier_id=d.pk, region_id=r)
            for d, membres in zip(dossiers, groupes, strict=True) for r in sorted({et[1] for et in membres})],
            batch_size=5000)
        bilan.dossiers = dossiers
        bilan.membres = {d.pk: [et[0] for et in membres] for d, membres in zip(dossiers, groupes, strict=True)}

        # Envelopes: per campagne and region, a dotation covering the engagements with a 10 % margin.
        engages: dict[tuple[int, str | None], list] = defaultdict(list)
        codes = {}
        for d, (code, campagne, *_) in zip(dossiers, meta, strict=True):
            codes[campagne.pk] = code
            if d.etat in FINANCES:
                engages[(campagne.pk, d.region_pilote_id)].append(d)
        existantes = {(e.campagne_id, e.region_id): e for e in Enveloppe.objects.filter(campagne_id__in=codes)}
        enveloppes = list(existantes.values()) + Enveloppe.objects.bulk_create([
            Enveloppe(campagne_id=c, region_id=r, libelle=f"Enveloppe {codes[c]} – région {r}")
            for c, r in sorted(engages) if (c, r) not in existantes])
        enveloppes = [e for e in enveloppes if (e.campagne_id, e.region_id) in engages]
        lignes = []
        for e in enveloppes:
            du_perimetre = engages[(e.campagne_id, e.region_id)]
            total = sum(d.montant_retenu or 0 for d in du_perimetre)
            lignes.append(LigneEnveloppe(enveloppe=e, type="dotation", montant=-(-total * 11 // 10 // 100_000) * 100_000,
                                         libelle="Délégation de crédits", acteur=acteur))
            lignes += [LigneEnveloppe(enveloppe=e, type="engagement", montant=-d.montant_retenu, dossier_id=d.pk,
                                      libelle=f"Engagement {d.numero}", acteur=acteur) for d in du_perimetre]
        LigneEnveloppe.objects.bulk_create(lignes, batch_size=5000)

        # Conventions and payments: advance at signature (paid once in follow-up), balance paid once balanced.
        parts_avance = {code: rules.load_campagne(code).versement.part_avance.valeur for code, *_ in PROGRAMME}
        conventionnes = [(d, m) for d, m in zip(dossiers, meta, strict=True) if d.etat in CONVENTIONNES]
        conventions, versements = [], []
        for d, (code, _, _, _, etat) in conventionnes:
            montant = d.montant_retenu or 0
            avance = int(Decimal(montant) * parts_avance[code])
            conventions.append(Convention(dossier_id=d.pk, numero=f"CONV-{d.numero}", montant=montant,
                                          date_signature=date(int(code[:4]), 9, 1), echeancier=[
                                              {"type": "avance", "montant": avance, "condition": "à la signature "
                                               "de la convention", "part": str(parts_avance[code])},
                                              {"type": "solde", "montant": montant - avance,
                                               "condition": "à l'atteinte des cibles d'usage validée par l'ARS",
                                               "part": str(1 - parts_avance[code])}]))
            versements.append(Versement(dossier_id=d.pk, type="avance", montant=avance, acteur=acteur,
                                        statut="ordonne" if etat == "conventionne" else "paye",
                                        libelle=f"Avance {d.numero}"))
            if etat in ("solde", "clos"):
                versements.append(Versement(dossier_id=d.pk, type="solde", montant=montant - avance,
                                            statut="paye", acteur=acteur, libelle=f"Solde {d.numero}"))
        Convention.objects.bulk_create(conventions, batch_size=2000)
        Versement.objects.bulk_create(versements, batch_size=5000)

        # Usage: the 2024 quarters reported for every establishment of the dossiers in follow-up of campagnes up
        # to 2024, rising to 410 000 active DUIs (× echelle) in the last quarter; the ARS validated that quarter.
        suivis = [d for d, m in zip(dossiers, meta, strict=True) if d.etat in EN_USAGE and m[0] != "2025"]
        couples = [(d.pk, finess) for d in suivis for finess in bilan.membres[d.pk]]
        rapports, valides = [], []
        if couples:
            for k, (debut, fin) in enumerate(TRIMESTRES_2024):
                cible = round(DUI_ACTIFS_FIN_2024 * echelle * (0.7 + 0.1 * k))
                for (dossier_id, finess), nombre in zip(couples, _repartir(cible, len(couples)), strict=True):
                    rapports.append(RapportIndicateurs(
                        dossier_id=dossier_id, etablissement_id=finess, periode_debut=debut, periode_fin=fin,
                        dui_actifs=nombre, valeurs={"taux_dui_actifs": "0.8"}, canal=Canal.FICHIER, auteur=acteur))
            RapportIndicateurs.objects.bulk_create(rapports, batch_size=5000)
            debut, fin = TRIMESTRES_2024[-1]
            validations = ValidationUsage.objects.bulk_create([
                ValidationUsage(dossier_id=d.pk, periode_debut=debut, periode_fin=fin, decision="validee",
                                verdict={}, acteur=acteur, entrees=f"demo-nationale-{d.pk}") for d in suivis],
                batch_size=1000)
            valide_le = datetime(2025, 2, 15, 12, tzinfo=UTC)
            par_dossier = {r.etablissement_id: r.dui_actifs for r in rapports if r.periode_fin == fin}
            valides = [DuiActifValide(validation=v, etablissement_id=finess, dui_actifs=par_dossier[finess],
                                      declare=par_dossier[finess], recalcule=par_dossier[finess], periode_fin=fin,
                                      valide_le=valide_le)
                       for v, d in zip(validations, suivis, strict=True) for finess in bilan.membres[d.pk]]
            DuiActifValide.objects.bulk_create(valides, batch_size=5000)
    bilan.volumes = {"dossiers": len(dossiers), "etablissements_finances": besoin, "enveloppes": len(enveloppes),
                     "conventions": len(conventions), "versements": len(versements), "rapports": len(rapports),
                     "dui_valides": len(valides)}
    return bilan
