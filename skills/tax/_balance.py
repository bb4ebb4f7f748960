"""Tie tax accounts' closing balances to what the documents and settlements imply.

Why: comparing only the month's movement leaves an error posted months earlier in the
balance, unseen (a reclass out of output VAT in February still overstates nothing in May's
movement). The balance a document-driven tax account should hold is what the documents
since the books began put on it, less what was settled with the authority. This module
rebuilds that month by month, per account, and says in which month a difference arose.

Per account (gl accounts of the vat/gst/sales_tax/withholding codes; accounts that are also
the gl account of an income or payroll code are not document-driven and are left out):

- documents (credit positive): an invoice's tax_amount credited on its code's account; a
  bill's tax_amount debited on its code's account; a reverse-charge bill's rate × net
  (rounded to its currency) credited on the code's account and debited on the account the
  entity's reverse-charge bills post their input side to (else where its other bills put
  input VAT, else the code's account); a
  payment's withholding_amount credited on the account payments post withholding to (else
  the entity's country's withholding code account);
- the opening entry (entries on the entity's first posting date that post to equity) is
  last year's balance, and documents dated before the books began are in it;
- a posting in an entry that only touches cash and tax accounts is a payment to, refund
  from or offset with the authority: whether it paid the right amount is the filing
  skills' question, and the liability stays right either way;
- every other posting is the documents' tax. Month by month, that movement is compared
  with what the month's documents compute; the difference of a month is where it arose
  (a reclass to expense, a document posted with the wrong tax), and the cumulative
  difference is what the closing balance still carries. A document posted in another
  month than its date shows in two months and nets out.

doc_ref is optional (LEDGER-PACK.md): a tax line without one belongs to the document its
entry names on another line (ENTRY_DOC), and with no doc_ref at all the tie by month still
works, only without itemising documents. Differences of documents the calling skill has
itemised this month (`reported`) are its findings and are left out, so one error gives one
finding.
"""
from __future__ import annotations

from collections import defaultdict

from close.money import ZERO, cents
from close.periods import month_of

DOC_TYPES = ("vat", "gst", "sales_tax", "withholding")
NON_DOC_TYPES = ("income", "payroll")
MAX_REFS = 10

CODES = """
SELECT tax_code, jurisdiction, tax_type, rate, gl_account_id,
       COALESCE(reverse_charge, FALSE) AS reverse_charge
FROM tax_codes ORDER BY tax_code
"""

DOCS = {  # each document table the pack has: its documents to the month end
    "ar_invoices": """
SELECT 'ar_invoices:' || invoice_id AS ref, 'invoice' AS kind, invoice_date AS day, tax_code,
       net_amount, tax_amount, currency
FROM ar_invoices WHERE entity_id = $entity_id AND invoice_date <= $month_end
""",
    "ap_bills": """
SELECT 'ap_bills:' || bill_id AS ref, 'bill' AS kind, bill_date AS day, tax_code, net_amount,
       tax_amount, currency
FROM ap_bills WHERE entity_id = $entity_id AND bill_date <= $month_end
""",
    "ap_payments": """
SELECT 'ap_payments:' || payment_id AS ref, 'payment' AS kind, date AS day, NULL AS tax_code,
       amount AS net_amount, COALESCE(withholding_amount, 0) AS tax_amount, NULL AS currency
FROM ap_payments WHERE entity_id = $entity_id AND date <= $month_end
""",
}

# The one document an entry names: doc_ref is optional on every line, so a tax line
# without one belongs to the document its entry's other lines (the control line) name.
ENTRY_DOC = """entry_doc AS (
    SELECT je_id, MIN(doc_ref) AS doc_ref
    FROM journal_lines
    WHERE entity_id = $entity_id AND posting_date <= $month_end AND COALESCE(doc_ref, '') <> ''
    GROUP BY je_id
    HAVING COUNT(DISTINCT doc_ref) = 1
)"""

# Documents some journal line names: only those can be itemised line by line (a pack
# without doc_ref is tied by balance and month alone).
NAMED = """named AS (
    SELECT DISTINCT doc_ref FROM journal_lines
    WHERE entity_id = $entity_id AND COALESCE(doc_ref, '') <> ''
)"""

