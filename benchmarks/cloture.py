"""Deadline-day scenario of benchmarks/load.py (`--scenario cloture`): the data it needs, its Locust users and the
exactly-once check of the filings afterwards.

- `preparer` (Django configured, national programme already generated): a version of campagne 2025 whose calls
  close on the Paris date one hour from now (the rules' deadline is 23:59 Paris time of that date), the demo register
  of Ségur-referenced solutions, porteur accounts each representing organismes with enough free eligible
  establishments to build grappes (kits of `taille` establishments of one organisme, so that every member is
  accepted), ARS agents with the filed dossiers of their region to instruct, DUI vendors with their authorised
  establishments and API tokens.
- `LOCUSTFILE`: porteurs looping without pause (create → members → solution → documents → summary → filing →
  dossier page → receipt; now and then the filing form sent twice at once), agents (queue, filters, dossier,
  export, « passer en instruction »), vendors (indicators and evidence through the API).
- `verifier(depots)`: every filing the clients saw succeed is in the database once, filed, with its documents;
  no grappe created twice, no dossier filed twice; the filings nobody was told about.
"""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from datetime import timedelta

MOT_DE_PASSE = "charge-mot-de-passe-2024"
CAMPAGNE = "2025"
MOTIF = "Charge : jour de clôture (benchmarks/cloture.py)"
PERIODE_USAGE = ("2025-01-01", "2025-03-31")


def _version_de_cloture(*, admin, taille: int):
    """A new version of campagne 2025: every call open, closing on the Paris date one hour from now; the minimum
    grappe size set to `taille` (the référentiel holds too few organismes with 15 free establishments)."""
    from django.utils import timezone

    from esms.candidatures import campagnes
    from esms.candidatures.models import Campagne
    from esms.candidatures.regles import version_en_vigueur

    campagne = Campagne.objects.get(code=CAMPAGNE)
    aujourdhui = timezone.localdate()
    cloture = timezone.localdate(timezone.now() + timedelta(hours=1))
    parametres = campagnes.fenetre_ouverte_aujourdhui(version_en_vigueur(campagne).parametres, aujourdhui)
    for fenetre in parametres["calendrier"].values():
        if isinstance(fenetre, dict) and "cloture" in fenetre:
            fenetre["cloture"]["valeur"] = cloture.isoformat()
    parametres["grappe"]["taille_min"]["valeur"] = taille
    for cle, bloc in parametres["grappe"].items():
        if cle.startswith("taille_min_") and isinstance(bloc, dict):
            bloc["valeur"] = min(bloc["valeur"], taille)
    campagnes.nouvelle_version(actor=admin, campagne=campagne, parametres=parametres, date_effet=aujourdhui,
                               motif=MOTIF)
    return campagne, cloture


def kits_libres(*, taille: int, campagne) -> list[tuple[str, list[str]]]:
    """(organisme, `taille` establishments) groups: open, eligible establishments in no retained dossier and in no
    grappe of `campagne`, cut organisme by organisme (ordered by region, so that most grappes stay regional)."""
    from esms.candidatures.models import Membre
    from esms.referentiel.models import Etablissement

    bloques = Membre.objects.filter(grappe__dossier__montant_retenu__isnull=False).values("etablissement_id")
    de_la_campagne = Membre.objects.filter(grappe__campagne=campagne).values("etablissement_id")
    par_organisme: dict[str, list[str]] = defaultdict(list)
    for finess, organisme in (Etablissement.objects.filter(ouvert=True, categorie__eligible=True)
                              .exclude(pk__in=bloques).exclude(pk__in=de_la_campagne)
                              .order_by("organisme_id", "region_id", "finess_et")
                              .values_list("finess_et", "organisme_id")):
        par_organisme[organisme].append(finess)
    kits = []
    for organisme, ets in sorted(par_organisme.items(), key=lambda paire: (-len(paire[1]), paire[0])):
        kits += [(organisme, ets[i:i + taille]) for i in range(0, len(ets) - taille + 1, taille)]
    return kits


