"""The account map: which type and subtype each SAF-T account is.

SAF-T files say which standard grouping an account belongs to (Norway's NS 4102
standard account, a grouping code, Portugal's SNC chart by account number) but not what
close needs: asset or expense, cash or receivable. The map says it, as a TOML file a
person can read and edit; close ships one per country (maps/saft-<cc>.toml) and
`--map FILE` replaces it. Rules match by longest prefix, so a two-digit group can be
refined by a four-digit one without repeating the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from close.pack.schema import ACCOUNT_SUBTYPES, ACCOUNT_TYPES, JOURNAL_SOURCES, TAX_TYPES

from .problems import ImportProblem, ImportRefused, read_map_file

MAPS = Path(__file__).parent / "maps"
MATCH_KEYS = ("standard", "grouping", "taxonomy", "account")


@dataclass(frozen=True)
class Class:
    type: str
    subtype: str
    line: str = ""


@dataclass
class AccountMap:
    path: Path
    match: tuple[str, ...]
    rules: dict[str, Class]
    accounts: dict[str, Class]
    tax_types: dict[str, str]
    tax_accounts: dict[str, str]
    reverse_charge_standard_codes: frozenset[str] = frozenset()
    department_analysis_types: frozenset[str] = frozenset()
    default_source: str = "manual"

    def classify(self, account_id: str, keys: dict[str, str | None]) -> Class | None:
        """The class of an account: an [accounts] override, else the longest rule that
        prefixes the first of `match` the account has and a rule covers."""
        if account_id in self.accounts:
            return self.accounts[account_id]
        for name in self.match:
            value = account_id if name == "account" else keys.get(name)
            if not value:
                continue
            for n in range(len(value), 0, -1):
                rule = self.rules.get(value[:n])
                if rule is not None:
                    return rule
        return None


def default_map_path(country: str | None) -> Path | None:
    path = MAPS / f"saft-{(country or '').lower()}.toml"
    return path if country and path.is_file() else None


def load_map(path) -> AccountMap:
    """Read and check a map; every problem in it is named (file, key, value)."""
    path = Path(path)
    label = str(path)
    raw = read_map_file(path)
    problems: list[ImportProblem] = []

    def classes(section: str) -> dict[str, Class]:
        out = {}
        for key, value in (raw.get(section) or {}).items():
            where = f"[{section}] {key!r}"
            if not isinstance(value, dict):
                problems.append(ImportProblem(label, "must be a table like { type = \"asset\", subtype = \"cash\" }", path=where))
                continue
            typ, sub, line = value.get("type"), value.get("subtype"), value.get("line", "")
            if typ not in ACCOUNT_TYPES:
                problems.append(ImportProblem(label, f"type must be one of {', '.join(ACCOUNT_TYPES)}", path=where, value=str(typ)))
            elif sub not in ACCOUNT_SUBTYPES:
                problems.append(ImportProblem(label, "subtype is not one of LEDGER-PACK.md's account subtypes", path=where, value=str(sub)))
            else:
                out[str(key)] = Class(typ, sub, str(line))
        return out

    match = raw.get("match", ["standard", "grouping", "account"])
    if not isinstance(match, list) or not match or any(m not in MATCH_KEYS for m in match):
        problems.append(ImportProblem(label, f"match must list some of {', '.join(MATCH_KEYS)}", path="match", value=str(match)))
        match = ["account"]
    tax_types = {}
    for key, value in (raw.get("tax_types") or {}).items():
        if value != "skip" and value not in TAX_TYPES:
            problems.append(ImportProblem(label, f"must be one of {', '.join(TAX_TYPES)} or \"skip\"",
                                          path=f"[tax_types] {key!r}", value=str(value)))
        tax_types[str(key)] = value
    source = raw.get("default_source", "manual")
    if source not in JOURNAL_SOURCES:
        problems.append(ImportProblem(label, f"must be one of {', '.join(JOURNAL_SOURCES)}", path="default_source", value=str(source)))
    result = AccountMap(
        path=path, match=tuple(match), rules=classes("rules"), accounts=classes("accounts"),
        tax_types=tax_types, tax_accounts={str(k): str(v) for k, v in (raw.get("tax_accounts") or {}).items()},
        reverse_charge_standard_codes=frozenset(map(str, raw.get("reverse_charge_standard_codes", []))),
        department_analysis_types=frozenset(map(str, raw.get("department_analysis_types", []))),
        default_source=source,
    )
    if problems:
        raise ImportRefused(problems)
    return result
