"""Balance-and-movement tie of a schedule's balance-sheet accounts to the GL.

Prepaids, deferred revenue, accruals and fixed assets are reconciled the way a
controller does it, because doc_ref is optional (LEDGER-PACK.md) and schedule postings
often name no item: per balance-sheet account, first

- the closing GL balance against the schedule's balance at month end, and
- the month's GL movement on the account against the schedule's movement.

When the closing balance ties the account passes and nothing is itemised, even when no
line has a doc_ref (a movement difference then only makes up for an earlier month's,
already right at this month end). When it does not, the month's movement difference is
split by the evidence there is (schedule_evidence.py: doc_ref, the item id in the
description; equal amounts to name candidates), into one finding per item the lines
name and at most one per direction for what only the account can show (the candidate
items named). What was already off at the previous month end is one finding
on the account that says in which month the difference arose (month-end balances walked
back to the start of the run of differences) and which entries of that month to look
at. The parts add up to the closing difference exactly: one error, one finding.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from close.ledger import first_posting_month
from close.money import ZERO, cents
from close.periods import Month, month_of
from close.skill import Finding
from skills.recon.schedule_evidence import Item, Namer, Part, entry, parts_of_month

MAX_DESCRIBED = 5  # parts of the month a difference arose in, described in its finding


def natural_lines(rows: list[dict], sign: dict[str, int]) -> list[dict]:
    """Rows with account_id and debit_positive, each given `amount` in the account's
    natural direction (sign 1: debit positive, -1: credit positive). The rows are the
    caller's fresh query result, so they are completed in place, not copied."""
    for r in rows:
        r["amount"] = sign[r["account_id"]] * r["debit_positive"]
    return rows


def first_named(items: list[Item], lines: list[dict]) -> dict[str, Month]:
    """Item ref -> the first month a line on its account names it (doc_ref or id in the
    description): when a document is booked before its schedule starts."""
    name, out = Namer(items), {}
    for line in lines:
        item = name(line)
        if item is not None and item.account_id == line["account_id"]:
            m = month_of(line["posting_date"])
            if item.ref not in out or m < out[item.ref]:
                out[item.ref] = m
    return out


def booked_items(rows: list[dict], lines: list[dict],
                 build: Callable[[dict, Month | None], Item]) -> list[Item]:
    """Each schedule row's item (`build(row, booked_from)`), booked from the first month a
    line on its account names it when that is before the row's start_date (first_named:
    an invoice raised in advance). Built once, and again only for those few: at ten
    million lines building every item twice was a tenth of the reconciliation."""
    plain = [build(r, None) for r in rows]
    named = first_named(plain, lines)
    return [build(r, named[i.ref]) if i.ref in named and named[i.ref] < month_of(r["start_date"]) else i
            for r, i in zip(rows, plain)]


