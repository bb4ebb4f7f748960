"""Facts are compact and stable; the fallback drafts every section, verifiably, the same
way every run; settings come from close.toml with clear errors."""
import json

import pytest

from close.config import Config, ConfigError
from close.narrative import draft
from close.narrative.facts import build_from_doc
from close.narrative.prompts import facts_block
from close.narrative.sections import SECTION_IDS, section_for
from close.narrative.settings import DEFAULT_MODEL, load_settings
from close.results import ResultsError
from tests.narrative.narrative_docs import INJECTION, config, doc


def sheet():
    d = doc()
    return build_from_doc(d)


def test_facts_have_stable_ids_units_and_refs():
    s = sheet()
    recs = s.by_id("reconciliations")
    assert recs["US01.recon.bank.difference"].value == "-450.00"
    assert recs["US01.recon.bank.difference"].unit == "USD"
    assert recs["US01.recon.bank.matched"].unit == "count"
    assert recs["US01.recon.bank.accounts.ba_us.difference"].value == "-450.00"
    finding = recs["US01.recon.bank.finding_1"]
    assert (finding.value, finding.unit, finding.refs) == ("-450.00", "USD", ("bank_transactions:BT-0042",))
    assert INJECTION in finding.text and INJECTION not in finding.label
    roo = s.by_id("results_of_operations")
    assert roo["US01.stmt.income_statement.revenue"].value == "1234567.89"
    assert roo["US01.stmt.income_statement.revenue.ytd"].value == "5600000.00"
    assert "US01.stmt.income_statement.other_income" not in roo       # all-zero line left out
    assert roo["US01.flux.kpis.gross_margin_pct"].unit == "%"
    assert roo["US01.flux.kpis.current_ratio"].unit == "number"
    bs = s.by_id("balance_sheet_and_cash")
    assert bs["UK01.stmt.balance_sheet.cash"].unit == "GBP"
    summary = s.by_id("executive_summary")
    assert summary["run.checks"].value == "11" and summary["run.error"].value == "1"
    # headline figures under fixed ids: without a group, the summary states the entities'
    assert (summary["US01.revenue"].value, summary["US01.revenue"].unit) == ("1234567.89", "USD")
    assert summary["US01.net_income.prior_month"].value == "380000.00"
    assert bs["UK01.cash"].value == "250000.00" and bs["UK01.balance_difference"].value == "0.00"
    assert not any(".stmt." in k and ".finding_" not in k for k in summary)    # no statement lines
    exc = s.by_id("exceptions")
    assert exc["UK01.je.cutoff.status"].value == "error"
    assert exc["exceptions.errored_checks"].value == "1" and exc["exceptions.findings_high"].value == "2"
    assert all(set(s.facts(sid)) for sid in SECTION_IDS)


def test_facts_are_the_same_every_run_and_hash_per_section():
    a, b = sheet(), sheet()
    assert facts_block(a) == facts_block(b)
    assert [a.sha256(s) for s in SECTION_IDS] == [b.sha256(s) for s in SECTION_IDS]
    assert len({a.sha256(s) for s in SECTION_IDS}) == len(SECTION_IDS)


def test_no_raw_ledger_rows_and_long_lists_are_capped():
    d = doc()
    d["skills"][2]["findings"] = [
        {"severity": "medium", "message": f"item {i}", "amount": f"{i}.00", "refs": [f"bank_transactions:BT-{i:04d}"] * 5}
        for i in range(1, 200)]
    s = build_from_doc(d)
    recs = s.by_id("reconciliations")
    findings = [k for k in recs if k.startswith("US01.recon.bank.finding_")]
    assert findings == ["US01.recon.bank.finding_199", "US01.recon.bank.finding_198", "US01.recon.bank.finding_197"]
    assert all(len(recs[k].refs) <= 3 for k in findings)
    assert recs["US01.recon.bank.findings"].value == "199"
    assert len([k for k in s.by_id("exceptions") if ".finding_" in k]) == 15


@pytest.mark.parametrize("skill,section", [
    ("recon.bank", "reconciliations"), ("tax.vat_return", "tax"), ("stmt.balance_sheet", "balance_sheet_and_cash"),
    ("stmt.income_statement", "results_of_operations"), ("flux.cash_runway", "balance_sheet_and_cash"),
    ("flux.kpis", "results_of_operations"), ("je.self_approved", "exceptions"),
    ("close.checklist", "exceptions"), ("flux.some_new_skill", "results_of_operations"),
])
def test_every_skill_lands_in_a_section(skill, section):
    assert section_for(skill) == section


