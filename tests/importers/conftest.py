"""Shared pieces of the importer tests: the public sample files and a SAF-T pack.

The samples live in ../shared/data beside the project (see its README for their known
facts); the tests that read them skip with the reason when that folder is absent.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SAFT = DATA / "saft-no" / "saft_no_888888888_2018.xml"
SAFT_SMALL = DATA / "saft-no" / "saft_no_999999999_2016.xml"
BANK = DATA / "bank"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"public sample {path} is not here (../shared/data beside the project)")
    return path


def run_cli(*args: str):
    from typer.testing import CliRunner

    from close.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="session")
def saft_pack(tmp_path_factory) -> Path:
    """The Norwegian sample imported once; tests that change it take a copy."""
    from close.importers.saft import import_saft

    out = tmp_path_factory.mktemp("saft") / "pack"
    import_saft(need(SAFT), out)
    return out


@pytest.fixture
def pack_copy(saft_pack, tmp_path) -> Path:
    dest = tmp_path / "pack"
    shutil.copytree(saft_pack, dest, ignore=shutil.ignore_patterns(".close"))
    return dest
