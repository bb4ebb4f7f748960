"""Where a pack's tables live: a folder of .csv/.parquet files, or one .xlsx workbook.

Finding the files is separate from reading them so the loader, the validator and the
digest all agree on which files make up a pack (and therefore on its sha256). A pack's
files are regular files in its folder: a link to a file elsewhere would make the books
depend on something outside the pack (and outside its sha256's meaning), and a folder,
named pipe or device named like a table is reported as what it is, never opened.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from .control_bytes import ControlScan
from .problems import NotAPack, Problem
from .schema import TABLES

TABLE_SUFFIXES = (".csv", ".parquet")
PACK_SHEET = "pack"  # the workbook sheet that holds pack.toml's keys


@dataclass(frozen=True)
class TableSource:
    """One table's data: a file in a folder pack, or a sheet of a workbook pack."""

    table: str
    path: Path
    fmt: str  # "csv", "parquet" or "xlsx"

    @property
    def label(self) -> str:
        """How problems name the source: `journal_lines.csv`, `acme.xlsx[journal_lines]`."""
        if self.fmt == "xlsx":
            return f"{self.path.name}[{self.table}]"
        return self.path.name


@dataclass(frozen=True)
class PackSources:
    path: Path
    kind: str  # "folder" or "xlsx"
    tables: dict[str, TableSource]
    problems: tuple[Problem, ...]  # e.g. both journal_lines.csv and .parquet present
    # table -> file name, for a table whose only entry is not a file the pack may read
    # (a folder, a FIFO, a link outside the pack): reported in `problems`, not "missing".
    unusable: dict[str, str] = field(default_factory=dict)

    @property
    def content_files(self) -> list[Path]:
        """The files whose bytes are the pack: what the sha256 covers."""
        if self.kind == "xlsx":
            return [self.path]
        files = [s.path for s in self.tables.values()]
        toml = self.path / "pack.toml"
        if toml.is_file() and entry_problem(toml, self.path) is None:
            files.append(toml)
        return files

    def label(self, table: str) -> str:
        """The name a missing table would have had, for 'is missing' problems."""
        if self.kind == "xlsx":
            return f"{self.path.name}[{table}]"
        return f"{table}.csv"


def locate(pack_path) -> PackSources:
    """Resolve a pack path to its table sources, or raise NotAPack (a usage error)."""
    path = Path(pack_path).resolve()
    if not path.exists():
        raise NotAPack([Problem(str(path), None, None, None, "does not exist")])
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise NotAPack([Problem(str(path), None, None, None,
                                    "is not a ledger pack (a folder of CSV/Parquet files or an .xlsx workbook)")])
        return _locate_workbook(path)
    return _locate_folder(path)


def entry_problem(path: Path, root: Path) -> str | None:
    """Why the entry at `path` (which exists, perhaps as a dangling link) cannot be read
    as one of the pack's files, or None for a regular file, or a link to one inside the
    pack folder `root` (resolved). Only stat, never open: opening a named pipe would
    block until something writes to it."""
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root):
            return f"is a link to {target}, outside the pack: copy the file into the pack"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"is a link to {os.readlink(path)}, which does not exist"
    except OSError as exc:  # a link loop, a permission refused on the way
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return f"is {kind}, not a file"
    return "is not a regular file"


def _locate_folder(path: Path) -> PackSources:
    tables: dict[str, TableSource] = {}
    problems: list[Problem] = []
    unusable: dict[str, str] = {}
    for spec in TABLES:
        found = []
        for entry in (path / f"{spec.name}{sfx}" for sfx in TABLE_SUFFIXES):
            if not os.path.lexists(entry):
                continue
            problem = entry_problem(entry, path)
            if problem is None:
                found.append(entry)
            else:
                problems.append(Problem(entry.name, None, None, None, problem))
                unusable.setdefault(spec.name, entry.name)
        if len(found) > 1:
            problems.append(Problem(found[1].name, None, None, None,
                                    f"and {found[0].name} are both present: keep one of them"))
        if found:
            tables[spec.name] = TableSource(spec.name, found[0], found[0].suffix[1:])
            unusable.pop(spec.name, None)
    if not tables and not unusable and not os.path.lexists(path / "pack.toml"):
        raise NotAPack([Problem(str(path), None, None, None,
                                "is not a ledger pack: it has no pack.toml and no table files")])
    return PackSources(path, "folder", tables, tuple(problems), unusable)


