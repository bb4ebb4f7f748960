"""Transfer pricing: intercompany charges at cost plus the agreed markup.

Tax authorities on both sides of an intercompany charge expect the arm's-length price
the group documented; charging another amount moves profit between countries and
invites adjustments and penalties. Per agreement with this entity as provider
(intercompany_agreements.csv), the month's cost is the provider's expense lines whose
counterparty is the recipient entity (intercompany expense excluded: that is what others
charge it), and the charge must be cost × (1 + markup_pct / 100), rounded half away from
zero to the provider currency's minor unit. The charge booked is the provider's intercompany revenue from the
recipient in the month, all in the provider's functional currency (rounded to its minor
unit: whole yen for JPY). Where a pair has several agreements, lines whose doc_ref names
an agreement (`intercompany_agreements:<id>`) go to it and the rest to the pair's first.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

AGREEMENTS = """
SELECT agreement_id, recipient_entity_id, service, markup_pct
FROM intercompany_agreements
WHERE provider_entity_id = $entity_id
ORDER BY agreement_id
"""

LINES = """
SELECT j.je_id, j.counterparty, j.doc_ref, a.subtype,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND j.counterparty IN (SELECT recipient_entity_id FROM intercompany_agreements
                         WHERE provider_entity_id = $entity_id)
  AND ((a.type = 'expense' AND a.subtype <> 'intercompany_expense')
       OR a.subtype = 'intercompany_revenue')
ORDER BY j.je_id, j.line_no
"""


def run(ctx):
    agreements = ctx.rows(AGREEMENTS)
    if not agreements:
        return ctx.result([], {"agreements": 0},
                          f"{ctx.entity.id} provides no intercompany services under an agreement.")
    by_id = {a["agreement_id"]: a for a in agreements}
    first_for = {}
    for a in agreements:
        first_for.setdefault(a["recipient_entity_id"], a["agreement_id"])
    cost = {a: ZERO for a in by_id}
    charged = {a: ZERO for a in by_id}
    entries = {a: set() for a in by_id}
    for line in ctx.rows(LINES):
        ref = line["doc_ref"] or ""
        agreement = ref.split(":", 1)[1] if ref.startswith("intercompany_agreements:") else None
        if agreement not in by_id or by_id[agreement]["recipient_entity_id"] != line["counterparty"]:
            agreement = first_for[line["counterparty"]]
        if line["subtype"] == "intercompany_revenue":
            charged[agreement] -= line["debit_positive"]
            entries[agreement].add(f"journal_lines:{line['je_id']}")
        else:
            cost[agreement] += line["debit_positive"]
    tolerance = ctx.params["tolerance"]
    findings, rows = [], []
    for agreement_id, a in by_id.items():
        expected = cents(cost[agreement_id] * (1 + a["markup_pct"] / Decimal(100)), ctx.currency)
        diff = charged[agreement_id] - expected
        rows.append({"agreement_id": agreement_id, "recipient": a["recipient_entity_id"],
                     "cost": cents(cost[agreement_id], ctx.currency), "markup_pct": a["markup_pct"],
                     "expected_charge": expected, "charged": cents(charged[agreement_id], ctx.currency),
                     "difference": cents(diff, ctx.currency)})
        if abs(diff) <= tolerance:
            continue
        findings.append(Finding(
            "high" if abs(diff) >= ctx.materiality else "medium",
            f"Agreement {agreement_id} ({a['service']}, {ctx.entity.id} to "
            f"{a['recipient_entity_id']}): cost {cents(cost[agreement_id], ctx.currency)} plus "
            f"{a['markup_pct'].normalize():f}% is {expected}, but "
            f"{cents(charged[agreement_id], ctx.currency)} was "
            f"charged in {ctx.month}: {'reduce' if diff > 0 else 'increase'} the charge by "
            f"{cents(abs(diff), ctx.currency)}.",
            diff, [f"intercompany_agreements:{agreement_id}", *sorted(entries[agreement_id])]))
    metrics = {"agreements": len(rows), "charges": rows}
    summary = f"{len(rows)} agreement(s) checked for {ctx.month}; {len(findings)} off the agreed markup."
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.transfer_pricing",
    title="Transfer pricing: cost plus markup",
    description=(
        "Per intercompany agreement with this entity as provider: the month's cost (the "
        "provider's expense lines with the recipient as counterparty, intercompany expense "
        "excluded) × (1 + markup_pct/100), rounded to the provider currency's minor unit, must equal the intercompany "
        "revenue booked from the recipient. A finding per agreement whose charge differs by "
        "more than `tolerance`, in the provider's currency, naming the agreement and the "
        "revenue entries."
    ),
    needs=("intercompany_agreements", "journal_lines", "accounts"),
    params={"tolerance": Money("0.00", "accepted difference per agreement")},
    run=run,
)
