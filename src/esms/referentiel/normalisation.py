'''Text clean-up shared by the importer and the search: FINESS raw quoting and search keys.

Raw quoting — decision
----------------------
The Etalab extract has no quoting convention of its own, but fields that contained `"` were CSV-quoted
upstream, sometimes several times over: `"EHPAD ""LE CORNILLON"" ST RAMBERT"`,
`"""""SELARL PHARMACIE GRAND"""""`, `"Lieu dit """"LES BOURBES"""""`. We store a display value:

1. a field wrapped in quotes loses its outer pair and its inner doubled quotes become single ones
   (standard CSV un-quoting, applied once);
2. any remaining run of several quotes is collapsed to one quote.

So the three examples become `EHPAD "LE CORNILLON" ST RAMBERT`, `"SELARL PHARMACIE GRAND"` and
`Lieu dit "LES BOURBES"`. No field of the extract contains `;`, so quoting never hides a separator.
'''

from __future__ import annotations

import re
import unicodedata

_QUOTES_MULTIPLES = re.compile('"{2,}')
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def valeur_affichee(brute: str) -> str:
    """Display value of a raw FINESS field (see the module docstring for the quoting rule)."""
    if '"' not in brute:
        return brute.strip()
    valeur = brute.strip()
    if len(valeur) >= 2 and valeur[0] == '"' and valeur[-1] == '"':
        valeur = valeur[1:-1].replace('""', '"')
    return _QUOTES_MULTIPLES.sub('"', valeur).strip()


def cle_recherche(*parties: str) -> str:
    """Accent- and case-insensitive search key: upper-case ASCII words separated by one space.

    « Résidence l'Œillet » → « RESIDENCE L OEILLET ». Used for `nom_recherche` and for the query.
    """
    texte = " ".join(p for p in parties if p)
    if not texte:
        return ""
    texte = texte.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    if not texte.isascii():
        texte = "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", texte.upper()).strip()