class Tie:
    """The tie of one account. `kind` words it ("prepaid account"); `advice(item, amount,
    money)` says what to post for an item whose account lacks `amount` (natural
    direction; negative: the account holds too much), `money` formatting amounts."""

    def __init__(self, ctx, account: str, kind: str, items: list[Item], lines: list[dict],
                 advice: Callable, noun: str = "item", basis: str = "schedule"):
        self.ctx, self.account, self.kind, self.advice = ctx, account, kind, advice
        self.noun, self.basis = noun, basis
        self.items = [i for i in items if i.account_id == account]
        self.lines = [l for l in lines if l["account_id"] == account]
        # The lines by month, grouped once: the findings ask for a month's lines and for
        # every month's movement, and at ten million lines a pass over all of them per
        # question was most of the reconciliation's time.
        self.by_month: dict[Month, list[dict]] = {}
        for line in self.lines:
            self.by_month.setdefault(month_of(line["posting_date"]), []).append(line)
        self.namer = Namer(self.items)
        m, start = ctx.month, ctx.month.first_day
        self.gl_close = sum((l["amount"] for l in self.lines), ZERO)
        self.gl_open = sum((l["amount"] for l in self.lines if l["posting_date"] < start), ZERO)
        self.s_close = sum((i.balance(m) for i in self.items), ZERO)
        self.s_open = sum((i.balance(m.prev) for i in self.items), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.gl_close - self.s_close

    @property
    def opening(self) -> Decimal:
        return self.gl_open - self.s_open

    @property
    def movement(self) -> Decimal:
        return self.closing - self.opening

    def metrics(self) -> dict:
        cur = self.ctx.currency
        return {"account_id": self.account, "gl_opening": cents(self.gl_open, cur),
                "schedule_opening": cents(self.s_open, cur),
                "gl_movement": cents(self.gl_close - self.gl_open, cur),
                "schedule_movement": cents(self.s_close - self.s_open, cur),
                "gl_balance": cents(self.gl_close, cur), "schedule_balance": cents(self.s_close, cur),
                "difference": cents(self.closing, cur)}

    def month_lines(self, month: Month) -> list[dict]:
        return self.by_month.get(month, [])

    def findings(self, first: Month, threshold: Decimal) -> list[Finding]:
        if self.closing == ZERO:
            # Right at month end. A movement difference then only makes up for an earlier
            # month's (an invoice booked a month late, a release caught up): not this close's.
            return []
        if first >= self.ctx.month:
            return [self._whole(threshold)]
        out = []
        if self.movement != ZERO:
            parts = parts_of_month(self.account, self.items, self.month_lines(self.ctx.month),
                                   self.ctx.month, self.namer)
            out += [self._finding(p, threshold) for p in parts]
        if self.opening != ZERO:
            out.append(self._opening(first, threshold))
        return out

    def _last_naming(self, item: Item) -> tuple[str, ...]:
        """The latest earlier entry on the account naming the item (its invoice, its
        accrual), for an item the month booked nothing for: where a reviewer starts."""
        named = [l for l in self.lines if self.namer(l) is item]
        if not named:
            return ()
        return (entry(max(named, key=lambda l: (l["posting_date"], l["je_id"], l["line_no"]))),)

    # -- wording -------------------------------------------------------------------------

    def _money(self, x: Decimal) -> str:
        return f"{cents(x, self.ctx.currency)} {self.ctx.currency}"

    def _round(self, x: Decimal) -> Decimal:
        return cents(x, self.ctx.currency)

    def _severity(self, amount: Decimal, threshold: Decimal) -> str:
        return "high" if abs(amount) >= threshold else "medium"

    def _finding(self, part: Part, threshold: Decimal) -> Finding:
        month, acc = self.ctx.month, f"accounts:{self.account}"
        if part.item is not None:
            text = (f"{part.item.label}: {self.kind} {self.account} moved {self._money(part.got)} "
                    f"for it in {month}, the {self.basis} {self._money(part.want)}; "
                    f"{self.advice(part.item, -part.amount, self._money)}")
            entries = part.entries or self._last_naming(part.item)
            return Finding(self._severity(part.amount, threshold), text,
                           self._round(part.amount), [part.item.ref, acc, *entries])
        gl_move, s_move = self.gl_close - self.gl_open, self.s_close - self.s_open
        text = (f"{self.kind[0].upper()}{self.kind[1:]} {self.account} moved "
                f"{self._money(gl_move)} in {month}, the {self.basis} {self._money(s_move)}: "
                f"{self._money(abs(part.amount))} "
                f"{'above' if part.amount > 0 else 'below'} the {self.basis}: the lines that name no "
                f"{self.noun} moved it {self._money(part.loose)}, the movements no line names come "
                f"to {self._money(part.loose - part.amount)}.")
        if part.candidates:
            named = ", ".join(f"{c.key} ({self._money(abs(sum(c.moves(month), ZERO)))})"
                              for c in part.candidates)
            text += f" Likely: {named}."
        text += (f" Closing balance: GL {self._money(self.gl_close)}, {self.basis} "
                 f"{self._money(self.s_close)}.")
        return Finding(self._severity(part.amount, threshold), text, self._round(part.amount),
                       [acc, *(c.ref for c in part.candidates), *part.entries])

    def _whole(self, threshold: Decimal) -> Finding:
        """Books that start this month: their opening entry cannot be told from the month's
        movements, so the closing difference is one finding on the account."""
        text = (f"{self.kind[0].upper()}{self.kind[1:]} {self.account} holds "
                f"{self._money(self.gl_close)} at {self.ctx.month.last_day}, the {self.basis} "
                f"{self._money(self.s_close)}: {self._money(abs(self.closing))} "
                f"{'above' if self.closing > 0 else 'below'} it in the books' first month. Check "
                f"the opening balance and this month's entries.")
        return Finding(self._severity(self.closing, threshold), text, self._round(self.closing),
                       [f"accounts:{self.account}"])

    def _opening(self, first: Month, threshold: Decimal) -> Finding:
        """The difference carried in from earlier months, dated to when it arose."""
        month = self.ctx.month
        span = _months(min(first, month.prev), month.prev)
        moves = {m: ZERO for m in span}
        for posted, lines in self.by_month.items():
            m = max(posted, span[0])
            if m in moves:
                moves[m] += sum((line["amount"] for line in lines), ZERO)
        running, booked = ZERO, {}
        for m in span:
            running += moves[m]
            booked[m] = running
        diff: dict[Month, Decimal] = {}

        def differs(m: Month) -> Decimal:
            """The difference at m's end. The schedule's side (every item's balance) is
            summed only for the months walked back, not for every month of the books:
            at ten million lines that is thousands of items times dozens of months."""
            if m not in diff:
                diff[m] = booked[m] - sum((i.balance(m) for i in self.items), ZERO)
            return diff[m]

        arose = month.prev
        while arose > span[0] and differs(arose.prev) != ZERO:
            arose = arose.prev
        parts = parts_of_month(self.account, self.items, self.month_lines(arose), arose, self.namer)
        refs = [f"accounts:{self.account}"]
        for p in parts:
            refs += [*([p.item.ref] if p.item else []), *(c.ref for c in p.candidates), *p.entries]
        side = "above" if self.opening > 0 else "below"
        text = (f"{self.kind[0].upper()}{self.kind[1:]} {self.account} was already "
                f"{self._money(abs(self.opening))} {side} the {self.basis} at {month.prev.last_day} "
                f"(GL {self._money(self.gl_open)}, {self.basis} {self._money(self.s_open)}); ")
        if arose == span[0]:
            text += (f"it differed from the end of the books' first month, {arose} (opening "
                     f"balances or that month's entries).")
        else:
            text += (f"the difference arose in {arose} ({self._money(abs(differs(arose)))} at its "
                     f"end) and has not been corrected since.")
        what = _describe(parts, self._money, self.noun)
        if what:
            text += f" In {arose}: {what}."
        return Finding(self._severity(self.opening, threshold),
                       text + " Find the entry and correct the account.", self._round(self.opening),
                       list(dict.fromkeys(refs)))


def _describe(parts: list[Part], money, noun: str) -> str:
    bits = []
    for p in parts[:MAX_DESCRIBED]:
        if p.item is not None:
            bits.append(f"{p.item.key} moved {money(p.got)} against {money(p.want)}")
        else:
            bits.append(f"entries naming no {noun} account for {money(abs(p.amount))} "
                        f"{'more' if p.amount > 0 else 'less'} than expected")
    return "; ".join(bits)


def _months(first: Month, last: Month) -> list[Month]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = m.shift(1)
    return out


def tie_accounts(ctx, items: list[Item], lines: list[dict], kinds: dict[str, str],
                 advice: Callable, noun: str = "item",
                 basis: str = "schedule") -> tuple[list[Finding], list[dict], list[Tie]]:
    """Every account of `kinds` (account -> "prepaid account"), tied. lines: natural_lines
    through month end on those accounts; `noun` names an item in messages ("contract"),
    `basis` the expected side ("schedule", "register"). Returns (findings, per-account
    metrics, ties)."""
    threshold = ctx.param("threshold")
    ties = [Tie(ctx, account, kinds[account], items, lines, advice, noun, basis)
            for account in sorted(kinds)]
    first = first_posting_month(ctx)
    findings = [f for t in ties for f in t.findings(first, threshold)]
    return findings, [t.metrics() for t in ties], ties


def nothing_to_reconcile(ctx, what: str, schedule: str):
    """The result of an entity with no schedule items: a pass that says why."""
    return ctx.result([], {}, f"Nothing to reconcile: the entity has no {what} in {schedule}.csv.")
