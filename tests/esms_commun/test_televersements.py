"""The shared upload module: limits checked while streaming, gzip and ZIP bombs refused, memory bounded."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest

from esms import televersements
from esms.televersements import TeleversementRefuse


class _Flux(io.RawIOBase):
    """A binary stream of `taille` bytes that counts what was read (never materialised)."""

    def __init__(self, taille: int):
        self.reste, self.lu = taille, 0

    def readable(self):
        return True

    def read(self, n=-1):
        n = min(self.reste, 1 << 20 if n is None or n < 0 else n)
        self.reste -= n
        self.lu += n
        return b"a" * n


def test_recevoir_hashes_and_cleans(settings, tmp_path):
    settings.ESMS_DOSSIER_TELEVERSEMENTS = tmp_path
    with televersements.recevoir(b"abc", nom="../../etc/x.csv", genre="indicateurs") as recu:
        assert recu.nom == "x.csv"
        assert recu.chemin.read_bytes() == b"abc"
        assert recu.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert not recu.chemin.exists()


def test_limit_is_checked_while_streaming(settings, tmp_path):
    settings.ESMS_DOSSIER_TELEVERSEMENTS = tmp_path
    settings.ESMS_LIMITES_TELEVERSEMENT = {"indicateurs": 3 * 1024 * 1024}
    flux = _Flux(50 * 1024 * 1024)
    with pytest.raises(TeleversementRefuse, match=r"« gros\.csv » : le fichier dépasse la taille maximale admise \(3 Mio\)"):
        televersements.recevoir(flux, nom="gros.csv", genre="indicateurs")
    assert flux.lu <= 4 * 1024 * 1024  # stopped at the limit, not at the end of the stream
    assert list(tmp_path.iterdir()) == []  # the partial temporary file is removed


def _recu(tmp_path, contenu: bytes, nom: str) -> televersements.Fichier:
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    return televersements.recevoir(chemin, nom=nom, genre="preuves", dossier=tmp_path / "t")


def test_gzip_decompressed_with_several_members(settings, tmp_path):
    contenu = gzip.compress(b"a;b\n") + gzip.compress(b"1;2\n")
    recu = _recu(tmp_path, contenu, "x.csv.gz")
    sortie = televersements.decompresser(recu, genre="preuves")
    assert sortie.nom == "x.csv" and sortie.chemin.read_bytes() == b"a;b\n1;2\n" and sortie.taille == 8


def _bombe(taille: int) -> bytes:
    """A gzip of `taille` zero bytes, built by streaming (a 1 GiB bomb is about 1 MB)."""
    compresseur = zlib.compressobj(9, zlib.DEFLATED, 31)
    morceaux, bloc = [], b"\0" * (1 << 20)
    for _ in range(taille // len(bloc)):
        morceaux.append(compresseur.compress(bloc))
    morceaux.append(compresseur.flush())
    return b"".join(morceaux)


def test_gzip_bomb_refused_by_ratio(settings, tmp_path):
    recu = _recu(tmp_path, _bombe(64 * 1024 * 1024), "bombe.csv.gz")
    assert recu.taille < 200_000
    with pytest.raises(TeleversementRefuse, match="dépasse 100 fois sa taille compressée"):
        televersements.decompresser(recu, genre="preuves")
    assert [p.name for p in recu.chemin.parent.iterdir()] == [recu.chemin.name]  # partial output removed


def test_gzip_refused_by_decompressed_size(settings, tmp_path):
    settings.ESMS_LIMITES_DECOMPRESSION = {"preuves": 2 * 1024 * 1024}
    settings.ESMS_RATIO_DECOMPRESSION_MAX = 10**6
    recu = _recu(tmp_path, _bombe(8 * 1024 * 1024), "bombe.csv.gz")
    with pytest.raises(TeleversementRefuse, match=r"dépasse la taille maximale admise \(2 Mio\)"):
        televersements.decompresser(recu, genre="preuves")


@pytest.mark.parametrize("contenu", [b"\x1f\x8b\x08\x00garbage", gzip.compress(b"x" * 10_000)[:-20]])
def test_damaged_gzip_refused(tmp_path, contenu):
    recu = _recu(tmp_path, contenu, "abime.csv.gz")
    with pytest.raises(TeleversementRefuse, match="archive gzip"):
        televersements.decompresser(recu, genre="preuves")


def test_zip_container_caps(settings, tmp_path):
    chemin = tmp_path / "classeur.xlsx"
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(TeleversementRefuse, match="dépasse la taille maximale admise"):
        televersements.verifier_zip(chemin, nom="classeur.xlsx", genre="indicateurs")
    (tmp_path / "faux.xlsx").write_bytes(b"PK\x03\x04 nope")
    with pytest.raises(TeleversementRefuse, match="classeur illisible"):
        televersements.verifier_zip(tmp_path / "faux.xlsx", nom="faux.xlsx", genre="indicateurs")


def test_gzip_bomb_stays_under_600_mb(tmp_path):
    """A 1 GiB bomb (about 1 MB compressed, the issue's), in a fresh process, with the ratio cap off and a
    256 MiB size cap: refused by the size cap, peak RSS bounded (the 8 GiB figures are in benchmarks/)."""
    bombe = tmp_path / "bombe.csv.gz"
    compresseur, bloc = zlib.compressobj(9, zlib.DEFLATED, 31), b"\0" * (1 << 22)
    with open(bombe, "wb") as sortie:
        for _ in range(1024 // 4):
            sortie.write(compresseur.compress(bloc))
        sortie.write(compresseur.flush())
    script = textwrap.dedent(f"""
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esms.settings.test")
        django.setup()
        from django.conf import settings
        settings.ESMS_RATIO_DECOMPRESSION_MAX = 10**9  # only the size cap stops it
        settings.ESMS_LIMITES_DECOMPRESSION = {{"preuves": 256 * 1024 * 1024}}
        from esms import televersements
        recu = televersements.recevoir({str(bombe)!r}, nom="bombe.csv.gz", genre="preuves",
                                       dossier=__import__("pathlib").Path({str(tmp_path)!r}) / "t")
        try:
            televersements.decompresser(recu, genre="preuves")
        except televersements.TeleversementRefuse as exc:
            print("REFUS", exc)
        # VmHWM: this process's peak RSS (ru_maxrss would include the forking pytest process's own peak)
        print("RSS", next(ligne.split()[1] for ligne in open("/proc/self/status") if ligne.startswith("VmHWM")))
    """)
    sortie = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=600)
    assert "REFUS" in sortie.stdout and "dépasse la taille maximale admise (256 Mio)" in sortie.stdout
    rss_kio = int(sortie.stdout.split("RSS")[1])
    assert rss_kio < 600 * 1024
    assert not any(Path(tmp_path / "t").glob("decompresse-*"))
