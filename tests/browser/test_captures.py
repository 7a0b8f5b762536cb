"""A failing browser test leaves a screenshot of where it stopped in var/captures/ (kept by CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

RACINE = Path(__file__).resolve().parents[2]


def test_a_failing_browser_test_leaves_a_screenshot(tmp_path, chromium_path):
    essai = RACINE / "tests" / "browser" / "test_zz_echec_volontaire_tmp.py"
    essai.write_text(
        "import pytest\n"
        "pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]\n"
        "def test_echoue(page):\n"
        "    page.goto('/')\n"
        "    assert False, 'échec voulu'\n", encoding="utf-8")
    capture = RACINE / "var" / "captures" / "tests_browser_test_zz_echec_volontaire_tmp.py_test_echoue.png"
    capture.unlink(missing_ok=True)
    try:
        # On SQLite: the outer run's PostgreSQL test database is in use.
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        resultat = subprocess.run([sys.executable, "-m", "pytest", str(essai), "-q", "-p", "no:cacheprovider"],
                                  cwd=RACINE, env=env, capture_output=True, text=True, timeout=300)
    finally:
        essai.unlink()
    assert resultat.returncode == 1, resultat.stdout[-2000:]
    assert capture.exists() and capture.read_bytes().startswith(b"\x89PNG")
    capture.unlink()
