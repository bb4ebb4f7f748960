"""recon.bank on small hand-built ledgers: each pass, the timing items, the tie."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.bank import SKILL
from skills.recon.bank_matching import BankItem, BookItem, match
from datetime import date

CASH, AR, AP, FEES = "1000", "1200", "2000", "6000"


def _pack(book_lines, bank_lines):
    tables = {
        "accounts": [account(CASH, "cash"), account(AR, "receivable"), account(AP, "payable"),
                     account(FEES, "opex")],
        "bank_accounts": [{"bank_account_id": "BA1", "entity_id": "E1", "gl_account_id": CASH,
                           "currency": "USD", "bank_name": "Bank"}],
        "journal_lines": book_lines,
        "bank_transactions": [
            {"bank_account_id": "BA1", "txn_id": t, "booking_date": d, "value_date": d,
             "amount": a, "description": desc, "reference": ref}
            for t, d, a, desc, ref in bank_lines],
    }
    return build(tables)


def _receipt(je, day, amount, doc=None, party=None, desc=""):
    return [line(je, 1, day, CASH, debit=amount, doc_ref=doc, counterparty=party, description=desc),
            line(je, 2, day, AR, credit=amount, doc_ref=doc, counterparty=party)]


def _payment(je, day, amount, doc=None, desc=""):
    return [line(je, 1, day, AP, debit=amount, doc_ref=doc, description=desc),
            line(je, 2, day, CASH, credit=amount, doc_ref=doc, description=desc)]


def test_three_passes_timing_items_and_tie():
    book = (
        _receipt("JE-1", "2026-05-04", "5000.00")                      # opening money
        + _payment("JE-2", "2026-05-06", "300.00", doc="ap_payments:PAY-1")   # reference
        + _receipt("JE-3", "2026-05-10", "120.00")                       # amount + date
        + _receipt("JE-4", "2026-05-12", "100.00", party="C1")           # one-to-many
        + _receipt("JE-5", "2026-05-13", "250.00", party="C1")           # one-to-many
        + _receipt("JE-6", "2026-05-30", "80.00")                        # in transit
        + _payment("JE-7", "2026-05-29", "45.00")                        # outstanding
        + _receipt("JE-8", "2026-05-31", "999.00")                       # clears in June
    )
    bank = [
        ("BT-1", "2026-05-04", "5000.00", "opening", None),
        ("BT-2", "2026-05-20", "-300.00", "payment", "PAY-1"),  # far outside the window
        ("BT-3", "2026-05-12", "120.00", "lodgement", None),
        ("BT-4", "2026-05-15", "350.00", "batch", None),
        ("BT-5", "2026-05-31", "-12.50", "bank fee", None),      # unrecorded
        ("BT-6", "2026-06-02", "999.00", "late", None),          # after month end
    ]
    con, pack = _pack(book, bank)
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    m = result.metrics
    assert (m["matched_reference"], m["matched_amount_date"], m["matched_one_to_many"]) == (1, 2, 1)
    assert m["deposits_in_transit"] == Decimal("1079.00")
    assert m["outstanding_checks"] == Decimal("45.00")
    assert m["bank_balance"] == Decimal("5157.50")
    assert m["book_balance"] == Decimal("6204.00")
    assert m["unrecorded_bank_items"] == Decimal("-12.50")
    assert m["adjusted_bank_balance"] == m["adjusted_book_balance"] == Decimal("6191.50")
    assert m["difference"] == Decimal("0")
    assert [(f.amount, f.refs) for f in result.findings] == [
        (Decimal("12.50"), ("bank_transactions:BT-5",))]
    assert result.status == "exceptions"


def test_window_param_and_stale_items():
    # The statement starts with the balance brought forward: it covers JE-1's day.
    book = (_receipt("JE-0", "2026-02-27", "10.00") + _receipt("JE-1", "2026-03-01", "700.00")
            + _payment("JE-2", "2026-05-20", "50.00"))
    bank = [("BT-0", "2026-02-27", "10.00", "balance b/f", None),
            ("BT-1", "2026-05-26", "-50.00", "chq", None)]
    con, pack = _pack(book, bank)
    narrow = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert narrow.metrics["matched"] == 1
    stale = [f for f in narrow.findings if "journal_lines:JE-1" in f.refs]
    assert len(stale) == 1 and stale[0].amount == Decimal("700.00")
    wide = run_skill(SKILL, con, pack, "2026-05", "E1", params={"window_days": 6, "stale_days": 120})
    assert wide.metrics["matched_amount_date"] == 2
    assert wide.findings == [] and wide.status == "pass"
    assert wide.metrics["difference"] == Decimal("0")


def test_amount_match_prefers_the_nearest_date_then_the_earliest_entry():
    txn = BankItem("BT-1", date(2026, 5, 10), Decimal("100"))
    far = BookItem("JE-A", 1, date(2026, 5, 6), Decimal("100"))
    near_late = BookItem("JE-C", 1, date(2026, 5, 12), Decimal("100"))
    near_early = BookItem("JE-B", 1, date(2026, 5, 8), Decimal("100"))
    for order in ([far, near_late, near_early], [near_early, far, near_late]):
        result = match([txn], order)
        assert result.matches[0].book == (near_early,)


def test_reference_in_description_and_amount_must_agree():
    txn = BankItem("BT-1", date(2026, 5, 10), Decimal("-40"), reference="CHK-1001")
    other_amount = BookItem("JE-1", 1, date(2026, 4, 1), Decimal("-41"), "Cheque CHK-1001")
    right = BookItem("JE-2", 1, date(2026, 4, 1), Decimal("-40"), "Cheque CHK-1001 to V1")
    result = match([txn], [other_amount, right])
    assert [(m.method, m.book) for m in result.matches] == [("reference", (right,))]


def test_one_to_many_prefers_one_counterparty():
    txn = BankItem("BT-1", date(2026, 5, 10), Decimal("300"))
    items = [BookItem("JE-1", 1, date(2026, 5, 9), Decimal("100"), counterparty="C2"),
             BookItem("JE-2", 1, date(2026, 5, 9), Decimal("200"), counterparty="C1"),
             BookItem("JE-3", 1, date(2026, 5, 9), Decimal("100"), counterparty="C1"),
             BookItem("JE-4", 1, date(2026, 5, 9), Decimal("200"), counterparty="C3")]
    result = match([txn], items)
    assert {b.je_id for b in result.matches[0].book} == {"JE-2", "JE-3"}


def test_nothing_to_reconcile_without_bank_accounts():
    con, pack = build({"bank_accounts": [], "bank_transactions": []})
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass" and "no bank accounts" in result.summary


def test_matching_leaves_nothing_behind_on_the_connection(monkeypatch):
    # The matching's scratch tables are temporary and dropped after each cash book, also
    # when the skill fails on the way (here: stating the unrecorded fee fails).
    book = _receipt("JE-1", "2026-05-04", "100.00")
    con, pack = _pack(book, [("BT-1", "2026-05-04", "100.00", "lodgement", None),
                             ("BT-2", "2026-05-20", "-3.00", "fee", None)])
    scratch = "SELECT table_name FROM duckdb_tables() WHERE temporary ORDER BY table_name"
    assert run_skill(SKILL, con, pack, "2026-05", "E1").metrics["matched"] == 1
    assert con.execute(scratch).fetchall() == []
    import skills.recon.bank as bank_module
    from close.skill import SkillError

    def broken(ctx, book, amount):
        raise SkillError("cannot state the fee")

    monkeypatch.setattr(bank_module, "to_functional", broken)
    failed = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert failed.status == "error" and "cannot state the fee" in failed.summary
    assert con.execute(scratch).fetchall() == []
