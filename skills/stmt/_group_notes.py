"""The notes to the group's statutory set, from the entities' notes.

Each entity's notes (stmt.statutory_pack's metrics.notes, in its functional currency)
are translated into the reporting currency as the consolidation translates balances:
balances at the closing rate of their date (this month end; the last fiscal year end for
opening figures), the year's movements at the year's average rate (the mean of the
monthly average rates of the fiscal year to date). What the two rates leave unexplained
is the translation difference, a reconciling line of its own, so each note's closing
figure is the entity figures at the closing rate and can be tied to the group balance
sheet's line. The register's own difference to the general ledger (the entity notes'
check) is carried as a reconciling line too, so the tie is to the cent.

Related parties at group level are what consolidation eliminated, by entity pair, and
the minorities' share (both stmt.consolidation's own figures). Every figure here is
exact and rounded once when written.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from close.money import ZERO, cents
from skills.stmt._policies import GROUP_STANDARD, STANDARD, TOPICS
from skills.stmt.consolidated import NCI_LINE

FA_MOVES = (("additions", "additions"), ("disposals_cost", "disposals_cost"),
            ("depreciation_charge", "depreciation_charge"),
            ("depreciation_disposals", "depreciation_disposals"))
FA_FIELDS = ("cost_opening", "additions", "disposals_cost", "cost_translation", "cost_closing",
             "depreciation_opening", "depreciation_charge", "depreciation_disposals",
             "depreciation_translation", "depreciation_closing", "nbv_opening", "nbv_closing")
LEASE_FIELDS = ("rou_opening", "rou_additions", "rou_depreciation", "rou_translation",
                "rou_closing", "liability", "within_1_year", "after_1_year", "interest_ytd",
                "payments_ytd")
DEBT_FIELDS = ("balance", "within_1_year", "1_to_2_years", "2_to_5_years", "after_5_years")
# note -> the account subtypes whose balance sheet lines it ties to
TIES = {"fixed_assets": ("fixed_asset", "accumulated_depreciation"), "rou": ("rou_asset",),
        "loans": ("debt",), "leases": ("lease_liability",), "tax_payable": ("tax_payable",),
        "tax_receivable": ("tax_receivable",)}


def _d(value) -> Decimal:
    return ZERO if value in (None, "") else Decimal(str(value))


class Rates:
    """An entity's three rates into the reporting currency, or what is missing."""

    def __init__(self, ctx, currency: str, year_end, months):
        rc = ctx.pack.reporting_currency
        self.closing = ctx.fx.rate(currency, rc, ctx.month, "closing")
        self.opening = ctx.fx.rate(currency, rc, year_end, "closing")
        averages = [ctx.fx.rate(currency, rc, m, "average") for m in months]
        self.average = (None if any(a is None for a in averages) or not averages
                        else sum(averages, ZERO) / len(averages))
        self.missing = [f"{currency}->{rc} {kind} {when}" for kind, when, r in (
            ("closing", ctx.month, self.closing), ("closing", year_end, self.opening),
            ("average", f"{months[0]}..{months[-1]}" if months else ctx.month, self.average))
            if r is None]


def _note(result, name: str) -> dict:
    note = (result.metrics.get("notes") or {}).get(name) or {}
    return note.get("metrics") or {} if note.get("status") not in ("skipped", "error") else {}


def _round(rows: list[dict], fields, rc) -> list[dict]:
    return [{k: (cents(v, rc) if k in fields else v) for k, v in r.items()} for r in rows]


def _total(rows: list[dict], fields, rc) -> dict:
    return {k: cents(sum((r[k] for r in rows), ZERO), rc) for k in fields}


class Lines:
    """The consolidated balance sheet's lines (metrics.lines) and which of them hold the
    accounts of each note (by subtype: the chart names the lines, not the close)."""

    def __init__(self, lines: list[dict], accounts):
        self.amounts = {ln["line"]: _d(ln.get("amount")) for ln in lines
                        if ln.get("kind", "line") == "line"}
        self.by_subtype: dict[str, set] = {}
        for a in accounts:
            self.by_subtype.setdefault(a.subtype, set()).add(a.statement_line)

    def names(self, key: str) -> list[str]:
        return sorted({n for st in TIES[key] for n in self.by_subtype.get(st, ())
                       if n in self.amounts})

    def tie(self, label: str, key: str, note) -> dict:
        names = self.names(key)
        shown = sum((self.amounts[n] for n in names), ZERO)
        return _tie(f"{label} = {' + '.join(names) or 'no balance sheet line'}", note, shown)


def _tie(label: str, note, line) -> dict:
    return {"check": label, "note": note, "balance_sheet": line, "difference": note - line,
            "ok": note == line}


