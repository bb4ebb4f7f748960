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

from close.ledger import first_posting_day
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
NO_DOCS = """
SELECT CAST(NULL AS VARCHAR) AS ref, CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS DATE) AS day,
       CAST(NULL AS VARCHAR) AS tax_code, CAST(NULL AS DECIMAL(18,2)) AS net_amount,
       CAST(NULL AS DECIMAL(18,2)) AS tax_amount, CAST(NULL AS VARCHAR) AS currency
WHERE 1 = 0
"""

# The one document an entry names: doc_ref is optional on every line, so a tax line
# without one belongs to the document its entry's other lines (the control line) name.
# "One document" is MIN = MAX over the entry's non-empty doc_refs: the same test as
# COUNT(DISTINCT doc_ref) = 1, without the distinct aggregate's second grouping of every
# (entry, doc_ref) pair of the journal.
ENTRY_DOC = """entry_doc AS (
    SELECT je_id, MIN(doc_ref) AS doc_ref
    FROM journal_lines
    WHERE entity_id = $entity_id AND posting_date <= $month_end AND COALESCE(doc_ref, '') <> ''
    GROUP BY je_id
    HAVING MIN(doc_ref) = MAX(doc_ref)
)"""

# ENTRY_DOC for just the entries of a `month_line` CTE (with `own_ref`) whose tax line
# names no document: the month's tax lines look up their entry's document, never the
# whole journal's.
MONTH_ENTRY_DOC = """entry_doc AS (
SELECT o.je_id, MIN(o.doc_ref) AS doc_ref
FROM journal_lines o
WHERE o.entity_id = $entity_id AND o.posting_date <= $month_end AND COALESCE(o.doc_ref, '') <> ''
  AND o.je_id IN (SELECT m.je_id FROM month_line m WHERE m.own_ref IS NULL)
GROUP BY o.je_id
HAVING MIN(o.doc_ref) = MAX(o.doc_ref)
)"""

# Documents some journal line names: only those can be itemised line by line (a pack
# without doc_ref is tied by balance and month alone).
NAMED = """named AS (
    SELECT DISTINCT doc_ref FROM journal_lines
    WHERE entity_id = $entity_id AND COALESCE(doc_ref, '') <> ''
)"""

# The books are tied in DuckDB: at a million lines the tax accounts carry tens of
# thousands of lines and the documents run to hundreds of thousands, so Python sees
# sums by account and month, and only the few documents and entries a finding names.
#
# `doc`: the documents since the books began ($first_day) with their tax code.
DOC = """doc AS (
  SELECT d.ref, d.kind, d.day, CAST(date_trunc('month', d.day) AS DATE) AS period_month,
         d.tax_code, d.net_amount, d.tax_amount, d.currency, c.tax_type, c.rate,
         c.gl_account_id, COALESCE(c.reverse_charge, FALSE) AS reverse_charge
  FROM ({docs}) AS d
  LEFT JOIN tax_codes c ON c.tax_code = d.tax_code
  WHERE d.day >= $first_day
)"""

# What the documents put on the tax accounts, by kind: 'effect', the invoices' tax
# credited and the ordinary bills' tax debited on their code's account, by month;
# 'withholding', the payments' withholding by month (its account is chosen from the
# postings); 'reverse_charge', the reverse-charge bills one by one (document_effect: a
# reverse charge is rounded to its document's currency); 'input_vat', per account, the
# bills with input VAT (where reverse-charge input goes when no posting shows it). The
# same for every caller of one entity and month, so read once a close (shared_rows);
# REPORTED_EFFECTS adds the documents a caller itemised.
DOCUMENT_EFFECTS = "WITH " + DOC + """
SELECT 'effect' AS kind, d.gl_account_id AS account_id, d.period_month, NULL AS ref,
       NULL AS doc_kind, NULL AS tax_code, COUNT(*) AS n,
       SUM(CASE WHEN d.kind = 'invoice' THEN d.tax_amount ELSE -d.tax_amount END) AS amount,
       NULL AS net_amount, NULL AS rate, NULL AS currency
FROM doc d
WHERE d.tax_type IN (SELECT unnest(CAST($doc_types AS VARCHAR[])))
  AND (d.kind = 'invoice' OR (d.kind = 'bill' AND NOT d.reverse_charge))
GROUP BY d.gl_account_id, d.period_month
UNION ALL
SELECT 'withholding', NULL, d.period_month, NULL, NULL, NULL, COUNT(*), SUM(d.tax_amount),
       NULL, NULL, NULL
FROM doc d
WHERE d.kind = 'payment' AND d.tax_amount <> 0
GROUP BY d.period_month
UNION ALL
SELECT 'reverse_charge', d.gl_account_id, d.period_month, d.ref, d.kind, d.tax_code, 1,
       d.tax_amount, d.net_amount, d.rate, d.currency
FROM doc d
WHERE d.kind = 'bill' AND d.reverse_charge
UNION ALL
SELECT 'input_vat', d.gl_account_id, NULL, NULL, NULL, NULL, COUNT(*), NULL, NULL, NULL, NULL
FROM doc d
WHERE d.kind = 'bill' AND d.tax_type IN ('vat', 'gst') AND NOT d.reverse_charge
  AND d.tax_amount <> 0
GROUP BY d.gl_account_id
ORDER BY kind, account_id, period_month, ref
"""

