"""The one refusal type: stable codes, every French reason, one converter for pages and one for the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from esms.api.gestionnaires import traduire
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.workflow import TransitionInterdite
from esms.financement.erreurs import EnveloppeInsuffisante, EnveloppeIntrouvable
from esms.refus import Refus, RefusPermission, code_de, hors_perimetre, non_habilite, pour_page
from esms.rules.erreurs import ErreursLocalisees
from esms.usages.erreurs import IdentifiantsDirects, PreuveInvalide, UsageRefuse


@pytest.mark.parametrize("classe, code", [
    (CandidatureRefusee, "refus_metier"), (UsageRefuse, "refus_metier"),
    (TransitionInterdite, "transition_interdite"), (EnveloppeInsuffisante, "enveloppe_insuffisante"),
    (EnveloppeIntrouvable, "enveloppe_introuvable"), (PreuveInvalide, "fichier_invalide"),
    (IdentifiantsDirects, "identifiants_directs"), (RefusPermission, "non_habilite"),
])
def test_chaque_alias_est_un_refus_avec_son_code(classe, code):
    refus = classe(["Première raison.", "Seconde raison."])
    assert isinstance(refus, Refus)
    assert refus.code == code == code_de(refus)
    assert refus.messages == ["Première raison.", "Seconde raison."]
    assert str(refus) == "Première raison. Seconde raison."


def test_un_refus_de_permission_est_un_permission_denied():
    assert isinstance(non_habilite("Non."), PermissionDenied)
    assert hors_perimetre("Ailleurs.").code == "hors_perimetre"
    assert code_de(PermissionDenied("Refus d'une bibliothèque.")) == "non_habilite"


def test_la_page_montre_chaque_raison_et_laisse_le_403_a_django():
    contexte = pour_page(CandidatureRefusee(["Dépôt refusé : pièces manquantes.", "Le budget."]), "Dépôt refusé")
    assert contexte == {"titre": "Dépôt refusé : pièces manquantes.", "raisons": ["Le budget."],
                        "code": "refus_metier"}
    assert pour_page(ValidationError(["Champ vide."]), "Création refusée")["raisons"] == ["Champ vide."]
    refus = hors_perimetre("Cet objet est hors de votre périmètre.")
    with pytest.raises(RefusPermission):
        pour_page(refus, "Refusé")
    assert pour_page(refus, "Refusé", permission_sur_la_page=True)["code"] == "hors_perimetre"


def test_l_api_classe_par_le_code_jamais_par_le_texte():
    # The French wording no longer decides: a scope refusal worded like a role refusal stays `hors_perimetre`.
    assert traduire(hors_perimetre("Vous n'êtes pas habilité à voir ceci.")).code == "hors_perimetre"
    assert traduire(non_habilite("Seule la région pilote décide.")).code == "non_habilite"
    erreur = traduire(TransitionInterdite("Impossible de retenir."))
    assert (erreur.code, erreur.statut, erreur.details[0]["code"]) == ("refus_metier", 409, "refus_metier")
    erreur = traduire(PreuveInvalide(["ligne 3 : date illisible.", "ligne 9 : colonne manquante."]))
    assert (erreur.code, erreur.statut) == ("donnees_invalides", 422)
    assert [d["champ"] for d in erreur.details] == ["fichier", "fichier"]
    assert traduire(UsageRefuse("Période invalide.", champ="fin")).details[0]["champ"] == "fin"
    assert traduire(ErreursLocalisees(["grappe.membres : vide"])).code == "refus_metier"
