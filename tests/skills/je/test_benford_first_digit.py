import math
from decimal import Decimal

from tests.support.books import refs_of

from skills.je.benford_first_digit import chi_square_p, conformity, digit_test, first_digit


def benford_amounts(n):
    """n amounts whose leading digits follow Benford closely (deterministic)."""
    out = []
    for i in range(n):
        u = (i + 0.5) / n
        out.append(Decimal(str(round(10 ** (1 + 3 * u), 0))).quantize(Decimal("0.01")))
    return out


def post(books, amounts, prefix="JE"):
    for i, amount in enumerate(amounts):
        books.entry(f"{prefix}-{i:04d}", "2026-05-12", [("6000", amount, "0"), ("2100", "0", amount)])


def test_digit_test_statistics():
    perfect = [d for d in range(1, 10) for _ in range(round(1000 * math.log10(1 + 1 / d)))]
    result = digit_test(perfect)
    assert result["mad"] < 0.001
    assert conformity(result["mad"]) == "close conformity"
    skewed = digit_test([5] * 100 + [1] * 30 + [2] * 20)
    assert conformity(skewed["mad"]) == "nonconformity"
    assert [r["digit"] for r in skewed["digits"] if r["over"] and r["z"] > 1.96] == [5]


def test_conforming_manual_amounts_pass(books):
    post(books, benford_amounts(150))
    result = books.run("je.benford_first_digit", min_count=100)
    assert result.status == "pass"
    assert result.metrics["amounts_tested"] == 150  # each entry's amount once
    assert result.metrics["lines"] == 300            # though both its lines carry it
    assert result.metrics["conformity"] != "nonconformity"


def test_nonconforming_amounts_name_the_entries_with_the_digit(books):
    post(books, benford_amounts(100))
    post(books, [Decimal("7400.00")] * 40, prefix="SEVEN")
    result = books.run("je.benford_first_digit", min_count=100)
    assert result.status == "exceptions"
    finding = result.findings[0]
    sevens = [f"journal_lines:SEVEN-{i:04d}" for i in range(40)]
    assert set(sevens) <= set(finding.refs)
    assert all(r.startswith("journal_lines:") for r in finding.refs)
    starting_with_7 = [a for a in benford_amounts(100) if str(a)[0] == "7"]
    expected = (Decimal("7400.00") * 40 + sum(starting_with_7, Decimal(0))) * 2
    assert finding.amount == expected


def test_small_samples_do_not_conclude(books):
    post(books, [Decimal("7400.00")] * 40)
    result = books.run("je.benford_first_digit")
    assert result.status == "pass"
    assert "too few" in result.summary


def test_small_amounts_and_subledger_lines_are_left_out(books):
    post(books, [Decimal("9.99")] * 5)
    books.entry("AP-1", "2026-05-12", [("6000", "500.00", "0"), ("2000", "0", "500.00")], source="ap")
    assert books.run("je.benford_first_digit").metrics["amounts_tested"] == 0


def log_uniform(rng, n, low=10, high=100000):
    """n amounts drawn log-uniformly over four decades, to the cent: Benford by nature."""
    return [Decimal(str(round(10 ** rng.uniform(math.log10(low), math.log10(high)), 2))).quantize(Decimal("0.01"))
            for _ in range(n)]


def test_chi_square_p_value_and_first_digit():
    # critical values of chi-square with 8 degrees of freedom
    assert abs(chi_square_p(15.507) - 0.05) < 1e-4
    assert abs(chi_square_p(20.090) - 0.01) < 1e-4
    assert chi_square_p(0.0) == 1.0
    assert [first_digit(Decimal(a)) for a in ("1250.00", "0.042", "987", "10.00")] == [1, 4, 9, 1]


def test_benford_samples_of_a_few_hundred_entries_pass(books):
    """Natural amounts in two-line manual entries (300-500 entries): MAD alone calls a
    third of such samples nonconforming; counted once per entry and judged with the
    chi-square test as well, none of them is a finding."""
    import random

    # seeds 8, 16, 19 and 26 draw samples whose MAD is over 0.015 (0.017 to 0.019)
    for seed, n in ((1, 300), (3, 350), (5, 450), (6, 500), (8, 320), (16, 300), (19, 300), (26, 300)):
        books.lines.clear()
        post(books, log_uniform(random.Random(seed), n))
        result = books.run("je.benford_first_digit")
        assert result.status == "pass", (seed, result.summary)


def test_fabricated_middle_digits_fail_and_are_named(books):
    """400 natural amounts plus 90 invented ones starting with 4, 5 and 6."""
    import random

    rng = random.Random(11)
    natural = log_uniform(rng, 400)
    invented = [Decimal(f"{rng.choice('456')}{rng.randint(10, 99)}.{rng.randint(0, 99):02d}") for _ in range(90)]
    post(books, natural)
    post(books, invented, prefix="FAKE")
    result = books.run("je.benford_first_digit")
    assert result.status == "exceptions"
    assert result.metrics["p_value"] < 0.01 and result.metrics["mad"] > 0.015
    finding = result.findings[0]
    flagged = [r["digit"] for r in result.metrics["digits"] if r["over"] and r["z"] > 1.96]
    assert flagged and set(flagged) <= {4, 5, 6}
    for d in flagged:
        assert f"digit {d}:" in finding.message
    # amount: every manual line (both sides) whose amount starts with a flagged digit
    every_amount = natural + invented
    assert finding.amount == 2 * sum((a for a in every_amount if first_digit(a) in flagged), Decimal(0))
    assert {f"journal_lines:FAKE-{i:04d}" for i, a in enumerate(invented) if first_digit(a) in flagged} <= set(finding.refs)