def test_the_fallback_drafts_every_section_verified_and_byte_identical():
    d = doc()
    first = draft(d, config())
    second = draft(d, config())
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    sections = first["narrative"]["sections"]
    assert [s["id"] for s in sections] == list(SECTION_IDS)
    for s in sections:
        assert s["drafted_by"] == "fallback" and s["model"] is None
        assert s["verification"] == "verified", s["unverified_figures"]
        assert s["paragraphs"] and s["figures"]
        assert all(f["value"] for f in s["figures"])
        assert INJECTION not in json.dumps(s)
    summary = sections[0]["paragraphs"][0]
    assert summary == ("The May 2026 close ran 11 checks across 2 entities: 6 passed, 3 found exceptions, "
                       "1 was skipped and 1 errored. They raised 4 findings: 2 high and 2 medium severity.")


def test_an_empty_close_still_gets_a_narrative():
    d = {"month": "2026-05", "pack": {"name": "x", "sha256": ""}, "entities": [], "skills": []}
    out = draft(d, None)
    assert all(s["verification"] == "verified" and s["paragraphs"] for s in out["narrative"]["sections"])


def test_settings_defaults_and_overrides():
    s = load_settings(Config())
    assert s.model == DEFAULT_MODEL and s.max_concurrency == 4 and s.price()["input"] == 2
    s = load_settings(Config({"narrative": {"model": "my-model", "max_concurrency": 2,
                                            "prices": {"my-model": {"input": "1.00", "output": "2.00",
                                                                    "cache_write": "1.25", "cache_read": "0.10"}}}}))
    assert s.model == "my-model" and s.max_concurrency == 2 and str(s.price()["output"]) == "2.00"


@pytest.mark.parametrize("section,message", [
    ({"max_concurrency": 0}, "max_concurrency must be a whole number >= 1"),
    ({"effort": "huge"}, "effort must be"),
    ({"prices": {"m": {"input": 2.0, "output": "1", "cache_write": "1", "cache_read": "1"}}}, "write prices as strings"),
    ({"prices": {"m": {"input": "2"}}}, "lacks 'output'"),
    ({"prices": {"m": {"inputs": "2"}}}, "unknown rate 'inputs'"),
])
def test_bad_narrative_settings_name_the_file_and_key(section, message):
    with pytest.raises(ConfigError, match=message) as err:
        load_settings(Config({"narrative": section}, path="/packs/acme/close.toml"))
    assert str(err.value).startswith("/packs/acme/close.toml")


def test_a_result_with_metrics_of_unexpected_shape_does_not_stop_the_narrative():
    """A skill's metrics are its own: one the narrative cannot read keeps its status line
    and every other fact stays."""
    d = doc()
    d["skills"].append({"id": "stmt.cash_flow", "entity_id": "US01", "status": "pass", "summary": "odd",
                        "metrics": {"lines": "not a list", "weird": {"deep": [1, {"x": None}]}},
                        "findings": [{"severity": "low", "message": "m", "amount": None, "refs": []}]})
    d["skills"].append({"id": "stmt.balance_sheet", "entity_id": "US01", "status": "exceptions", "summary": "odd",
                        "metrics": {"lines": 7, "accounts": "not a list", "difference": [1, 2]},
                        "findings": []})
    out = draft(d, config())
    assert all(s["verification"] == "verified" for s in out["narrative"]["sections"])
    bs = build_from_doc(d).by_id("balance_sheet_and_cash")
    assert bs["US01.stmt.cash_flow.status"].value == "pass"
    assert bs["US01.stmt.balance_sheet.status"].value == "exceptions"
    assert bs["UK01.cash"].value == "250000.00"


def test_a_document_that_is_not_ours_is_refused_with_the_readers_message():
    """The shape of results.json is the reader's to check: a finding whose amount is not
    a decimal string is refused, naming where, before anything is drafted."""
    d = doc()
    d["skills"].append({"id": "stmt.cash_flow", "entity_id": "US01", "status": "pass", "summary": "odd",
                        "metrics": {}, "findings": [{"severity": "low", "message": "m", "amount": "n/a", "refs": []}]})
    with pytest.raises(ResultsError, match=r"skills\[11\] \(stmt.cash_flow\).findings\[0\].amount"):
        draft(d, config())
