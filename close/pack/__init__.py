"""close.pack: ledger packs in, typed DuckDB tables out (LEDGER-PACK.md).

    con, info = open_pack("books/")       # load (or reuse) and query
    problems = validate_pack("books/")    # every structural problem, nothing built
"""
from .loader import PackInfo, load_pack, open_pack
from .pack_toml import PackSettings, read_pack_toml
from .problems import NotAPack, PackError, Problem
from .validate import validate_pack

__all__ = [
    "NotAPack", "PackError", "PackInfo", "PackSettings", "Problem",
    "load_pack", "open_pack", "read_pack_toml", "validate_pack",
]