# 'reported': the documents the caller itemised, one by one, as DOCUMENT_EFFECTS's rows.
REPORTED_EFFECTS = "WITH " + DOC + """
SELECT 'reported' AS kind, d.gl_account_id AS account_id, d.period_month, d.ref,
       d.kind AS doc_kind, d.tax_code, 1 AS n, d.tax_amount AS amount, d.net_amount, d.rate,
       d.currency
FROM doc d
WHERE d.ref IN (SELECT unnest(CAST($reported AS VARCHAR[])))
ORDER BY kind, account_id, period_month, ref
"""

# `line`: each tax-account line up to the month end with its month, its document (own
# doc_ref, else its entry's) and whether it is `aside`: in the opening entry (one that
# posts to equity on the books' first day) or in a settlement (an entry that posts only
# to cash and the tax accounts pays, refunds or offsets tax with the authority). The
# entry-level facts come from all the lines of the entries that touch the tax accounts
# (`entry`; ENTRY_DOC's one document is the lowest doc_ref equal to the highest).
LINE = """raw AS (
  SELECT j.je_id, j.account_id, j.posting_date, NULLIF(j.doc_ref, '') AS own_ref,
         CAST(j.credit - j.debit AS DECIMAL(18,4)) AS amount
  FROM journal_lines j
  WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
    AND j.account_id IN (SELECT a.account_id FROM accounts a
                         WHERE a.subtype IN ('tax_payable', 'tax_receivable')){entries}
), entry AS (
  SELECT o.je_id,
         MAX(CASE WHEN oa.subtype NOT IN ('cash', 'tax_payable', 'tax_receivable')
                  THEN 1 ELSE 0 END) AS elsewhere,
         MAX(CASE WHEN oa.type = 'equity' AND o.posting_date = $first_day THEN 1 ELSE 0 END)
           AS opening,
         MIN(NULLIF(o.doc_ref, '')) AS first_ref, MAX(NULLIF(o.doc_ref, '')) AS last_ref
  FROM journal_lines o
  JOIN accounts oa ON oa.account_id = o.account_id
  JOIN (SELECT DISTINCT r.je_id FROM raw r) AS taxed ON taxed.je_id = o.je_id
  WHERE o.entity_id = $entity_id AND o.posting_date <= $month_end
  GROUP BY o.je_id
), line AS (
  SELECT r.je_id, r.account_id, CAST(date_trunc('month', r.posting_date) AS DATE) AS period_month,
         COALESCE(r.own_ref, CASE WHEN e.first_ref = e.last_ref THEN e.first_ref END) AS doc_ref,
         r.amount, e.elsewhere = 0 OR e.opening = 1 AS aside
  FROM raw r
  JOIN entry e ON e.je_id = r.je_id
)"""

