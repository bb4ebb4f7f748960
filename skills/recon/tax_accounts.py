"""Tax accounts against the tax computed from the documents: per document and by balance.

Sales tax, VAT, GST and withholding payable (and input tax receivable) are owed to, or
reclaimed from, an authority on the strength of the documents, while the balance sheet
shows the GL. For the month, each document's tax is recomputed from the subledger and
compared with the tax-account lines (subtypes tax_payable and tax_receivable) whose
doc_ref names it, or whose entry names it on another line (doc_ref is optional; documents
no journal line names are not itemised, the balance tie covers them):

- customer invoice: its tax_amount credited (output tax);
- supplier bill: its tax_amount debited (input tax), or under a reverse-charge code
  rate × net both credited and debited (self-assessed);
- supplier payment: its withholding_amount credited (tax withheld, owed to the authority).

A document whose tax postings differ is a finding (amount: the difference, refs: the
document and its entries).

Movements alone miss an error posted in an earlier month, so each document-driven tax
account's closing balance is also tied (skills/tax/_balance.py): the documents since the
books began, less the payments to and offsets with the authority, give the balance it
should hold, month by month. An unexplained rest is one finding per account (refs: the account and the entries
or documents behind it) naming the month in which the difference arose. Income tax and
payroll tax accounts are not document-driven: their provisions and payments are checked
by the tax skills.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.tax import _balance

DOCUMENTS = "WITH " + _balance.NAMED + """, docs AS (
SELECT 'ar_invoices:' || i.invoice_id AS ref, 'invoice' AS kind, i.net_amount, i.tax_amount,
       t.rate, COALESCE(t.reverse_charge, FALSE) AS reverse_charge, i.currency
FROM ar_invoices i
LEFT JOIN tax_codes t ON t.tax_code = i.tax_code
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
UNION ALL
SELECT 'ap_bills:' || b.bill_id, 'bill', b.net_amount, b.tax_amount, t.rate,
       COALESCE(t.reverse_charge, FALSE), b.currency
FROM ap_bills b
LEFT JOIN tax_codes t ON t.tax_code = b.tax_code
WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $month_start AND $month_end
UNION ALL
SELECT 'ap_payments:' || p.payment_id, 'payment', p.amount, COALESCE(p.withholding_amount, 0),
       NULL, FALSE, NULL
FROM ap_payments p
WHERE p.entity_id = $entity_id AND p.date BETWEEN $month_start AND $month_end
)
SELECT * FROM docs WHERE ref IN (SELECT doc_ref FROM named)
ORDER BY ref
"""

TAX_LINES = "WITH " + _balance.ENTRY_DOC + """
SELECT j.je_id, j.account_id, COALESCE(NULLIF(j.doc_ref, ''), e.doc_ref) AS doc_ref,
       CAST(j.credit - j.debit AS DECIMAL(18,2)) AS credit_positive
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
LEFT JOIN entry_doc e ON e.je_id = j.je_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND a.subtype IN ('tax_payable', 'tax_receivable')
ORDER BY j.je_id, j.line_no
"""

BALANCES = """
SELECT a.account_id, CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS balance
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND a.subtype IN ('tax_payable', 'tax_receivable')
GROUP BY a.account_id
ORDER BY a.account_id
"""

DOCUMENT_PREFIXES = ("ar_invoices:", "ap_bills:", "ap_payments:")


def expected(doc: dict) -> tuple:
    """(tax credited, tax debited) the document should put on the tax accounts."""
    if doc["kind"] == "invoice":
        return doc["tax_amount"], ZERO
    if doc["kind"] == "payment":
        return doc["tax_amount"], ZERO
    if doc["reverse_charge"]:
        rc = cents(doc["net_amount"] * doc["rate"], doc["currency"])
        return rc, rc
    return ZERO, doc["tax_amount"]


def run(ctx):
    docs = {d["ref"]: d for d in ctx.rows(DOCUMENTS)}
    posted: dict[str, list] = {}
    entries: dict[str, set] = {}
    undocumented = ZERO
    for line in ctx.rows(TAX_LINES):
        ref, amount = line["doc_ref"], line["credit_positive"]
        if not ref or not ref.startswith(DOCUMENT_PREFIXES):
            undocumented += amount
            continue
        sides = posted.setdefault(ref, [ZERO, ZERO])
        doc = docs.get(ref)
        split = doc is not None and doc["kind"] == "bill" and doc["reverse_charge"]
        if doc is not None and doc["kind"] == "bill" and not split:
            sides[1] -= amount
        elif split and amount < 0:
            sides[1] -= amount
        else:
            sides[0] += amount
        entries.setdefault(ref, set()).add(f"journal_lines:{line['je_id']}")

    threshold = ctx.param("threshold")
    findings = []
    computed_credit = computed_debit = ZERO
    for ref in sorted(set(docs) | set(posted)):
        want = expected(docs[ref]) if ref in docs else (ZERO, ZERO)
        got = tuple(posted.get(ref, (ZERO, ZERO)))
        computed_credit += want[0]
        computed_debit += want[1]
        if got == want:
            continue
        diff = (got[0] - got[1]) - (want[0] - want[1])
        size = diff if diff != ZERO else max(abs(got[0] - want[0]), abs(got[1] - want[1]))
        if ref in docs:
            c = ctx.currency
            message = (f"{ref}: its tax is {cents(want[0], c)} credited / {cents(want[1], c)} "
                       f"debited on the tax accounts, the GL has {cents(got[0], c)} / "
                       f"{cents(got[1], c)} in "
                       f"{ctx.month}: correct the posting.")
        else:
            message = (f"{ref} puts tax on the tax accounts in {ctx.month} but is not a document "
                       f"of the month: check its date and posting.")
        findings.append(Finding("high" if abs(size) >= threshold else "medium", message,
                                cents(size, ctx.currency), [ref, *sorted(entries.get(ref, ()))]))
    differences, tied = _balance.balance_differences(ctx, reported={f.refs[0] for f in findings})
    for diff in differences:
        findings.append(Finding("high" if abs(diff["amount"]) >= threshold else "medium",
                                _balance.describe(diff, ctx.month, ctx.currency),
                                diff["amount"], diff["refs"]))
    metrics = {"documents": len(docs), "tax_credited_computed": cents(computed_credit, ctx.currency),
               "tax_debited_computed": cents(computed_debit, ctx.currency),
               "movement_without_document": cents(undocumented, ctx.currency),
               "balances": [{"account_id": r["account_id"], "balance": r["balance"]}
                            for r in ctx.rows(BALANCES)],
               "balances_tied": tied}
    if not docs and not posted and not tied:
        return ctx.skip(f"{ctx.entity.id} has no tax documents and no document-driven tax "
                        f"account: nothing to reconcile.")
    summary = (f"{len(docs)} document(s) in {ctx.month}; {len(findings) - len(differences)} whose "
               f"tax postings differ from the tax computed; {len(tied)} tax account balance(s) "
               f"tied, {len(differences)} with an unexplained difference.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.tax_accounts",
    title="Tax accounts vs tax from documents",
    description=(
        "For the month, recomputes each document's tax effect (invoice tax credited; bill tax "
        "debited, or rate × net both ways under reverse charge; payment withholding credited) "
        "and compares it with the lines on tax-payable and tax-receivable accounts whose "
        "doc_ref, or whose entry's doc_ref, names the document (a finding per document that "
        "differs). Then ties each document-driven tax account's closing balance to what all "
        "documents since the books began imply, less payments to the authority (entries on "
        "cash and tax accounts only), month by month; an unexplained rest is a finding on "
        "the account naming the month it arose. Income and payroll tax accounts are left to "
        "the tax skills."
    ),
    needs=("ar_invoices", "ap_bills", "ap_payments", "tax_codes", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