LINES = "WITH " + ENTRY_DOC + """, elsewhere AS (     -- entries that also post outside cash and the tax accounts
    SELECT DISTINCT o.je_id
    FROM journal_lines o
    JOIN accounts oa ON oa.account_id = o.account_id
    WHERE o.entity_id = $entity_id AND o.posting_date <= $month_end
      AND oa.subtype NOT IN ('cash', 'tax_payable', 'tax_receivable')
), equity AS (        -- entries on the first day that post to equity: the opening entry
    SELECT DISTINCT o.je_id
    FROM journal_lines o
    JOIN accounts oa ON oa.account_id = o.account_id
    WHERE o.entity_id = $entity_id AND oa.type = 'equity'
      AND o.posting_date = (SELECT MIN(posting_date) FROM journal_lines WHERE entity_id = $entity_id)
)
SELECT j.je_id, j.line_no, j.posting_date, j.account_id, j.source,
       COALESCE(NULLIF(j.doc_ref, ''), e.doc_ref) AS doc_ref,
       CAST(j.credit - j.debit AS DECIMAL(18,4)) AS amount,
       j.je_id NOT IN (SELECT je_id FROM elsewhere) AS settlement,
       j.je_id IN (SELECT je_id FROM equity) AS opening
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
LEFT JOIN entry_doc e ON e.je_id = j.je_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND a.subtype IN ('tax_payable', 'tax_receivable')
ORDER BY j.posting_date, j.je_id, j.line_no
"""

FIRST_DAY = "SELECT MIN(posting_date) AS day FROM journal_lines WHERE entity_id = $entity_id"

DOC_PREFIXES = ("ar_invoices:", "ap_bills:", "ap_payments:")


def _most_common(counts: dict) -> str | None:
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


def tied_accounts(codes: list[dict], types=DOC_TYPES) -> list[str]:
    """Accounts carrying only document-driven tax (codes of `types`, no income/payroll)."""
    wanted = {c["gl_account_id"] for c in codes if c["tax_type"] in types and c["gl_account_id"]}
    other = {c["gl_account_id"] for c in codes if c["tax_type"] in NON_DOC_TYPES}
    return sorted(wanted - other)


def document_effects(ctx, codes, lines, docs) -> dict[str, dict[str, object]]:
    """Per document ref: {account: tax credited (+) / debited (-)} it should post."""
    by_code = {c["tax_code"]: c for c in codes}
    rc_bills = {d["ref"] for d in docs if d["kind"] == "bill"
                and by_code.get(d["tax_code"], {}).get("reverse_charge")}
    rc_input, wht = defaultdict(int), defaultdict(int)
    for line in lines:
        if line["doc_ref"] in rc_bills and line["amount"] < 0:
            rc_input[line["account_id"]] += 1
        elif (line["doc_ref"] or "").startswith("ap_payments:") and line["amount"] > 0:
            wht[line["account_id"]] += 1
    country_wht = sorted({c["gl_account_id"] for c in codes if c["tax_type"] == "withholding"
                          and c["jurisdiction"] == ctx.entity.country})
    wht_account = _most_common(wht) or (country_wht[0] if len(country_wht) == 1 else None)
    input_vat = defaultdict(int)   # where the entity's other bills put their input VAT
    for d in docs:
        code = by_code.get(d["tax_code"])
        if d["kind"] == "bill" and code and code["tax_type"] in ("vat", "gst") \
                and not code["reverse_charge"] and d["tax_amount"] != ZERO:
            input_vat[code["gl_account_id"]] += 1
    input_account = _most_common(rc_input) or _most_common(input_vat)
    effects: dict[str, dict] = {}
    for d in docs:
        code = by_code.get(d["tax_code"])
        if d["kind"] == "payment":
            if d["tax_amount"] != ZERO and wht_account:
                effects[d["ref"]] = {wht_account: d["tax_amount"]}
            continue
        if code is None or code["tax_type"] not in DOC_TYPES:
            continue
        gl = code["gl_account_id"]
        if d["kind"] == "invoice":
            effects[d["ref"]] = {gl: d["tax_amount"]}
        elif code["reverse_charge"]:
            rc = cents(d["net_amount"] * code["rate"], d["currency"])
            side = input_account or gl
            effects[d["ref"]] = {gl: ZERO} if side == gl else {gl: rc, side: -rc}
        else:
            effects[d["ref"]] = {gl: -d["tax_amount"]}
    return effects


