"""open_pack keeps the database in a workspace and reloads only when the pack changed."""
import duckdb
import pytest

from close.pack import NotAPack, PackError, open_pack
from close.pack.sources import locate, pack_sha256

from .convert import to_xlsx
from .packs import GOOD_PACK


def test_default_workspace_is_inside_the_pack(good_pack):
    con, info = open_pack(good_pack)
    con.close()
    assert (good_pack / ".close" / "ledger.duckdb").is_file()
    assert info.name == "Tiny Group"


def test_xlsx_workspace_is_beside_the_workbook(tmp_path):
    book = to_xlsx(GOOD_PACK, tmp_path / "tiny.xlsx")
    con, info = open_pack(book)
    assert con.execute("SELECT count(*) FROM journal_lines").fetchone() == (8,)
    con.close()
    assert (tmp_path / ".close" / "tiny" / "ledger.duckdb").is_file()


def test_reuses_the_database_while_the_pack_is_unchanged(good_pack, tmp_path):
    con, first = open_pack(good_pack, tmp_path / "ws")
    con.close()
    db = tmp_path / "ws" / "ledger.duckdb"
    stamp = db.stat().st_mtime_ns, db.stat().st_ino
    con, again = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert again == first
    assert (db.stat().st_mtime_ns, db.stat().st_ino) == stamp


def test_reloads_when_the_pack_changed(good_pack, tmp_path):
    """And records the changed files' new digests, which a reopen then finds."""
    from close.pack.sources import pack_digests

    con, first = open_pack(good_pack, tmp_path / "ws")
    con.close()
    path = good_pack / "vendors.csv"
    path.write_text(path.read_text() + "V003,New Vendor,FR,,false,\n")
    con, second = open_pack(good_pack, tmp_path / "ws")
    assert second.sha256 != first.sha256
    assert con.execute("SELECT count(*) FROM vendors").fetchone() == (3,)
    con.close()
    vendors = {f.name: f for f in second.files}["vendors.csv"]
    assert vendors != {f.name: f for f in first.files}["vendors.csv"]
    assert (second.sha256, second.files) == pack_digests(locate(good_pack))
    con, third = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert third.files == second.files