# The tax-account lines, by kind: 'rc_input' and 'wht', per account, the lines of
# reverse-charge bills debited and of payments credited (where the entity posts them);
# for the tied accounts ($accounts), 'month': each month's movement (less the opening
# entry and settlements with the authority, `aside`) and all lines (for the closing
# balance); 'loose', per month the entries without a document, the MAX_REFS largest (no
# other can be named). Per account, so one read for every document-tied account serves
# each caller (recon.tax_accounts, tax.vat_return) of an entity and month: shared_rows.
POSTINGS = "WITH " + LINE.replace("{entries}", "") + """, tied AS (
  SELECT l.je_id, l.account_id, l.period_month, l.doc_ref, l.amount, l.aside
  FROM line l
  WHERE l.account_id IN (SELECT unnest(CAST($accounts AS VARCHAR[])))
), loose AS (
  SELECT t.account_id, t.period_month, t.je_id, SUM(t.amount) AS amount
  FROM tied t
  WHERE NOT t.aside AND t.doc_ref IS NULL
  GROUP BY t.account_id, t.period_month, t.je_id
), ranked AS (
  SELECT o.account_id, o.period_month, o.je_id, o.amount,
         ROW_NUMBER() OVER (PARTITION BY o.account_id, o.period_month
                            ORDER BY ABS(o.amount) DESC, o.je_id) AS n
  FROM loose o
)
SELECT 'rc_input' AS kind, l.account_id, NULL AS period_month, NULL AS ref, NULL AS je_id,
       COUNT(*) AS n, NULL AS amount, NULL AS total
FROM line l
WHERE l.amount < 0 AND l.doc_ref IN (SELECT unnest(CAST($rc_bills AS VARCHAR[])))
GROUP BY l.account_id
UNION ALL
SELECT 'wht', l.account_id, NULL, NULL, NULL, COUNT(*), NULL, NULL
FROM line l
WHERE l.amount > 0 AND LEFT(l.doc_ref, 12) = 'ap_payments:'
GROUP BY l.account_id
UNION ALL
SELECT 'month', t.account_id, t.period_month, NULL, NULL, COUNT(*),
       SUM(CASE WHEN t.aside THEN 0 ELSE t.amount END), SUM(t.amount)
FROM tied t
GROUP BY t.account_id, t.period_month
UNION ALL
SELECT 'loose', r.account_id, r.period_month, NULL, r.je_id, 1, r.amount, NULL
FROM ranked r
WHERE r.n <= $max_refs
ORDER BY kind, account_id, period_month, ref, je_id
"""

# 'posted': the lines of the documents the caller itemised, by account. A line counts for
# a document when it or its entry names it (LINE), so only the entries with a line that
# names one of them are read, not every entry on the tax accounts.
POSTED = "WITH named AS (" + """
  SELECT DISTINCT je_id FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date <= $month_end
    AND doc_ref IN (SELECT unnest(CAST($reported AS VARCHAR[])))
), """ + LINE.replace("{entries}", "\n    AND j.je_id IN (SELECT je_id FROM named)") + """
SELECT 'posted' AS kind, l.account_id, NULL AS period_month, l.doc_ref AS ref, NULL AS je_id,
       COUNT(*) AS n, SUM(l.amount) AS amount, NULL AS total
FROM line l
WHERE l.account_id IN (SELECT unnest(CAST($accounts AS VARCHAR[])))
  AND NOT l.aside AND l.doc_ref IN (SELECT unnest(CAST($reported AS VARCHAR[])))
GROUP BY l.account_id, l.doc_ref
ORDER BY kind, account_id, period_month, ref, je_id
"""


DOC_PREFIXES = ("ar_invoices:", "ap_bills:", "ap_payments:")


def _most_common(counts: dict) -> str | None:
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


def tied_accounts(codes: list[dict], types=DOC_TYPES) -> list[str]:
    """Accounts carrying only document-driven tax (codes of `types`, no income/payroll)."""
    wanted = {c["gl_account_id"] for c in codes if c["tax_type"] in types and c["gl_account_id"]}
    other = {c["gl_account_id"] for c in codes if c["tax_type"] in NON_DOC_TYPES}
    return sorted(wanted - other)


def effect_accounts(ctx, codes, counts) -> tuple[str | None, str | None]:
    """(withholding account, reverse-charge input account) from where the entity posts:
    a payment's withholding goes where its payments credit tax (else the entity's
    country's withholding code account, if one); a reverse-charge bill's input side where
    such bills debit tax, else where its other bills put input VAT."""
    country_wht = sorted({c["gl_account_id"] for c in codes if c["tax_type"] == "withholding"
                          and c["jurisdiction"] == ctx.entity.country})
    wht_account = _most_common(counts["wht"]) or (country_wht[0] if len(country_wht) == 1 else None)
    input_account = _most_common(counts["rc_input"]) or _most_common(counts["input_vat"])
    return wht_account, input_account