def balance_differences(ctx, accounts: list[str] | None = None, codes: list[dict] | None = None,
                        reported=()):
    """Per tied account whose closing balance is unexplained: a dict {account_id, amount,
    arose, series, refs, closing, expected} (amount credit positive: GL minus what the
    documents and settlements imply, less the differences of the documents in `reported`,
    which the caller itemised as findings of their own); and metrics for every tied account.
    """
    codes = codes if codes is not None else ctx.rows(CODES)
    accounts = accounts if accounts is not None else tied_accounts(codes)
    if not accounts:
        return [], []
    wanted = set(accounts)
    all_lines = ctx.rows(LINES)
    docs = sorted((d for table, sql in DOCS.items() if ctx.has_table(table) for d in ctx.rows(sql)),
                  key=lambda d: d["ref"])
    first_day = ctx.rows(FIRST_DAY)[0]["day"]
    # documents dated before the books began are in the opening balance, not posted again
    docs = [d for d in docs if first_day is not None and d["day"] >= first_day]
    effects = document_effects(ctx, codes, all_lines, docs)
    doc_month = {d["ref"]: month_of(d["day"]) for d in docs}
    lines = [l for l in all_lines if l["account_id"] in wanted]

    closing = defaultdict(lambda: ZERO)
    movement = defaultdict(lambda: defaultdict(lambda: ZERO))   # account -> month -> GL
    loose = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: ZERO)))  # no document
    posted = defaultdict(lambda: ZERO)                          # (ref, account) -> GL
    for l in lines:
        acct, amount = l["account_id"], l["amount"]
        closing[acct] += amount
        if l["opening"] or l["settlement"]:
            continue          # the opening balance; payments to and offsets with the authority
        month = month_of(l["posting_date"])
        movement[acct][month] += amount
        if l["doc_ref"]:
            posted[(l["doc_ref"], acct)] += amount
        else:
            loose[acct][month][l["je_id"]] += amount

    periods = defaultdict(lambda: defaultdict(lambda: ZERO))   # account -> month -> computed
    for ref, per_account in effects.items():
        for acct, amount in per_account.items():
            if acct in wanted:
                periods[acct][doc_month[ref]] += amount

    start = month_of(first_day) if first_day else ctx.month
    out, metrics = [], []
    for acct in accounts:
        changes, month = {}, start
        while month <= ctx.month:
            changes[month] = movement[acct].get(month, ZERO) - periods[acct].get(month, ZERO)
            month = month.shift(1)
        itemised = sum((posted.get((ref, acct), ZERO) - effects.get(ref, {}).get(acct, ZERO)
                        for ref in reported), ZERO)
        changes[ctx.month] = changes.get(ctx.month, ZERO) - itemised
        total = sum(changes.values(), ZERO)
        expected = closing[acct] - total
        metrics.append({"account_id": acct, "closing": cents(closing[acct], ctx.currency),
                        "expected": cents(expected, ctx.currency)})
        if cents(total, ctx.currency) == ZERO:
            continue
        series, running, arose = [], ZERO, None
        for month in sorted(changes):
            before = running
            running += changes[month]
            if cents(running, ctx.currency) != cents(before, ctx.currency):
                series.append((str(month), cents(running, ctx.currency)))
            if cents(running, ctx.currency) == ZERO:
                arose = None
            elif arose is None:
                arose = month
        months = [m for m in sorted(changes) if arose is not None and m >= arose
                  and cents(changes[m], ctx.currency) != ZERO]
        entries = sorted(((m, je, amount) for m in months for je, amount in loose[acct].get(m, {}).items()),
                         key=lambda t: (-abs(t[2]), t[0], t[1]))
        refs = [f"journal_lines:{je}" for _, je, _ in entries[:MAX_REFS]]
        out.append({"account_id": acct, "amount": cents(total, ctx.currency),
                    "arose": str(arose) if arose else str(ctx.month), "series": series,
                    "refs": [f"accounts:{acct}", *sorted(refs)],
                    "closing": cents(closing[acct], ctx.currency),
                    "expected": cents(expected, ctx.currency)})
    return out, metrics


def describe(diff: dict, month, currency: str) -> str:
    """One message: the closing balance, what it should be, and when the gap arose."""
    history = "; ".join(f"{m}: {a}" for m, a in diff["series"][-6:])
    return (f"Account {diff['account_id']} closes {month} at {diff['closing']} {currency} "
            f"(credit positive), but the documents and settlements since the books began "
            f"imply {diff['expected']}: {diff['amount']} is unexplained. The difference arose "
            f"in {diff['arose']} and is still in the balance (cumulative difference by month: "
            f"{history}): find and reverse the posting.")