def test_a_broken_pack_keeps_the_last_good_database(good_pack, tmp_path):
    con, _ = open_pack(good_pack, tmp_path / "ws")
    con.close()
    path = good_pack / "vendors.csv"
    path.write_text(path.read_text() + "V001,Duplicate,FR,,false,\n")
    with pytest.raises(PackError) as err:
        open_pack(good_pack, tmp_path / "ws")
    assert str(err.value.problems[0]) == "vendors.csv line 4, vendor_id 'V001' repeats the key of line 2"
    with duckdb.connect(str(tmp_path / "ws" / "ledger.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM vendors").fetchone() == (2,)


def test_connection_is_read_only(good_pack):
    con, _ = open_pack(good_pack)
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM journal_lines")
    con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS x")  # skills may still use temp tables
    con.close()


def test_sha256_covers_pack_files_only(good_pack):
    before = pack_sha256(locate(good_pack))
    (good_pack / "README.txt").write_text("notes")
    (good_pack / ".close").mkdir()
    (good_pack / ".close" / "ledger.duckdb").write_text("x")
    assert pack_sha256(locate(good_pack)) == before
    (good_pack / "pack.toml").write_text((good_pack / "pack.toml").read_text().replace("1000.00", "1000.01"))
    assert pack_sha256(locate(good_pack)) != before


def test_not_a_pack(tmp_path):
    with pytest.raises(NotAPack):
        open_pack(tmp_path / "nowhere")
    with pytest.raises(NotAPack):
        open_pack(tmp_path)  # an empty folder
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(NotAPack):
        open_pack(tmp_path / "notes.txt")


def test_a_database_built_by_an_older_layout_reloads(good_pack, tmp_path):
    """A workspace loaded before an optional column existed must not be reused: the
    close would fail on the missing column. The stored layout fingerprint tells."""
    con, _ = open_pack(good_pack, tmp_path / "ws")
    con.close()
    db = tmp_path / "ws" / "ledger.duckdb"
    with duckdb.connect(str(db)) as old:
        old.execute("ALTER TABLE journal_lines DROP COLUMN tax_code")
        old.execute("UPDATE _pack SET loader_version = '1'")
    con, _ = open_pack(good_pack, tmp_path / "ws")
    columns = {row[0] for row in con.execute("DESCRIBE journal_lines").fetchall()}
    con.close()
    assert "tax_code" in columns


def test_the_layout_fingerprint_follows_the_schema(monkeypatch):
    from close.pack import build, schema

    before = build.layout_fingerprint()
    journal = schema.table("journal_lines")
    shorter = schema.Table(**{**journal.__dict__, "columns": journal.columns[:-1]})
    monkeypatch.setattr(build, "TABLES", tuple(shorter if t.name == "journal_lines" else t
                                               for t in schema.TABLES))
    assert build.layout_fingerprint() != before


def test_the_journal_is_stored_by_entity_and_date_whatever_the_file_order(good_pack, tmp_path):
    """Skills read one entity's period at a time: the journal kept in that order lets
    DuckDB skip the rest; and the stored table is the same for a file in any row order."""
    path = good_pack / "journal_lines.csv"
    header, *rows = path.read_text().splitlines()
    con, _ = open_pack(good_pack, tmp_path / "ws1")
    first = con.execute("SELECT entity_id, posting_date, je_id, line_no FROM journal_lines").fetchall()
    con.close()
    path.write_text("\n".join([header, *reversed(rows)]) + "\n")
    con, _ = open_pack(good_pack, tmp_path / "ws2")
    second = con.execute("SELECT entity_id, posting_date, je_id, line_no FROM journal_lines").fetchall()
    con.close()
    assert first == second == sorted(first)


def test_an_unchanged_pack_is_checked_by_its_digest_alone(good_pack, tmp_path, monkeypatch):
    """The load records each file's digest; a reopen that finds the pack's digest
    unchanged takes them from the database instead of hashing every file a second time."""
    from close.pack import loader
    from close.pack.sources import pack_digests

    con, first = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert first.files == pack_digests(locate(good_pack))[1]
    assert {f.name for f in first.files} >= {"journal_lines.csv", "vendors.csv"}

    def no_second_digest(sources):
        raise AssertionError("every file hashed again for an unchanged pack")

    monkeypatch.setattr(loader, "pack_digests", no_second_digest)
    con, again = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert again.files == first.files and again.sha256 == first.sha256


def _as_an_older_load_left_it(good_pack, tmp_path, change: str):
    """Open the pack into tmp_path/ws, then `change` its database as an earlier version's
    load left it: (the info, the database's path, its mtime and inode after the change)."""
    con, first = open_pack(good_pack, tmp_path / "ws")
    con.close()
    db = tmp_path / "ws" / "ledger.duckdb"
    with duckdb.connect(str(db)) as writable:
        writable.execute(change)
    return first, db, (db.stat().st_mtime_ns, db.stat().st_ino)


def test_a_database_without_file_digests_still_opens_without_a_reload(good_pack, tmp_path):
    """A workspace built before the files' digests were recorded: both digests are taken
    in one read, as before, and the database is kept."""
    from close.pack.sources import pack_digests

    first, db, stamp = _as_an_older_load_left_it(good_pack, tmp_path, "DROP TABLE _pack_files")
    con, again = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert (again.sha256, again.files) == pack_digests(locate(good_pack))
    assert (db.stat().st_mtime_ns, db.stat().st_ino) == stamp


def _settled_at_once(monkeypatch):
    """Files count as settled as soon as they are written: the fixture copies the pack
    just before the test, within SETTLED_NS of its first read."""
    from close.pack import sources

    monkeypatch.setattr(sources, "SETTLED_NS", 0)


def _no_read(monkeypatch, calls):
    from close.pack import loader

    def counted(name, real):
        def wrapper(*args):
            calls.append(name)
            return real(*args)
        return wrapper
    monkeypatch.setattr(loader, "pack_sha256", counted("pack_sha256", loader.pack_sha256))
    monkeypatch.setattr(loader, "pack_digests", counted("pack_digests", loader.pack_digests))


def test_settled_unchanged_files_are_not_read_again(good_pack, tmp_path, monkeypatch):
    """Each file's status is recorded with its digest; a reopen that finds every file as
    recorded reads none of their bytes, and reports the same digests."""
    _settled_at_once(monkeypatch)
    con, first = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert all(f.stamp for f in first.files)
    calls: list = []
    _no_read(monkeypatch, calls)
    con, again = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert calls == []
    assert again == first and again.sha256 == pack_sha256(locate(good_pack))


def test_a_file_rewritten_to_the_same_size_and_time_is_reloaded(good_pack, tmp_path, monkeypatch):
    """Same size, modification time put back: its status-change time still moved, so the
    pack is hashed, found changed and reloaded."""
    import os

    _settled_at_once(monkeypatch)
    con, first = open_pack(good_pack, tmp_path / "ws")
    con.close()
    path = good_pack / "vendors.csv"
    before = path.stat()
    text = path.read_text()
    assert "Consultant" in text
    path.write_text(text.replace("Consultant", "Consultent"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    con, second = open_pack(good_pack, tmp_path / "ws")
    names = con.execute("SELECT name FROM vendors ORDER BY vendor_id").fetchall()
    con.close()
    assert second.sha256 == pack_sha256(locate(good_pack)) != first.sha256
    assert ("Consultent",) in names


def test_a_file_taken_out_of_the_pack_is_noticed(good_pack, tmp_path, monkeypatch):
    _settled_at_once(monkeypatch)
    con, first = open_pack(good_pack, tmp_path / "ws")
    assert "budget" in first.tables
    con.close()
    (good_pack / "budget.csv").unlink()
    con, second = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert second.sha256 != first.sha256 and "budget" not in second.tables
    assert "budget.csv" not in {f.name for f in second.files}


def test_files_written_just_before_the_load_are_hashed_at_every_open(good_pack, tmp_path, monkeypatch):
    """A file changed within SETTLED_NS of its read may change again unseen by its status:
    no stamp is kept for it, and every open hashes the pack, as before stamps."""
    from close.pack import sources

    monkeypatch.setattr(sources, "SETTLED_NS", 3600 * 10**9)
    con, first = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert not any(f.stamp for f in first.files)
    calls: list = []
    _no_read(monkeypatch, calls)
    con, again = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert calls == ["pack_sha256"] and again.sha256 == first.sha256


def test_a_database_recorded_before_stamps_hashes_the_pack_once(good_pack, tmp_path, monkeypatch):
    """Files recorded without their status: the pack's digest is checked, their recorded
    digests kept, the database not rebuilt."""
    _settled_at_once(monkeypatch)
    first, db, stamp = _as_an_older_load_left_it(good_pack, tmp_path,
                                                 "ALTER TABLE _pack_files DROP COLUMN stamp")
    calls: list = []
    _no_read(monkeypatch, calls)
    con, again = open_pack(good_pack, tmp_path / "ws")
    con.close()
    assert calls == ["pack_sha256"] and again == first
    assert (db.stat().st_mtime_ns, db.stat().st_ino) == stamp
