"""recon.bank_unmatched_aging: buckets by age at month end; old items are findings. It ages
what recon.bank's matching left (Result.shared), so it runs after it and is skipped, with
the reason, when recon.bank cannot run."""
from decimal import Decimal

import pytest

from tests.support.books import account, build, line, run_skill
from skills.recon.bank import SKILL as BANK
from skills.recon.bank_unmatched_aging import SKILL, bucket_of


def run_aging(con, pack, month, params=None, bank_params=None):
    """recon.bank, then the aging on its result, as the runner chains them."""
    bank = run_skill(BANK, con, pack, month, "E1", params=bank_params)
    return run_skill(SKILL, con, pack, month, "E1", params=params, deps={"recon.bank": bank})


def test_bucket_edges():
    assert [bucket_of(d) for d in (0, 30, 31, 60, 61, 90, 91, 400)] == [
        "0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "over_90", "over_90"]


def _books(extra_bank=()):
    # The statement opens with the balance brought forward, so it covers every book line.
    lines = [line("J0", 1, "2025-12-31", "1000", debit="100.00"), line("J0", 2, "2025-12-31", "4000", credit="100.00"),
             line("J1", 1, "2026-05-25", "1000", debit="10.00"), line("J1", 2, "2026-05-25", "4000", credit="10.00"),
             line("J2", 1, "2026-04-15", "1000", credit="20.00"), line("J2", 2, "2026-04-15", "6000", debit="20.00"),
             line("J3", 1, "2026-01-02", "1000", debit="30.00"), line("J3", 2, "2026-01-02", "4000", credit="30.00")]
    con, pack = build({
        "accounts": [account("1000", "cash"), account("4000", "revenue"), account("6000", "opex")],
        "bank_accounts": [{"bank_account_id": "BA1", "entity_id": "E1", "gl_account_id": "1000",
                           "currency": "USD", "bank_name": None}],
        "bank_transactions": [{"bank_account_id": "BA1", "txn_id": "T0", "booking_date": "2025-12-31",
                               "value_date": None, "amount": "100.00", "description": "balance b/f",
                               "reference": None},
                              {"bank_account_id": "BA1", "txn_id": "T1", "booking_date": "2026-03-20",
                               "value_date": None, "amount": "-5.00", "description": "fee",
                               "reference": None}, *extra_bank],
        "journal_lines": lines})
    return con, pack


def test_ages_both_sides():
    con, pack = _books()
    result = run_aging(con, pack, "2026-05")
    buckets = {b["bucket"]: (b["count"], b["amount"]) for b in result.metrics["buckets"]}
    assert buckets == {"0-30": (1, Decimal("10.00")), "31-60": (1, Decimal("20.00")),
                       "61-90": (1, Decimal("5.00")), "over_90": (1, Decimal("30.00"))}
    assert {f.refs: (f.severity, f.amount) for f in result.findings} == {
        ("journal_lines:J2",): ("medium", Decimal("20.00")),
        ("bank_transactions:T1",): ("medium", Decimal("5.00")),
        ("journal_lines:J3",): ("high", Decimal("30.00"))}


def test_ages_what_recon_bank_left_with_its_window():
    # J1 (10.00, 25 May) clears on the statement 20 days earlier: outside recon.bank's
    # default window both stay unmatched; with recon.bank's window at 30 days they match,
    # and the aging, which has no matching parameters of its own, follows.
    con, pack = _books(extra_bank=[{"bank_account_id": "BA1", "txn_id": "T2", "booking_date": "2026-05-05",
                                    "value_date": None, "amount": "10.00", "description": "lodgement",
                                    "reference": None}])
    assert set(SKILL.params) == {"max_age_days"} and SKILL.depends == ("recon.bank",)
    with pytest.raises(ValueError, match="no parameter 'window_days'.*max_age_days"):
        SKILL.parse_params({"window_days": 7})
    narrow = run_aging(con, pack, "2026-05")
    wide = run_aging(con, pack, "2026-05", bank_params={"window_days": 30})
    assert (narrow.metrics["unmatched"], wide.metrics["unmatched"]) == (5, 3)


def test_skipped_with_the_reason_when_recon_bank_errors_or_did_not_run():
    from close.skill import Result

    con, pack = _books()
    alone = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert (alone.status, alone.summary) == ("skipped", "depends on recon.bank, which did not run")
    # An errored recon.bank blocks the aging with its reason.
    errored = Result("recon.bank", "E1", "error", "SkillError: something broke")
    aging = run_skill(SKILL, con, pack, "2026-05", "E1", deps={"recon.bank": errored})
    assert (aging.status, aging.summary) == ("skipped", "depends on recon.bank, which errored")
    # A foreign bank account with an unrecorded item and no closing rate: recon.bank says
    # so as a finding and hands nothing to age for that account.
    con, pack = build({
        "accounts": [account("1000", "cash")],
        "bank_accounts": [{"bank_account_id": "BA1", "entity_id": "E1", "gl_account_id": "1000",
                           "currency": "EUR", "bank_name": None}],
        "bank_transactions": [{"bank_account_id": "BA1", "txn_id": "T1", "booking_date": "2026-05-20",
                               "value_date": None, "amount": "-5.00", "description": "fee",
                               "reference": None}]})
    bank = run_skill(BANK, con, pack, "2026-05", "E1")
    assert bank.status == "exceptions" and "no closing EUR->USD rate" in bank.findings[0].message
    aging = run_skill(SKILL, con, pack, "2026-05", "E1", deps={"recon.bank": bank})
    assert aging.status == "pass" and aging.findings == []


def test_no_bank_accounts():
    con, pack = build({"bank_accounts": [], "bank_transactions": []})
    result = run_aging(con, pack, "2026-05")
    assert result.status == "pass" and "no bank accounts" in result.summary