def _locate_workbook(path: Path) -> PackSources:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise NotAPack([Problem(path.name, None, None, None, f"is not a readable .xlsx workbook ({exc})")]) from exc
    try:
        names = set(wb.sheetnames)
    finally:
        wb.close()
    tables = {t.name: TableSource(t.name, path, "xlsx") for t in TABLES if t.name in names}
    return PackSources(path, "xlsx", tables, ())


@dataclass(frozen=True)
class FileDigest:
    """One file of a pack as the workpapers list it: name, sha256, size in bytes; and the
    file's status when it was read (file_stamp), or "" when it may have been changing.
    `controls`: whether its bytes hold a control character (close.pack.control_bytes),
    for the load; None when not known (the digest was read back from a database)."""
    name: str
    sha256: str
    size: int
    stamp: str = field(default="", compare=False)
    controls: bool | None = field(default=None, compare=False)


# A file whose status changed less than this long before it was read may be written
# again within the same tick of the file system's clock (a second or two on some), and
# would then show the same status with other bytes: its stamp is not kept, and it is
# hashed at every open. Git treats its index entries the same way ("racily clean").
SETTLED_NS = 3_000_000_000


def file_stamp(status: os.stat_result) -> str:
    """What changes whenever a file's bytes do: its device, inode, size, modification and
    status-change times. The last is set by the system on every write, rename or utime
    and cannot be set back by a program, so a file rewritten to the same size with its
    modification time restored still shows another stamp."""
    return (f"{status.st_dev}:{status.st_ino}:{status.st_size}:"
            f"{status.st_mtime_ns}:{status.st_ctime_ns}")


def files_unchanged(sources: PackSources, files: tuple[FileDigest, ...]) -> bool:
    """True when the pack is exactly the recorded files, each with its recorded stamp:
    then their digests (and the pack's, which covers nothing else) still hold, and an
    unchanged pack opens without reading its bytes again."""
    current = sorted(sources.content_files, key=lambda p: p.name)
    if [p.name for p in current] != [f.name for f in files]:
        return False
    try:
        return all(f.stamp and file_stamp(p.stat()) == f.stamp for p, f in zip(current, files))
    except OSError:
        return False


def pack_sha256(sources: PackSources) -> str:
    """Hex sha256 of the pack's content: for each file sorted by name, its name, a NUL,
    its size, a NUL, then its bytes. The size makes the framing unambiguous."""
    digest = hashlib.sha256()
    for file in sorted(sources.content_files, key=lambda p: p.name):
        digest.update(_header(file.name, file.stat().st_size))
        with open(file, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _header(name: str, size: int) -> bytes:
    """What precedes a file's bytes in the pack's digest: its name and size."""
    return name.encode() + b"\0" + str(size).encode() + b"\0"


def pack_digests(sources: PackSources) -> tuple[str, tuple[FileDigest, ...]]:
    """The pack's sha256 (pack_sha256) and each file's own, from one read of the bytes
    (which also looks for control characters: FileDigest.controls).

    A close needs both (the pack's to know whether its database is current, the files'
    for the workpapers): reading a 2 GB journal twice cost seconds. The file's digest is
    updated on a helper thread while the pack's is, hashlib releasing the GIL for large
    updates, so the two cost about what one does."""
    from concurrent.futures import ThreadPoolExecutor

    digest, files = hashlib.sha256(), []
    with ThreadPoolExecutor(max_workers=1) as helper:
        for file in sorted(sources.content_files, key=lambda p: p.name):
            before, started = file.stat(), time.time_ns()
            digest.update(_header(file.name, before.st_size))
            own, controls = hashlib.sha256(), ControlScan()
            with open(file, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    done = helper.submit(own.update, chunk)
                    digest.update(chunk)
                    controls.update(chunk)
                    done.result()
            stamp = file_stamp(before)
            settled = before.st_ctime_ns <= started - SETTLED_NS and file_stamp(file.stat()) == stamp
            files.append(FileDigest(file.name, own.hexdigest(), before.st_size, stamp if settled else "",
                                    controls.found))
    return digest.hexdigest(), tuple(files)
