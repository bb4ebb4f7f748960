"""load_pack and open_pack: a pack becomes a DuckDB file, atomically.

The database is built in a temporary file beside the target and moved over it with
os.replace only when the whole pack has passed every check, so a failed load leaves
the previous database exactly as it was (principle 7: no half-written state).
open_pack keeps the database in a workspace and rebuilds it only when the pack's
sha256 changed, so repeated runs on the same books skip the load. The temporary files
of a load are named after its process id, so a load that was killed leaves files the
next one can recognise as abandoned and remove (remove_leftovers).
"""
from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import duckdb

from .build import FILE_DIGESTS, FILE_DIGESTS_UNSTAMPED, layout_fingerprint, write_file_digests, write_metadata
from .database import connect_for_close, connect_for_load
from .problems import PackError, Problem
from .sources import FileDigest, PackSources, files_unchanged, locate, pack_digests, pack_sha256
from .fastload import NotClean, fast_build
from .validate import check_pack

DB_NAME = "ledger.duckdb"


@dataclass(frozen=True)
class PackInfo:
    name: str
    reporting_currency: str
    fiscal_year_start_month: int
    materiality: Decimal
    sha256: str
    path: Path
    tables: frozenset[str]
    # each file's digest, from the read that checked the pack's (open_pack); empty when
    # the info was read back from a database alone
    files: tuple[FileDigest, ...] = ()


def load_pack(pack_path, db_path, *, sha256: str | None = None,
              files: tuple[FileDigest, ...] = ()) -> PackInfo:
    """Check the pack and build `db_path` from it; PackError (with every problem) and
    an untouched `db_path` when the pack has structural problems. `sha256` and `files`:
    the pack's digests when the caller has just taken them (pack_digests)."""
    sources = locate(pack_path)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(db_path)
    tag = f".{db_path.name}.{os.getpid()}"
    building = db_path.with_name(f"{tag}.building")
    temp_dir = db_path.with_name(f"{tag}.tmp")
    _remove(building)
    # The digests are taken on a thread while the tables load (hashlib releases the GIL),
    # unless the caller has just taken them; the pool's exit waits for the read to end.
    given = (sha256, files) if sha256 is not None and files else None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="close-digest") as hashing:
        digests = hashing.submit(pack_digests, sources) if given is None else None
        try:
            con = connect_for_load(building, temp_dir)
            try:
                settings, tables = fast_build(con, sources, lambda: (given or digests.result())[1])
                sha, files = given or digests.result()
                write_metadata(con, settings, sha, tables, sources.kind)
                write_file_digests(con, files)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(building, db_path)
        except NotClean as not_clean:
            _remove(building)
            raise PackError(_explain(sources, db_path.with_name(f"{tag}.check"), temp_dir, not_clean)) from None
        except duckdb.Error as exc:
            raise PackError([Problem(str(pack_path), None, None, None, f"could not be loaded: {exc}")]) from exc
        finally:
            _remove(building)
            _remove_dir(temp_dir)
    return PackInfo(settings.name, settings.reporting_currency, settings.fiscal_year_start_month,
                    settings.materiality, sha, sources.path, frozenset(tables), tuple(files))


def _explain(sources: PackSources, check_db: Path, temp_dir: Path, not_clean: NotClean) -> list[Problem]:
    """Every problem of a pack the one-pass load refused, found by the full validation."""
    stage_file = check_db.with_name(check_db.name + ".stage")
    con = connect_for_load(check_db, temp_dir)
    try:
        problems = check_pack(con, sources, stage_file)[2]
    finally:
        con.close()
        _remove(check_db, stage_file)
    # Both paths share their check conditions; should they ever disagree, say so.
    return problems or [Problem(sources.path.name, None, None, None, f"could not be loaded ({not_clean})")]


def default_workspace(sources: PackSources) -> Path:
    if sources.kind == "xlsx":
        return sources.path.parent / ".close" / sources.path.stem
    return sources.path / ".close"


def open_pack(pack_path, workspace=None) -> tuple[duckdb.DuckDBPyConnection, PackInfo]:
    """A read-only connection to the pack's database, (re)loading it when the pack's
    content changed. The connection is read-only because the ledger is the books as
    given: skills query it, nothing writes to it."""
    sources = locate(pack_path)
    workspace = Path(workspace) if workspace is not None else default_workspace(sources)
    db_path = workspace / DB_NAME
    info = _stored_info(db_path, sources.path)
    if info is None:   # nothing to compare: the load hashes the pack while it reads it
        files = load_pack(sources.path, db_path).files
        return connect_for_close(db_path), replace(_stored_info(db_path, sources.path), files=files)
    # The load recorded each file's digest and status (close.pack.sources.file_stamp).
    # Files that all show their recorded status are the bytes that were hashed: nothing
    # to read (two seconds saved at ten million lines). Otherwise the pack's digest alone
    # tells whether they changed: it covers every file's name, size and bytes, so when it
    # matches, the recorded files' digests hold. A database without them: both, one read.
    if info.files and files_unchanged(sources, info.files):
        sha, files = info.sha256, info.files
    elif info.files:
        sha, files = pack_sha256(sources), info.files
    else:
        sha, files = pack_digests(sources)
    if info.sha256 != sha:
        if info.files:
            sha, files = pack_digests(sources)   # the pack changed: its files' digests too
        load_pack(sources.path, db_path, sha256=sha, files=files)
        info = _stored_info(db_path, sources.path)
    else:
        remove_leftovers(db_path)
    info = replace(info, files=files)
    return connect_for_close(db_path), info


def _stored_info(db_path: Path, pack_path: Path) -> PackInfo | None:
    """The PackInfo recorded in an existing database, or None if there is none usable."""
    if not db_path.is_file():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            row = con.execute(
                "SELECT name, reporting_currency, fiscal_year_start_month, CAST(materiality AS VARCHAR), "
                "sha256, tables, loader_version FROM _pack"
            ).fetchone()
            try:
                files = tuple(FileDigest(*r) for r in con.execute(FILE_DIGESTS).fetchall())
            except duckdb.BinderException:    # recorded before the files' stamps were
                files = tuple(FileDigest(*r) for r in con.execute(FILE_DIGESTS_UNSTAMPED).fetchall())
            except duckdb.CatalogException:   # a database built before they were recorded
                files = ()
    except duckdb.Error:
        return None
    if row is None or str(row[6]) != layout_fingerprint():
        return None
    return PackInfo(row[0], row[1], row[2], Decimal(row[3]), row[4], pack_path, frozenset(row[5]),
                    files)


def _remove(*paths: Path) -> None:
    for path in paths:
        for p in (path, path.with_name(path.name + ".wal")):
            try:
                p.unlink()
            except FileNotFoundError:
                pass


def _remove_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(db_path: Path) -> None:
    """Remove what killed loads left beside `db_path`: `.<db>.<pid>.building` and its
    WAL, the `.tmp` spill folder, the `.check` and `.check.stage` databases. Only those
    of a process that no longer runs: two loads may share a workspace, and the files of
    one still running are its work in progress."""
    if os.name != "posix":
        return  # os.kill(pid, 0) is not a liveness probe on Windows: it would end the process
    pattern = re.compile(rf"\.{re.escape(db_path.name)}\.([0-9]+)\.(?:building|tmp|check)(?:\.stage)?(?:\.wal)?")
    try:
        entries = list(db_path.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _running(int(match.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            _remove_dir(entry)
        else:
            entry.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # another user's process, or a pid we cannot ask about: keep its files
    return True
