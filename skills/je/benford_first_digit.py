"""Benford's law on the first digits of manual journal amounts.

Amounts that arise naturally start with 1 about 30% of the time and with 9 under 5%.
Invented figures rarely do: people pick "middle" digits and stay under approval limits.
Nigrini's first-digit test is a standard journal-entry analytic (AS 2401, ISA 240):
when the month's manual amounts do not conform, the digits that stand out point to the
entries worth reading.

The rule, exactly:
- Lines: the month's manual journal lines (source manual) of the entity, each line's
  amount (debit or credit) from min_amount up (default 10 in the entity's currency).
- Observations: each distinct amount of an entry once. The balancing line of a two-line
  entry repeats the same figure; counting it again would double every count and make
  chance deviations look significant.
- Statistics against Benford's first-digit shares log10(1 + 1/d): the mean absolute
  deviation (MAD) with Nigrini's (2012) bands (close conformity <= 0.006, acceptable
  <= 0.012, marginally acceptable <= 0.015, nonconformity above), the chi-square
  statistic with its p-value (8 degrees of freedom), and a z-statistic per digit with
  continuity correction.
- A finding needs at least min_count observations (default 300), a MAD above 0.015 AND
  a chi-square p-value below `significance` (default 0.01). MAD alone misjudges
  samples of a few hundred: a genuinely Benford set of 300 amounts has an expected MAD
  near 0.014 and exceeds 0.015 about a third of the time; the chi-square test carries the
  sample size.
- Digits that stand out: actual share above Benford's and z above 1.96.
- The finding's amount: the total of the month's manual line amounts (every line, debit
  or credit, from min_amount) whose first digit stands out; its refs are those lines'
  entries. When no single digit stands out the amount is None.
"""
import math

from close.money import ZERO, cents
from close.skill import Finding, Int, Money, Ratio, Skill

SQL = """
SELECT je_id, line_no, CAST(debit + credit AS DECIMAL(18,2)) AS amount
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
  AND source = 'manual' AND debit + credit >= $min_amount
ORDER BY je_id, line_no
"""

EXPECTED = {d: math.log10(1 + 1 / d) for d in range(1, 10)}
# Nigrini (2012), first-digit test: mean absolute deviation bands.
MAD_BANDS = ((0.006, "close conformity"), (0.012, "acceptable conformity"),
             (0.015, "marginally acceptable conformity"))
NONCONFORMITY_MAD = 0.015
Z_CRITICAL = 1.96  # a digit "stands out" at the 5% level


def first_digit(amount) -> int:
    """First significant digit of a positive amount (0.042 -> 4, 1250.00 -> 1)."""
    for ch in format(abs(amount), "f"):
        if ch in "123456789":
            return int(ch)
    raise ValueError(f"{amount} has no significant digit")


def conformity(mad: float) -> str:
    for limit, label in MAD_BANDS:
        if mad <= limit:
            return label
    return "nonconformity"


def chi_square_p(chi2: float) -> float:
    """P(X >= chi2) for chi-square with 8 degrees of freedom (closed form for even df)."""
    half = chi2 / 2
    return math.exp(-half) * sum(half ** k / math.factorial(k) for k in range(4))


def digit_test(digits: list[int]) -> dict:
    """Counts, shares, MAD, chi-square (and its p-value) and per-digit z-statistics (with
    continuity correction) of first digits against Benford's expected proportions."""
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
    return {"n": n, "digits": rows, "mad": mad, "chi_square": chi2,
            "p_value": chi_square_p(chi2) if n else 1.0}


def run(ctx):
    min_count = ctx.param("min_count")
    significance = float(ctx.param("significance"))
    if not 0 < significance < 1:
        raise ValueError("significance must be between 0 and 1")
    if ctx.param("min_amount") <= ZERO:
        raise ValueError("min_amount must be positive")
    lines = ctx.rows(SQL, min_amount=ctx.param("min_amount"))
    for r in lines:
        r["first_digit"] = first_digit(r["amount"])
    observations = sorted({(r["je_id"], r["amount"]): r["first_digit"] for r in lines}.items())
    test = digit_test([d for _, d in observations])
    label = conformity(test["mad"]) if test["n"] else "no amounts"
    metrics = {"lines": len(lines), "amounts_tested": test["n"], "min_count": min_count,
               "mad": round(test["mad"], 5), "chi_square": round(test["chi_square"], 3),
               "p_value": round(test["p_value"], 6), "significance": ctx.param("significance"),
               "conformity": label, "digits": test["digits"]}
    if test["n"] < min_count:
        return ctx.result([], metrics, f"{test['n']} manual amounts in {ctx.month}: fewer than "
                                       f"{min_count}, too few for a Benford test.")
    significant = test["p_value"] < significance
    if label != "nonconformity" or not significant:
        why = (f"{label}" if label != "nonconformity" else
               f"a MAD over 0.015 that the sample size explains (chi-square p = "
               f"{test['p_value']:.3f}, not below {significance})")
        return ctx.result([], metrics, f"Manual amounts in {ctx.month} show {why} with Benford's "
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
        f"over Nigrini's 0.015; chi-square {test['chi_square']:.1f}, p = {test['p_value']:.2g}; "
        f"n={test['n']}). "
        + (f"Over-represented: {shown}; read the {len(entries)} entries with these leading "
           f"digits and confirm their support." if standing_out
           else "No single digit stands out; review the manual entries' support."),
        cents(sum((r["amount"] for r in hit), ZERO), ctx.currency) if hit else None,
        [f"journal_lines:{je}" for je in entries],
    )
    return ctx.result([finding], metrics,
                      f"Manual amounts in {ctx.month} do not conform to Benford's law "
                      f"(MAD {test['mad']:.4f}, chi-square p = {test['p_value']:.2g}, n={test['n']}).")


SKILL = Skill(
    id="je.benford_first_digit",
    title="Benford first-digit test on manual entries",
    description=(
        "Tests the first digits of the month's manual journal amounts (each line's debit or "
        "credit from min_amount up, each distinct amount of an entry counted once) against "
        "Benford's law: mean absolute deviation (MAD) with Nigrini's first-digit bands "
        "(0.006 / 0.012 / 0.015), chi-square with its p-value (8 degrees of freedom), and a "
        "z-statistic per digit. One finding only when there are at least min_count amounts, "
        "the MAD shows nonconformity (above 0.015) and the chi-square p-value is below "
        "significance. Digits that stand out: over-represented with z above 1.96. The "
        "finding's amount is the total of the manual line amounts (from min_amount) that "
        "start with those digits, its refs their entries; no amount when no digit stands "
        "out. Metrics hold the full digit table."
    ),
    needs=("journal_lines",),
    params={
        "min_count": Int(300, "fewest amounts for the test to conclude anything"),
        "min_amount": Money("10.00", "smaller amounts are left out (Nigrini: under 10 is noise)"),
        "significance": Ratio("0.01", "chi-square p-value below which a deviation is significant"),
    },
    run=run,
)
