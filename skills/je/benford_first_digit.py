"""Benford's law on the first digits of manual journal amounts.

Amounts that arise naturally start with 1 about 30% of the time and with 9 under 5%.
Invented figures rarely do: people pick "middle" digits and stay under approval limits.
Nigrini's first-digit test is a standard journal-entry analytic (AS 2401, ISA 240):
when the month's manual amounts do not conform, the digits that stand out point to the
entries worth reading. With too few amounts the test says nothing, so it only reports
from a minimum sample.
"""
import math

from close.money import ZERO, cents
from close.skill import Finding, Int, Money, Skill

# One row per manual line amount (debit or credit) from min_amount up. A money value's
# first character is its first significant digit once it is at least 1.
SQL = """
SELECT je_id, line_no, amount, CAST(substr(CAST(amount AS VARCHAR), 1, 1) AS INTEGER) AS first_digit
FROM (
  SELECT je_id, line_no, CAST(debit + credit AS DECIMAL(18,2)) AS amount
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
    AND source = 'manual'
) manual_amounts
WHERE amount >= $min_amount
ORDER BY je_id, line_no
"""

EXPECTED = {d: math.log10(1 + 1 / d) for d in range(1, 10)}
# Nigrini (2012), first-digit test: mean absolute deviation bands.
MAD_BANDS = ((0.006, "close conformity"), (0.012, "acceptable conformity"),
             (0.015, "marginally acceptable conformity"))
Z_CRITICAL = 1.96  # a digit "stands out" at the 5% level


def conformity(mad: float) -> str:
    for limit, label in MAD_BANDS:
        if mad <= limit:
            return label
    return "nonconformity"


def digit_test(digits: list[int]) -> dict:
    """Counts, shares, MAD, chi-square and per-digit z-statistics (with continuity
    correction) of first digits against Benford's expected proportions."""
    n = len(digits)
    counts = {d: 0 for d in range(1, 10)}
    for d in digits:
        counts[d] += 1
    rows, mad, chi2 = [], 0.0, 0.0
    for d in range(1, 10):
        expected = EXPECTED[d]
        actual = counts[d] / n if n else 0.0
        z = 0.0
        if n:
            spread = math.sqrt(expected * (1 - expected) / n)
            z = max(abs(actual - expected) - 1 / (2 * n), 0.0) / spread
            mad += abs(actual - expected) / 9
            chi2 += (counts[d] - n * expected) ** 2 / (n * expected)
        rows.append({"digit": d, "count": counts[d], "actual": round(actual, 4),
                     "expected": round(expected, 4), "z": round(z, 2),
                     "over": actual > expected})
    return {"n": n, "digits": rows, "mad": mad, "chi_square": chi2}


def run(ctx):
    min_count = ctx.param("min_count")
    lines = ctx.rows(SQL, min_amount=ctx.param("min_amount"))
    test = digit_test([r["first_digit"] for r in lines])
    label = conformity(test["mad"]) if test["n"] else "no amounts"
    metrics = {"amounts_tested": test["n"], "min_count": min_count, "mad": round(test["mad"], 5),
               "chi_square": round(test["chi_square"], 3), "conformity": label,
               "digits": test["digits"]}
    if test["n"] < min_count:
        return ctx.result([], metrics, f"{test['n']} manual amounts in {ctx.month}: fewer than "
                                       f"{min_count}, too few for a Benford test.")
    if label != "nonconformity":
        return ctx.result([], metrics, f"Manual amounts in {ctx.month} show {label} with Benford's "
                                       f"law (MAD {test['mad']:.4f}, n={test['n']}).")
    standing_out = [r for r in test["digits"] if r["over"] and r["z"] > Z_CRITICAL]
    wanted = {r["digit"] for r in standing_out}
    hit = [r for r in lines if r["first_digit"] in wanted]
    entries = sorted({r["je_id"] for r in hit})
    shown = "; ".join(f"digit {r['digit']}: {r['count']} amounts ({r['actual']:.1%} vs "
                      f"{r['expected']:.1%} expected, z={r['z']})" for r in standing_out)
    finding = Finding(
        "medium",
        f"Manual amounts in {ctx.month} do not follow Benford's law (MAD {test['mad']:.4f} "
        f"over Nigrini's 0.015, chi-square {test['chi_square']:.1f}, n={test['n']}). "
        + (f"Over-represented: {shown}; read the {len(entries)} entries with these leading "
           f"digits and confirm their support." if standing_out
           else "No single digit stands out; review the manual entries' support."),
        cents(sum((r["amount"] for r in hit), ZERO)),
        [f"journal_lines:{je}" for je in entries],
    )
    return ctx.result([finding], metrics,
                      f"Manual amounts in {ctx.month} do not conform to Benford's law "
                      f"(MAD {test['mad']:.4f}, n={test['n']}).")


SKILL = Skill(
    id="je.benford_first_digit",
    title="Benford first-digit test on manual entries",
    description=(
        "Tests the first digits of the month's manual journal line amounts (debit or credit, "
        "from min_amount up) against Benford's law: mean absolute deviation (MAD) with "
        "Nigrini's first-digit bands (0.006 / 0.012 / 0.015) and chi-square, with a "
        "z-statistic per digit. Reports one finding only when the sample has at least "
        "min_count amounts and the MAD shows nonconformity (above 0.015); its refs are the "
        "entries whose amounts start with an over-represented digit (z above 1.96) and its "
        "amount their total. Metrics hold the full digit table."
    ),
    needs=("journal_lines",),
    params={
        "min_count": Int(300, "fewest amounts for the test to conclude anything"),
        "min_amount": Money("10.00", "smaller amounts are left out (Nigrini: under 10 is noise)"),
    },
    run=run,
)
