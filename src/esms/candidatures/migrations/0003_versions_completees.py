"""Stored parameter versions written before the rules gained new parameters (issue 10: calendars per ARS,
selection windows, commitment deadline, budget lines, referencing, programme facts) get each missing
leaf from the shipped campaign of the same code; values already stored are never changed."""

from django.db import migrations


def _completer(stocke: dict, livre: dict) -> bool:
    change = False
    for cle, valeur in livre.items():
        if cle not in stocke:
            stocke[cle] = valeur
            change = True
        elif isinstance(valeur, dict) and isinstance(stocke[cle], dict) and "valeur" not in valeur:
            change = _completer(stocke[cle], valeur) or change
    return change


def completer(apps, schema_editor):
    from esms import rules

    VersionParametres = apps.get_model("candidatures", "VersionParametres")
    livres = {}
    for version in VersionParametres.objects.select_related("campagne").order_by("pk"):
        code = version.campagne.code
        if code not in rules.CODES_CAMPAGNES:
            continue
        if code not in livres:
            livres[code] = rules.campagne_to_dict(rules.load_campagne(code))
        livre = {k: v for k, v in livres[code].items() if k not in ("amendements_appliques",)}
        if _completer(version.parametres, livre):
            version.save(update_fields=["parametres"])


class Migration(migrations.Migration):
    dependencies = [("candidatures", "0002_regles_textes")]
    operations = [migrations.RunPython(completer, migrations.RunPython.noop)]