def group_policies(packs: list) -> dict:
    """The wording most entities have for each topic is the one set for every entity (an
    entity's own table in close.toml is what makes it differ); the entities with other
    wording are named. A topic every entity leaves out is left out."""
    out, own = [], {}
    for topic, title, _ in TOPICS:
        found = {r.entity_id: next((p for p in (_note(r, "policies").get("policies") or [])
                                    if p.get("topic") == topic), None) for r in packs}
        texts = Counter((p["text"], p["source"]) for p in found.values() if p is not None)
        if not texts:
            continue
        (text, source), _ = sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        differ = sorted(e for e, p in found.items() if p is None or p["text"] != text)
        if differ:
            own[topic] = differ
        shown = GROUP_STANDARD.get(topic, text) if source == STANDARD else text
        out.append({"topic": topic, "title": title, "text": shown, "source": source})
    return {"policies": out, "entities_with_own_wording": own}


def _fixed_assets(entries, lines, rc) -> dict:
    by_class: dict[str, dict] = {}
    gl_gap = ZERO
    for fa, rates in entries:
        for c in fa.get("classes") or []:
            row = by_class.setdefault(c["asset_class"], {k: ZERO for k in FA_FIELDS})
            opening = {k: _d(c[k]) * rates.opening for k in ("cost_opening", "depreciation_opening")}
            moves = {k: _d(c[k]) * rates.average for k, _ in FA_MOVES}
            closing = {k: _d(c[k]) * rates.closing for k in ("cost_closing", "depreciation_closing")}
            for k, v in (opening | moves | closing).items():
                row[k] += v
            row["cost_translation"] += (closing["cost_closing"] - opening["cost_opening"]
                                        - moves["additions"] + moves["disposals_cost"])
            row["depreciation_translation"] += (
                closing["depreciation_closing"] - opening["depreciation_opening"]
                - moves["depreciation_charge"] + moves["depreciation_disposals"])
        gl_gap += (_d(fa.get("gl_cost_difference"))
                   - _d(fa.get("gl_depreciation_difference"))) * rates.closing
    rows = []
    for name in sorted(by_class):
        row = by_class[name]
        row["nbv_opening"] = row["cost_opening"] - row["depreciation_opening"]
        row["nbv_closing"] = row["cost_closing"] - row["depreciation_closing"]
        rows.append({"asset_class": name, **row})
    totals = _total(rows, FA_FIELDS, rc)
    gap = cents(gl_gap, rc)
    return {"classes": _round(rows, FA_FIELDS, rc), "totals": totals, "register_to_gl": gap,
            "checks": [lines.tie("Net book value + register-to-ledger differences",
                                 "fixed_assets", totals["nbv_closing"] + gap)]}


def _debt(entries, lines, statutory_lines, rc) -> dict:
    rows, lease_rows, gl_gap = [], [], {"loan": ZERO, "lease": ZERO}
    for entity_id, debt, rates in entries:
        for i in debt.get("instruments") or []:
            rows.append({"entity": entity_id, "instrument": i["instrument"], "kind": i["kind"]}
                        | {k: _d(i[k]) * rates.closing for k in DEBT_FIELDS})
        leases = debt.get("leases") or {}
        for ls in leases.get("leases") or []:
            row = {"entity": entity_id, "lease": ls["lease"]}
            row |= {k: _d(ls[k]) * rates.opening for k in ("rou_opening",)}
            row |= {k: _d(ls[k]) * rates.average for k in ("rou_additions", "rou_depreciation",
                                                            "interest_ytd", "payments_ytd")}
            row |= {k: _d(ls[k]) * rates.closing for k in ("rou_closing", "liability",
                                                            "within_1_year", "after_1_year")}
            row["rou_translation"] = (row["rou_closing"] - row["rou_opening"]
                                      - row["rou_additions"] + row["rou_depreciation"])
            lease_rows.append(row)
        by_kind = {kind: sum((_d(i["balance"]) for i in debt.get("instruments") or []
                              if i["kind"] == kind), ZERO) for kind in ("loan", "lease")}
        gl_gap["loan"] += (_d(debt.get("gl_debt")) - by_kind["loan"]) * rates.closing
        gl_gap["lease"] += (_d(debt.get("gl_lease_liabilities")) - by_kind["lease"]) * rates.closing
        gl_gap.setdefault("rou", ZERO)
        if leases:
            gl_gap["rou"] += (_d(leases.get("gl_rou_assets"))
                              - _d((leases.get("totals") or {}).get("rou_closing"))) * rates.closing
    gaps = {k: cents(v, rc) for k, v in gl_gap.items()}
    totals = _total(rows, DEBT_FIELDS, rc)
    loans = cents(sum((r["balance"] for r in rows if r["kind"] == "loan"), ZERO), rc)
    leased = cents(sum((r["balance"] for r in rows if r["kind"] == "lease"), ZERO), rc)
    current = sum((_d(ln.get("amount")) for ln in statutory_lines
                   if str(ln.get("line", "")).startswith("Current portion of ")), ZERO)
    # the balance sheet rounds each current portion line: loans' and leases' apart
    within = sum((cents(sum((r["within_1_year"] for r in rows if r["kind"] == kind), ZERO), rc)
                  for kind in ("loan", "lease")), ZERO)
    debt = {"instruments": _round(rows, DEBT_FIELDS, rc), "totals": totals,
            "register_to_gl": {"loans": gaps["loan"], "leases": gaps["lease"]},
            "checks": [lines.tie("Loans + register-to-ledger differences", "loans",
                                 loans + gaps["loan"]),
                       lines.tie("Leases + register-to-ledger differences", "leases",
                                 leased + gaps["lease"])]}
    if statutory_lines:
        debt["checks"].append(_tie("Due within 1 year = balance sheet current portions",
                                   within, cents(current, rc)))
    lease_totals = _total(lease_rows, LEASE_FIELDS, rc)
    leases = {"leases": _round(lease_rows, LEASE_FIELDS, rc), "totals": lease_totals,
              "register_to_gl": gaps.get("rou", ZERO),
              "checks": [lines.tie("Right-of-use assets + register-to-ledger differences",
                                   "rou", lease_totals["rou_closing"] + gaps.get("rou", ZERO))]}
    return {"debt": debt, "leases": leases}