def document_effect(doc: dict, code: dict | None, wht_account, input_account) -> dict | None:
    """{account: tax credited (+) / debited (-)} the document should post, or None.
    DOCUMENT_EFFECTS sums the same for the invoices, ordinary bills and payments."""
    if doc["kind"] == "payment":
        if doc["tax_amount"] != ZERO and wht_account:
            return {wht_account: doc["tax_amount"]}
        return None
    if code is None or code["tax_type"] not in DOC_TYPES:
        return None
    gl = code["gl_account_id"]
    if doc["kind"] == "invoice":
        return {gl: doc["tax_amount"]}
    if code["reverse_charge"]:
        rc = cents(doc["net_amount"] * code["rate"], doc["currency"])
        side = input_account or gl
        return {gl: ZERO} if side == gl else {gl: rc, side: -rc}
    return {gl: -doc["tax_amount"]}


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
    by_code = {c["tax_code"]: c for c in codes}
    first_day = first_posting_day(ctx)
    reported = sorted(reported)

    closing = defaultdict(lambda: ZERO)
    movement = defaultdict(lambda: defaultdict(lambda: ZERO))   # account -> month -> GL
    loose = defaultdict(lambda: defaultdict(dict))              # account -> month -> entry
    posted = defaultdict(lambda: ZERO)                          # (ref, account) -> GL
    periods = defaultdict(lambda: defaultdict(lambda: ZERO))   # account -> month -> computed
    effects: dict[str, dict] = {}                               # the reported documents'
    if first_day is not None:   # else no line and no document: nothing posted or computed
        docs = " UNION ALL ".join([sql for table, sql in DOCS.items() if ctx.has_table(table)] or [NO_DOCS])
        found = ctx.shared_rows(DOCUMENT_EFFECTS.format(docs=docs), first_day=first_day,
                                doc_types=list(DOC_TYPES))
        if reported:
            found += ctx.rows(REPORTED_EFFECTS.format(docs=docs), first_day=first_day, reported=reported)
        rc_bills = sorted(r["ref"] for r in found if r["kind"] == "reverse_charge")
        wanted = set(accounts)
        every = sorted(set(tied_accounts(codes)) | wanted)   # the same for every caller
        rows = [r for r in ctx.shared_rows(POSTINGS, first_day=first_day, accounts=every,
                                           rc_bills=rc_bills, max_refs=MAX_REFS)
                if r["kind"] not in ("month", "loose") or r["account_id"] in wanted]
        if reported:
            rows += ctx.rows(POSTED, first_day=first_day, accounts=accounts, reported=reported)
        counts = {kind: {r["account_id"]: r["n"] for r in rows + found if r["kind"] == kind}
                  for kind in ("rc_input", "wht", "input_vat")}
        wht_account, input_account = effect_accounts(ctx, codes, counts)
        for r in found:
            month = month_of(r["period_month"]) if r["period_month"] else None
            if r["kind"] == "effect":
                periods[r["account_id"]][month] += r["amount"]
            elif r["kind"] == "withholding" and wht_account:
                periods[wht_account][month] += r["amount"]
            elif r["kind"] in ("reverse_charge", "reported"):
                doc = {"kind": r["doc_kind"], "tax_amount": r["amount"],
                       "net_amount": r["net_amount"], "currency": r["currency"]}
                effect = document_effect(doc, by_code.get(r["tax_code"]), wht_account,
                                         input_account) or {}
                if r["kind"] == "reported":
                    effects[r["ref"]] = effect
                else:
                    for acct, amount in effect.items():
                        periods[acct][month] += amount
        for r in rows:
            month = month_of(r["period_month"]) if r["period_month"] else None
            if r["kind"] == "month":
                closing[r["account_id"]] += r["total"]
                movement[r["account_id"]][month] += r["amount"]
            elif r["kind"] == "posted":
                posted[(r["ref"], r["account_id"])] += r["amount"]
            elif r["kind"] == "loose":
                loose[r["account_id"]][month][r["je_id"]] = r["amount"]

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