def preparer(*, admin, porteurs: int = 100, agents: int = 20, editeurs: int = 10, taille: int = 5) -> dict:
    """Accounts, tokens and work lists of the scenario (see the module docstring); returns the clients' config."""
    from esms.api.services import creer_jeton
    from esms.candidatures.models import Dossier
    from esms.comptes.models import Role
    from esms.comptes.permissions import SYSTEME
    from esms.comptes.services import create_user
    from esms.demo import referencement
    from esms.demo.pdf import pdf_minimal

    campagne, cloture = _version_de_cloture(admin=admin, taille=taille)
    referencement.charger_registre(admin)
    solution = referencement.solution("Solution DUI Atlas")  # referenced for every sector since 2022

    kits = kits_libres(taille=taille, campagne=campagne)
    if len(kits) < porteurs:
        raise ValueError(f"Référentiel insuffisant : {len(kits)} grappes de {taille} établissements possibles pour "
                         f"{porteurs} porteurs.")
    comptes_porteurs = []
    for i in range(porteurs):
        les_kits = kits[i::porteurs]
        organismes = sorted({og for og, _ in les_kits})
        create_user(actor=SYSTEME, username=f"charge-porteur-{i:03d}", password=MOT_DE_PASSE,
                    role=Role.RESPONSABLE_OG, organismes=organismes)
        comptes_porteurs.append({"compte": f"charge-porteur-{i:03d}",
                                 "kits": [{"organisme": og, "finess": ets} for og, ets in les_kits]})

    # Agents: the regions with the most filed dossiers, each agent instructing its own share of them.
    deposes: dict[str, list[int]] = defaultdict(list)
    for pk, region in (Dossier.objects.filter(etat="depose", region_pilote__isnull=False)
                       .order_by("region_pilote_id", "pk").values_list("pk", "region_pilote_id")):
        deposes[region].append(pk)
    if not deposes:
        raise ValueError("Aucun dossier déposé à instruire : générez d'abord le programme national.")
    regions = sorted(deposes, key=lambda r: (-len(deposes[r]), r))[:max(1, min(len(deposes), agents // 2))]
    comptes_agents = []
    for i in range(agents):
        region = regions[i % len(regions)]
        rang, nombre = i // len(regions), len(range(i % len(regions), agents, len(regions)))
        create_user(actor=SYSTEME, username=f"charge-agent-{i:03d}", password=MOT_DE_PASSE, role=Role.AGENT_ARS,
                    region=region)
        comptes_agents.append({"compte": f"charge-agent-{i:03d}", "region": region,
                               "a_instruire": deposes[region][rang::nombre]})

    # Vendors: the members of dossiers in usage follow-up, split between them.
    suivis = list(Dossier.objects.filter(etat="en_suivi_usage", grappe__membres__isnull=False)
                  .order_by("pk", "grappe__membres__etablissement_id")
                  .values_list("grappe__membres__etablissement_id", flat=True))
    if len(suivis) < editeurs:
        raise ValueError("Trop peu d'établissements en suivi d'usage pour les éditeurs : générez d'abord le "
                         "programme national.")
    jetons = []
    for i in range(editeurs):
        ets = suivis[i::editeurs][:200]
        editeur = create_user(actor=SYSTEME, username=f"charge-editeur-{i:03d}", password=MOT_DE_PASSE,
                              role=Role.EDITEUR, etablissements=ets)
        jetons.append({"jeton": creer_jeton(actor=SYSTEME, utilisateur=editeur, nom="Charge clôture",
                                            portees=["usages:ecrire"])[1], "finess": ets})
    return {
        "campagne": CAMPAGNE, "cloture": cloture.isoformat(), "taille": taille, "mot_de_passe": MOT_DE_PASSE,
        "solution": solution.pk, "porteurs": comptes_porteurs, "agents": comptes_agents,
        "editeurs": jetons, "periode": PERIODE_USAGE, "kits": len(kits),
        "pdf": base64.b64encode(pdf_minimal("Piece de charge (benchmarks/cloture.py)")).decode(),
    }


# ---------------------------------------------------------------------------------------------------------------
# The check after the run


def verifier(depots: list[dict]) -> dict:
    """`depots`: what the clients were told, one entry per success answer {"pk", "numero" (None when the client
    did not read the dossier page), "nom"}. Returns the
    counts (`perdus` and `doublons` must be 0) and the first problems in French."""
    from django.core.files.storage import default_storage
    from django.db.models import Count

    from esms.candidatures.etats import ETATS_ENGAGEANTS
    from esms.candidatures.models import Dossier, Grappe, Transition

    problemes: list[str] = []
    confirmes: dict[int, dict] = {}
    for depot in depots:
        confirmes.setdefault(int(depot["pk"]), depot)
    dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in=list(confirmes)).prefetch_related("documents")
                .select_related("grappe")}
    depots_par_dossier = dict(Transition.objects.filter(nom="deposer").values("dossier_id")
                              .annotate(n=Count("pk")).values_list("dossier_id", "n"))
    perdus = 0
    for pk, depot in sorted(confirmes.items()):
        dossier = dossiers.get(pk)
        raison = None
        if dossier is None:
            raison = "absent de la base"
        elif depot["numero"] is not None and dossier.numero != depot["numero"]:
            raison = f"numéro {dossier.numero!r} en base, {depot['numero']!r} annoncé"
        elif dossier.etat not in ETATS_ENGAGEANTS or dossier.depose_le is None:
            raison = f"état « {dossier.etat} »"
        elif depots_par_dossier.get(pk, 0) != 1:
            raison = f"{depots_par_dossier.get(pk, 0)} dépôts dans l'historique"
        else:
            deposes = Counter((doc["type"], doc["sha256"]) for doc in (dossier.contenu_depose or {}).get("documents", []))
            presents = Counter((d.type, d.sha256) for d in dossier.documents.all()
                               if default_storage.exists(d.fichier.name))
            if not deposes or deposes - presents:
                raison = f"pièces manquantes ({sum((deposes - presents).values())} sur {sum(deposes.values())})"
        if raison:
            perdus += 1
            problemes.append(f"Dossier {pk} ({depot['numero']}) : {raison}.")
    doublons_depot = [pk for pk, n in depots_par_dossier.items() if n > 1]
    doublons_grappe = list(Grappe.objects.filter(nom__startswith="Charge ").values("nom", "porteur_id")
                           .annotate(n=Count("pk")).filter(n__gt=1).values_list("nom", flat=True))
    problemes += [f"Dossier {pk} : déposé {depots_par_dossier[pk]} fois." for pk in doublons_depot]
    problemes += [f"Grappe « {nom} » créée plusieurs fois." for nom in doublons_grappe]
    deposes_en_base = set(Dossier.objects.filter(grappe__nom__startswith="Charge ", depose_le__isnull=False)
                          .values_list("pk", flat=True))
    return {
        "succes_annonces": len(depots), "dossiers_confirmes": len(confirmes), "perdus": perdus,
        "doublons": len(doublons_depot) + len(doublons_grappe), "reponses_en_double": len(depots) - len(confirmes),
        "deposes_en_base": len(deposes_en_base), "deposes_sans_reponse": len(deposes_en_base - set(confirmes)),
        "problemes": problemes[:20],
    }


# ---------------------------------------------------------------------------------------------------------------
# The Locust scenario (written to a temporary file by load.py: Locust's gevent must not patch that process)

LOCUSTFILE = '''
"""Locust scenario `cloture` of benchmarks/load.py (generated from benchmarks/cloture.py)."""
import base64
import itertools
import json
import os
import random
import re
import uuid

import gevent
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

CONFIG = json.loads(open(os.environ["ESMS_CHARGE_CONFIG"], encoding="utf-8").read())
PDF = base64.b64decode(CONFIG["pdf"])
PAUSE = between(*CONFIG["pause"]) if CONFIG["pause"][1] > 0 else constant(0)
RANG_PORTEUR, RANG_AGENT, RANG_EDITEUR = itertools.count(), itertools.count(), itertools.count()
DEPOTS = []  # success answers to a filing: {"pk", "numero", "nom"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NUMERO = re.compile(r"déposé sous le numéro ([A-Za-z0-9-]+)")
TITRE = re.compile(r'class="fr-alert__title"[^>]*>([^<]+)<')
RAISON = re.compile(r"<li>([^<]{0,120})")


@events.quitting.add_listener
def _ecrire_depots(environment, **kwargs):
    with open(os.environ["ESMS_CHARGE_DEPOTS"], "w", encoding="utf-8") as sortie:
        json.dump(DEPOTS, sortie)


def multipart(champs, fichier):
    """A multipart/form-data body: the text fields and one file (name, file name, bytes, type)."""
    limite = uuid.uuid4().hex
    morceaux = []
    for nom, valeur in champs.items():
        morceaux.append(f'--{limite}\\r\\nContent-Disposition: form-data; name="{nom}"\\r\\n\\r\\n{valeur}\\r\\n'.encode())
    nom, nom_fichier, contenu, genre = fichier
    morceaux.append(f'--{limite}\\r\\nContent-Disposition: form-data; name="{nom}"; filename="{nom_fichier}"\\r\\n'
                    f"Content-Type: {genre}\\r\\n\\r\\n".encode() + contenu + b"\\r\\n")
    morceaux.append(f"--{limite}--\\r\\n".encode())
    return b"".join(morceaux), {"Content-Type": f"multipart/form-data; boundary={limite}"}


def refus(page):
    """The refusal shown on a re-rendered page: its title and first reason."""
    titre = TITRE.search(page)
    if not titre:
        entete = re.search(r"<title>([^<]{0,120})", page)
        return f" : page « {entete.group(1).strip()} »" if entete else ""
    raison = RAISON.search(page, titre.end())
    return f" : {titre.group(1).strip()}" + (f" — {raison.group(1).strip()}" if raison else "")


class Navigateur(FastHttpUser):
    abstract = True

    def connecter(self, compte):
        page = self.client.get("/comptes/connexion/", name="(connexion)")
        self.client.post("/comptes/connexion/", name="(connexion)", data={
            "username": compte, "password": CONFIG["mot_de_passe"],
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1)})
        self.csrf = None  # rotated at login: read again from the next page with a form

    def page(self, chemin, nom, **kw):
        with self.client.get(chemin, name=nom, catch_response=True, **kw) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"HTTP {reponse.status_code}")
            elif (jeton := CSRF.search(reponse.text or "")):
                self.csrf = jeton.group(1)
            return reponse

    def envoyer(self, chemin, nom, donnees=None, fichier=None):
        """A form POST expecting the redirect of a success (a re-rendered page is a refusal: failure)."""
        donnees = {"csrfmiddlewaretoken": self.csrf, **(donnees or {})}
        entetes = {"Referer": self.client.base_url + chemin}
        if fichier:
            corps, type_ = multipart(donnees, fichier)
            entetes.update(type_)
        else:
            corps = donnees
        with self.client.post(chemin, name=nom, data=corps, headers=entetes, allow_redirects=False,
                              catch_response=True) as reponse:
            if reponse.status_code != 302:
                reponse.failure(f"HTTP {reponse.status_code}" + refus(reponse.text or ""))
            return reponse


class Porteur(Navigateur):
    """A porteur building and filing grappes without pause, one kit of its organismes' establishments each."""
    fixed_count = CONFIG["effectifs"]["porteurs"]
    wait_time = constant(0)

    def on_start(self):
        self.config = CONFIG["porteurs"][next(RANG_PORTEUR) % len(CONFIG["porteurs"])]
        self.kits = list(self.config["kits"])
        self.connecter(self.config["compte"])
        # Redirects never followed from here on: the filing form is sent twice at once below, and FastHttpSession
        # switches redirects off and back on around each request, which races between two simultaneous requests.
        self.client.client.redirect_response_codes = frozenset()

    @task
    def deposer_une_grappe(self):
        if not self.kits:
            raise StopUser()  # its organismes have no free establishments left
        kit = self.kits.pop(0)
        nom = f"Charge {self.config['compte']} {uuid.uuid4().hex[:8]}"
        self.page("/candidatures/creer/", "1 formulaire de création")
        reponse = self.envoyer("/candidatures/creer/", "2 création de la grappe (POST)", {
            "campagne": CONFIG["campagne"], "porteur": kit["organisme"], "nom": nom, "solution": CONFIG["solution"],
            "description": "Grappe du test de charge"})
        emplacement = reponse.headers.get("location") or ""
        trouve = re.search(r"/dossiers/(\\d+)/", emplacement)
        if not trouve:
            return
        pk = trouve.group(1)
        base = f"/candidatures/dossiers/{pk}"
        self.page(base + "/modifier/", "3 page d'édition")
        self.envoyer(base + "/membres/", "4 ajout des membres (POST)",
                     {"finess": "\\n".join(kit["finess"]), "cas": "usage"})
        self.envoyer(base + "/grappe/", "5 solution DUI et champs (POST)", {
            "nom": nom, "solution": CONFIG["solution"], "description": "Grappe du test de charge, solution choisie",
            "region_pilote_choisie": ""})
        for type_ in ("lettre_engagement", "convention_grappe", "non_cumul_ue"):
            self.envoyer(base + "/pieces/", "6 dépôt d'une pièce (POST)", {"type": type_},
                         fichier=("fichier", f"{type_}.pdf", PDF, "application/pdf"))
        self.page(base + "/deposer/", "7 récapitulatif")
        if random.random() < CONFIG["double_envoi"]:
            envois = [gevent.spawn(self.envoyer, base + "/deposer/", "8 dépôt confirmé, envoyé deux fois (POST)",
                                   {"confirmation": "on"}) for _ in range(2)]
            gevent.joinall(envois)
            reponses = [envoi.value for envoi in envois if envoi.value is not None]
        else:
            reponses = [self.envoyer(base + "/deposer/", "8 dépôt confirmé (POST)", {"confirmation": "on"})]
        # A success answer: the redirect to the dossier page (a second, simultaneous sending is answered the same way
        # once the first has filed it); the number is read on that page.
        succes = [{"pk": int(pk), "numero": None, "nom": nom} for envoi in reponses if envoi.status_code == 302]
        DEPOTS.extend(succes)  # recorded at once: the run may stop this client before the next page
        page = self.page(base + "/", "9 page du dossier déposé")
        for numero in NUMERO.findall(page.text or "")[:1]:
            for depot in succes:
                depot["numero"] = numero
        with self.client.get(base + "/accuse-de-depot.pdf", name="10 accusé de dépôt (PDF)",
                             catch_response=True) as accuse:
            if accuse.status_code != 200 or not (accuse.content or b"").startswith(b"%PDF"):
                accuse.failure(f"HTTP {accuse.status_code}, pas un PDF")


class Agent(Navigateur):
    """An ARS agent instructing: queue, filters, a dossier, an export, « passer en instruction »."""
    fixed_count = CONFIG["effectifs"]["agents"]
    wait_time = PAUSE

    def on_start(self):
        self.config = CONFIG["agents"][next(RANG_AGENT) % len(CONFIG["agents"])]
        self.a_instruire = list(self.config["a_instruire"])
        self.connecter(self.config["compte"])

    @task(3)
    def file(self):
        self.page("/candidatures/instruction/", "agent file d'instruction")

    @task(2)
    def filtres(self):
        self.page("/candidatures/instruction/", "agent file filtrée", params={
            "etat": random.choice(["depose", "en_instruction", ""]), "campagne": CONFIG["campagne"],
            "tri": random.choice(["", "-depot", "montant"])})

    @task(3)
    def dossier(self):
        if self.config["a_instruire"]:
            self.page(f"/candidatures/dossiers/{random.choice(self.config['a_instruire'])}/", "agent page dossier")

    @task(1)
    def export(self):
        self.page("/candidatures/instruction/export.csv", "agent export CSV", params={"etat": "depose"})

    @task(1)
    def transition(self):
        if self.a_instruire:
            pk = self.a_instruire.pop(0)
            self.page(f"/candidatures/dossiers/{pk}/", "agent page dossier")
            self.envoyer(f"/candidatures/dossiers/{pk}/transitions/ouvrir_instruction/",
                         "agent passer en instruction (POST)", {"commentaire": ""})


class Editeur(FastHttpUser):
    """A DUI vendor's tool pushing indicators and small evidence files through the API."""
    fixed_count = CONFIG["effectifs"]["editeurs"]
    wait_time = PAUSE

    def on_start(self):
        self.config = CONFIG["editeurs"][next(RANG_EDITEUR) % len(CONFIG["editeurs"])]
        self.entetes = {"Authorization": "Bearer " + self.config["jeton"]}

    @task(3)
    def indicateurs(self):
        debut, fin = CONFIG["periode"]
        self.client.post("/api/v1/usages/indicateurs", name="éditeur API indicateurs (POST)", headers=self.entetes,
                         json={"finess_et": random.choice(self.config["finess"]), "debut": debut, "fin": fin,
                               "dui_actifs": random.randint(10, 90), "valeurs": {}})

    @task(1)
    def preuve(self):
        debut, fin = CONFIG["periode"]
        et = random.choice(self.config["finess"])
        lignes = ["usager;finess_et;horodatage;type_evenement;role_auteur"] + [
            f"U{uuid.uuid4().hex[:10]};{et};2025-02-{1 + n % 27:02d}T10:00:00+01:00;mise_a_jour;infirmier"
            for n in range(random.randint(5, 40))]
        corps, type_ = multipart({"finess_et": et, "debut": debut, "fin": fin},
                                 ("fichier", "extraction.csv", ("\\n".join(lignes) + "\\n").encode(), "text/csv"))
        self.client.post("/api/v1/usages/preuves", name="éditeur API preuve (POST)", data=corps,
                         headers={**self.entetes, **type_})
'''