def _tax(entries, lines, income_statement, rc) -> dict:
    expense = sum((_d(t["income_tax_expense_ytd"]) * r.average for t, r in entries), ZERO)
    pbt = sum((_d(t["profit_before_tax_ytd"]) * r.average for t, r in entries), ZERO)
    payable = sum((_d(t["tax_payable"]) * r.closing for t, r in entries), ZERO)
    receivable = sum((_d(t["tax_receivable"]) * r.closing for t, r in entries), ZERO)
    # the income statement translates each month at its own average rate
    stated = -sum((_d(ln.get("ytd")) for ln in income_statement
                   if ln.get("section") == "income_tax" and ln.get("kind", "line") == "line"), ZERO)
    expense_c = cents(expense, rc)
    rate = (expense / pbt * 100).quantize(Decimal("0.1")) if pbt else None
    return {"income_tax_expense_ytd": expense_c, "profit_before_tax_ytd": cents(pbt, rc),
            "effective_rate_pct": None if rate is None else str(rate),
            "translation_at_monthly_rates": cents(stated, rc) - expense_c,
            "tax_payable": cents(payable, rc), "tax_receivable": cents(receivable, rc),
            "checks": [lines.tie("Tax payable", "tax_payable", cents(payable, rc)),
                       lines.tie("Tax receivable", "tax_receivable", cents(receivable, rc))]}


def _related_parties(metrics: dict, lines, rc) -> dict:
    elim = metrics.get("eliminations") or {}
    pairs = elim.get("pairs") or []
    nci = metrics.get("non_controlling_interests") or {}
    nci_total = sum((_d(n["equity"]) for n in nci.values()), ZERO)
    by_subtype = elim.get("eliminated_by_subtype") or {}
    receivable = sum((_d(p["receivable"]) for p in pairs), ZERO)
    return {"pairs": pairs, "non_controlling_interests": nci,
            "checks": [_tie("Pairs' receivables = receivables eliminated", receivable,
                            _d(by_subtype.get("intercompany_receivable"))),
                       _tie(f"Minorities' equity = {NCI_LINE}", cents(nci_total, rc),
                            lines.amounts.get(NCI_LINE, ZERO))]}


def group_notes(ctx, packs: list, metrics: dict, accounts, year_end, months) -> dict:
    """The group's notes: policies, fixed assets, debt, leases, tax, related parties, each
    with its checks against the consolidated balance sheet (metrics.lines, whose lines the
    consolidated `accounts` map to)."""
    rc, lines = ctx.pack.reporting_currency, Lines(metrics.get("lines") or [], accounts)
    notes = {}
    if not packs:
        return {"skipped": "needs stmt.statutory_pack's results for the entities"}
    covered = sorted(r.entity_id for r in packs)
    rates, missing = {}, []
    for r in packs:
        rates[r.entity_id] = Rates(ctx, r.metrics["currency"], year_end, months)
        missing += rates[r.entity_id].missing
    notes["policies"] = {"status": "pass", "metrics": group_policies(packs)}
    if missing:
        return notes | {"missing_rates": sorted(set(missing)), "entities": covered}
    statutory_lines = (((metrics.get("statutory") or {}).get("balance_sheet") or {})
                       .get("lines") or [])
    fa = [(_note(r, "fixed_assets"), rates[r.entity_id]) for r in packs if _note(r, "fixed_assets")]
    debt = [(r.entity_id, _note(r, "debt"), rates[r.entity_id]) for r in packs if _note(r, "debt")]
    tax = [(_note(r, "tax"), rates[r.entity_id]) for r in packs if _note(r, "tax")]
    notes["fixed_assets"] = _with_status(_fixed_assets(fa, lines, rc))
    both = _debt(debt, lines, statutory_lines, rc)
    notes["debt"], notes["leases"] = _with_status(both["debt"]), _with_status(both["leases"])
    notes["tax"] = _with_status(_tax(tax, lines, metrics.get("income_statement") or [], rc))
    notes["related_parties"] = _with_status(_related_parties(metrics, lines, rc))
    return notes | {"entities": covered}


def _with_status(note: dict) -> dict:
    failed = [c["check"] for c in note["checks"] if not c["ok"]]
    return {"status": "warn" if failed else "pass", "metrics": note}
