"""Group consolidation: translate, add up, eliminate intercompany, split out minorities.

1. Each entity's books are translated to the reporting currency (skills.stmt.translation.translate).
2. Intercompany accounts toward other group entities (receivable, payable, revenue,
   expense; counterparty = an entity id) are eliminated in full, translated the same way
   (balances at closing, revenue and expense at each month's average). What the two
   sides of a pair do not agree on (receivable vs payable, and the revenue vs expense
   that has run through profit) stays in group equity as its own line, "Unreconciled
   intercompany differences" (LEDGER-PACK.md), so total equity = total assets - total
   liabilities and the difference stays visible. It is the very difference the
   intercompany checks report on the provider (recon.intercompany, recon.intercompany_pnl,
   stmt.ic_eliminations all read `ic_pairs`), to the cent: each pair's figures are exact
   sums of exact products, rounded once when written.
3. Non-controlling interest: for an entity the group owns less than 100% of (effective
   ownership = the product of ownership_pct up the parent chain), the minorities' share
   of its translated equity, including its profit and translation reserve, is moved out
   of the equity lines into "Non-controlling interests"; its share of net income is
   shown as profit attributable to non-controlling interests. Revenue and expenses stay
   at 100% (full consolidation).

Nothing is rounded here: every account, elimination and minority adjustment is exact and
the skills round once when they write a line or a total.

Not covered: a parent's investment in its subsidiaries, where a pack records one, is
not eliminated against their share capital (nothing in the pack contract marks such an
account; the demo parent records none), so subsidiaries' capital stays in group equity.

Elimination and minority adjustments are expressed as extra accounts in the
AccountAmounts shape, so the consolidated statements come from the same builders as an
entity's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from close.money import ZERO, cents
from close.statements import (CURRENT_PROFIT_LINE, PNL_TYPES, AccountAmounts,
                              _retained_earnings_line)
from skills.stmt.translation import IC_SUBTYPES, toward_group_entity, translate, translate_ic

WINDOWS = ("amount_cum", "amount_ytd", "mtd", "ytd")
IC_DIFFERENCE_LINE = "Unreconciled intercompany differences"
NCI_LINE = "Non-controlling interests"
HUNDRED = Decimal(100)


def effective_ownership(entities) -> dict[str, Decimal]:
    """Share of each entity the top of the group owns, as a fraction (1 = wholly owned)."""
    by_id = {e.id: e for e in entities}
    memo: dict[str, Decimal] = {}

    def share(entity_id: str, seen=()) -> Decimal:
        if entity_id in memo:
            return memo[entity_id]
        e = by_id[entity_id]
        if e.parent_id is None or e.parent_id not in by_id or entity_id in seen:
            value = Decimal(1)
        else:
            pct = e.ownership_pct if e.ownership_pct is not None else HUNDRED
            value = pct / HUNDRED * share(e.parent_id, seen + (entity_id,))
        memo[entity_id] = value
        return value

    return {e.id: share(e.id) for e in entities}


@dataclass
class Pair:
    """What one entity's books hold toward one other group entity, reporting currency,
    exact (unrounded): `as_metric` rounds each figure and each difference once."""

    provider: str
    recipient: str
    receivable: Decimal = ZERO      # provider's IC receivable from recipient (debit-positive)
    payable: Decimal = ZERO         # recipient's IC payable to provider (credit-positive)
    revenue_ytd: Decimal = ZERO     # provider's IC revenue from recipient (credit-positive)
    expense_ytd: Decimal = ZERO     # recipient's IC expense to provider (debit-positive)
    revenue_mtd: Decimal = ZERO
    expense_mtd: Decimal = ZERO
    revenue_cum: Decimal = ZERO     # all periods: what has run through equity
    expense_cum: Decimal = ZERO

    @property
    def balance_difference(self) -> Decimal:
        return self.receivable - self.payable

    @property
    def pnl_difference_mtd(self) -> Decimal:
        return self.revenue_mtd - self.expense_mtd

    def as_metric(self, currency: str) -> dict:
        def r(value):
            return cents(value, currency)
        return {"provider": self.provider, "recipient": self.recipient,
                "receivable": r(self.receivable), "payable": r(self.payable),
                "balance_difference": r(self.balance_difference),
                "revenue_ytd": r(self.revenue_ytd), "expense_ytd": r(self.expense_ytd),
                "pnl_difference_ytd": r(self.revenue_ytd - self.expense_ytd),
                "revenue_mtd": r(self.revenue_mtd), "expense_mtd": r(self.expense_mtd),
                "pnl_difference_mtd": r(self.pnl_difference_mtd),
                "pnl_difference_cum": r(self.revenue_cum - self.expense_cum)}


@dataclass
class Consolidated:
    accounts: list[AccountAmounts] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    eliminated: dict[str, Decimal] = field(default_factory=dict)
    ic_difference: Decimal = ZERO                       # debit-positive, exact: balances
    ic_pnl_difference: Decimal = ZERO                   # debit-positive, exact: through profit
    unknown_counterparty: list[str] = field(default_factory=list)
    ownership: dict[str, Decimal] = field(default_factory=dict)
    nci: dict[str, dict] = field(default_factory=dict)  # exact; rounded when written
    missing_rates: list[str] = field(default_factory=list)
    translations: dict = field(default_factory=dict)


def _synthetic(account_id, name, type_, subtype, line, amounts) -> AccountAmounts:
    return AccountAmounts(account_id, name, type_, subtype, line,
                          {w: amounts.get(w, ZERO) for w in WINDOWS})


def ic_pairs(con, fx, entities, month, fsm, rc, subtypes=IC_SUBTYPES, since=None, ctx=None):
    """(balances by entity, pairs, missing rates by entity): every entity's intercompany
    accounts by counterparty, translated (skills.stmt.translation.translate_ic), and the provider /
    recipient pairs they form among `entities`. The intercompany checks call this with
    the pair's two entities and the subtypes they compare; the figures are the
    consolidation's, product for product. `ctx`: the skill's context, to share the reads."""
    ids = {e.id for e in entities}
    balances, missing = {}, {}
    for e in entities:
        kwargs = {"since": since} if since is not None else {}
        rows, miss = translate_ic(con, fx, e, month, fsm, rc, subtypes, ctx=ctx, **kwargs)
        balances[e.id] = rows
        missing[e.id] = miss
    pairs: dict[tuple[str, str], Pair] = {}

    def pair(provider, recipient) -> Pair:
        return pairs.setdefault((provider, recipient), Pair(provider, recipient))

    for entity_id, rows in balances.items():
        for b in rows:
            cp = b.counterparty
            if not toward_group_entity(entity_id, cp, ids):
                continue
            a, sub = b.account.amounts, b.account.subtype
            if sub == "intercompany_receivable":
                pair(entity_id, cp).receivable += a["amount_cum"]
            elif sub == "intercompany_payable":
                pair(cp, entity_id).payable -= a["amount_cum"]
            elif sub == "intercompany_revenue":
                p = pair(entity_id, cp)
                p.revenue_ytd -= a["ytd"]
                p.revenue_mtd -= a["mtd"]
                p.revenue_cum -= a["amount_cum"]
            elif sub == "intercompany_expense":
                p = pair(cp, entity_id)
                p.expense_ytd += a["ytd"]
                p.expense_mtd += a["mtd"]
                p.expense_cum += a["amount_cum"]
    return balances, [pairs[k] for k in sorted(pairs)], missing


def intercompany(con, fx, entities, month, fsm, rc, ctx=None):
    """Per-entity IC balances by counterparty, translated, the pairs they form, and the
    missing rates as "<entity>: <rate>"."""
    balances, pairs, missing = ic_pairs(con, fx, entities, month, fsm, rc, ctx=ctx)
    return balances, pairs, [f"{eid}: {m}" for eid, miss in missing.items() for m in miss]


def consolidate(con, fx, entities, month, fsm: int, rc: str, ctx=None) -> Consolidated:
    """`ctx`: the skill's context, through which each entity's monthly read is shared."""
    out = Consolidated(ownership=effective_ownership(entities))
    ids = {e.id for e in entities}
    for e in entities:
        t = translate(con, fx, e, month, fsm, rc, ctx=ctx)
        out.translations[e.id] = t
        out.missing_rates += [f"{e.id}: {m}" for m in t.missing_rates]
    balances, out.pairs, missing = intercompany(con, fx, entities, month, fsm, rc, ctx=ctx)
    out.missing_rates += [m for m in missing if m not in out.missing_rates]
    if out.missing_rates:
        return out
    for e in entities:
        out.accounts.extend(out.translations[e.id].accounts)

    # Eliminate every IC balance and IC revenue / expense toward a group entity.
    plug = pnl_plug = ZERO
    for entity_id, rows in balances.items():
        for b in rows:
            if not toward_group_entity(entity_id, b.counterparty, ids):
                if b.counterparty is None or b.counterparty not in ids:
                    out.unknown_counterparty.append(f"{entity_id}/{b.account.account_id}/{b.counterparty}")
                continue
            a = b.account
            negated = {w: -a.amounts[w] for w in WINDOWS}
            out.accounts.append(_synthetic(a.account_id, a.name, a.type, a.subtype,
                                           a.statement_line, negated))
            out.eliminated[a.subtype] = out.eliminated.get(a.subtype, ZERO) + a.amounts["amount_cum"]
            if a.type in PNL_TYPES:
                pnl_plug += a.amounts["amount_cum"]
            else:
                plug += a.amounts["amount_cum"]
    out.ic_difference, out.ic_pnl_difference = plug, pnl_plug
    if plug != ZERO or pnl_plug != ZERO:
        # What the eliminations took out without a counterpart stays in group equity,
        # on its own line (debit-positive here, like every account).
        out.accounts.append(_synthetic("IC-DIFF", IC_DIFFERENCE_LINE, "equity", "other_equity",
                                       IC_DIFFERENCE_LINE, {"amount_cum": plug + pnl_plug}))
    # Non-controlling interests.
    re_line = _retained_earnings_line(out.accounts)[0]
    for e in entities:
        minority = Decimal(1) - out.ownership[e.id]
        if minority <= ZERO:
            continue
        adjustments: dict[str, Decimal] = {}
        profit_mtd = profit_ytd = ZERO
        for a in out.translations[e.id].accounts:
            if a.type == "equity":
                adjustments[a.line] = adjustments.get(a.line, ZERO) - minority * a.amounts["amount_cum"]
            elif a.type in PNL_TYPES:
                ytd, cum = a.amounts["amount_ytd"], a.amounts["amount_cum"]
                adjustments[re_line] = adjustments.get(re_line, ZERO) - minority * (cum - ytd)
                adjustments[CURRENT_PROFIT_LINE] = (adjustments.get(CURRENT_PROFIT_LINE, ZERO)
                                                    - minority * ytd)
                profit_mtd -= minority * a.amounts["mtd"]
                profit_ytd -= minority * a.amounts["ytd"]
        for line, amount in sorted(adjustments.items()):
            if amount != ZERO:
                out.accounts.append(_synthetic(f"NCI-{e.id}", f"{NCI_LINE} ({e.id})", "equity",
                                               "other_equity", line, {"amount_cum": amount}))
        share = -sum(adjustments.values(), ZERO)
        out.accounts.append(_synthetic(f"NCI-{e.id}", f"{NCI_LINE} ({e.id})", "equity",
                                       "other_equity", NCI_LINE, {"amount_cum": share}))
        out.nci[e.id] = {"minority_pct": minority * HUNDRED, "equity": -share,
                         "profit_mtd": profit_mtd, "profit_ytd": profit_ytd}   # exact
    return out
