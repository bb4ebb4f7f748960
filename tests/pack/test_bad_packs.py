"""Each bad pack is the good pack plus one class of defect; validation must name every
offending value with its file, line, column and value, exactly."""
import shutil

import pytest

from close.pack import PackError, Problem, load_pack, validate_pack

from .packs import BAD_PACKS, bad_cases, expected_problems

# The error classes of the ledger-pack contract, each with its own folder in bad_packs/.
ERROR_CLASSES = {
    "missing_file", "missing_column", "bad_date", "bad_timestamp", "inexact_amount",
    "debit_and_credit", "negative_amount", "blank_required", "not_in_choices",
    "unknown_entity", "unknown_account", "unknown_currency", "unknown_bank_account",
    "unknown_customer", "unknown_vendor", "unknown_reference", "unknown_country",
    "duplicate_key", "bad_month", "bad_boolean", "bad_integer", "malformed_row",
    "bad_pack_toml", "absent_reference_table",
}


def test_every_error_class_has_a_bad_pack():
    assert set(bad_cases()) == ERROR_CLASSES


@pytest.mark.parametrize("case", bad_cases())
def test_bad_pack_reports_exactly_its_problems(case, bad_pack):
    expected = expected_problems(case)
    assert expected, f"{case}/expected.txt is empty"
    assert [str(p) for p in validate_pack(bad_pack(case))] == expected


@pytest.mark.parametrize("case", bad_cases())
def test_bad_pack_refuses_to_load(case, bad_pack, tmp_path):
    db = tmp_path / "out" / "ledger.duckdb"
    with pytest.raises(PackError) as err:
        load_pack(bad_pack(case), db)
    assert [str(p) for p in err.value.problems] == expected_problems(case)
    assert not db.exists()
    assert list(db.parent.iterdir()) == []  # no temporary files left behind


def test_problem_fields_locate_the_value(bad_pack):
    problems = validate_pack(bad_pack("bad_date"))
    assert problems[0] == Problem("journal_lines.csv", 4, "posting_date", "2026-02-30", "is not a date (YYYY-MM-DD)")
    assert str(problems[0]) == "journal_lines.csv line 4, posting_date '2026-02-30' is not a date (YYYY-MM-DD)"


def test_duplicate_names_the_first_line(bad_pack):
    dup = [p for p in validate_pack(bad_pack("duplicate_key")) if p.file == "journal_lines.csv"]
    assert [(p.line, p.column, p.value) for p in dup] == [(10, "je_id/line_no", "JE-0002/2")]
    assert dup[0].message == "repeats the key of line 5"


def test_all_problems_at_once(bad_pack):
    """Defects of several classes in several files are all reported in one run."""
    pack = bad_pack("bad_date")
    cases = ("bad_month", "unknown_vendor", "bad_pack_toml")
    for case in cases:
        for file in (BAD_PACKS / case).iterdir():
            if file.name != "expected.txt":
                shutil.copy(file, pack / file.name)
    got = [str(p) for p in validate_pack(pack)]
    wanted = [line for case in ("bad_date", *cases) for line in expected_problems(case)]
    assert sorted(got) == sorted(wanted)
