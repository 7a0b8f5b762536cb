"""Console script `esms`: Django management commands with the project's settings, plus `esms rules …` and `esms bourse …`.

`esms rules …` and `esms bourse …` are answered by pure-Python packages without starting Django, except
`esms rules simuler`, which reads the campaign's dossiers in the database (management command `simuler`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:2] == ["rules", "simuler"]:
        args = ["simuler", *args[2:]]
    elif args and args[0] == "rules":
        from esms.rules.cli import main as rules_main

        return rules_main(args[1:])
    if args and args[0] == "bourse":
        from esms.bourse.solveur.cli import main as bourse_main

        return bourse_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esms.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["esms", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
