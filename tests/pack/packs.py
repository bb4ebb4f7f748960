"""Building test packs: the good pack, and each bad pack as the good pack plus one defect.

A folder under bad_packs/ holds only what differs from good_pack/ (whole tiny files, so
a reader sees the defect in place), `remove.txt` naming files to delete, and
`expected.txt` with the exact problems `close validate` must print, one per line.
"""
from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).parent
GOOD_PACK = HERE / "good_pack"
BAD_PACKS = HERE / "bad_packs"
CONTROL_FILES = {"expected.txt", "remove.txt"}


def bad_cases() -> list[str]:
    return sorted(p.name for p in BAD_PACKS.iterdir() if p.is_dir())


def copy_good_pack(dest: Path) -> Path:
    shutil.copytree(GOOD_PACK, dest)
    return dest


def build_bad_pack(case: str, dest: Path) -> Path:
    copy_good_pack(dest)
    case_dir = BAD_PACKS / case
    for file in case_dir.iterdir():
        if file.name not in CONTROL_FILES:
            shutil.copy(file, dest / file.name)
    removals = case_dir / "remove.txt"
    if removals.exists():
        for name in removals.read_text().split():
            (dest / name).unlink()
    return dest


def expected_problems(case: str) -> list[str]:
    return (BAD_PACKS / case / "expected.txt").read_text().splitlines()
