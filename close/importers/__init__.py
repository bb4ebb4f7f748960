"""close.importers: a company's real books in, a ledger pack out.

Each importer reads one format with the field's own library (lxml for SAF-T and
camt.053, `mt-940` for MT940, `ofxtools` for OFX, the csv module for ERP exports),
turns it into the pack's tables (LEDGER-PACK.md) and hands them to `packwriter`, which
writes them to a temporary folder, runs `close validate`'s checks on the result and only
then moves it into place. A file that cannot be imported exactly raises `ImportRefused`
with every problem located (file, line or XML path, value), and nothing is written.

    from close.importers.saft import import_saft
    summary = import_saft("books.xml", "packs/books")
"""
from .problems import ImportProblem, ImportRefused

__all__ = ["ImportProblem", "ImportRefused"]
