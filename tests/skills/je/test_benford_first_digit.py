import math
from decimal import Decimal

from je_books import refs_of

from skills.je.benford_first_digit import conformity, digit_test


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
    assert result.metrics["amounts_tested"] == 300  # both lines of each entry
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
