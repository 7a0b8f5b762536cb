from esms.referencement.siren import erreur_siren


def test_siren_valide():
    assert erreur_siren("732829320") is None
    assert erreur_siren("732 829 320") is None


def test_siren_cle_invalide():
    assert "clé de contrôle invalide" in erreur_siren("732829321")


def test_siren_mal_forme():
    assert "9 chiffres" in erreur_siren("12345")
    assert "9 chiffres" in erreur_siren("ABCDEFGHI")
    assert erreur_siren("") == "SIREN manquant"
