"""A badly broken large file reports a bounded number of problems plus a count."""
from close.pack import validate_pack
from close.pack.checks import MAX_PER_CHECK


def test_problems_are_capped_per_column_and_check(good_pack):
    journal = good_pack / "journal_lines.csv"
    header, first = journal.read_text().splitlines()[:2]
    extra = MAX_PER_CHECK + 250
    rows = [first.replace("JE-0001,1,2026-05-01", f"JE-9,{n},2026-13-01", 1) for n in range(extra)]
    journal.write_text("\n".join([header, *rows]) + "\n")
    problems = validate_pack(good_pack)
    dates = [p for p in problems if p.column == "posting_date"]
    assert len(dates) == MAX_PER_CHECK + 1
    assert dates[0].line == 2 and dates[MAX_PER_CHECK - 1].line == MAX_PER_CHECK + 1
    assert str(dates[-1]) == ("journal_lines.csv, posting_date: ... and 250 more rows like the ones above "
                              "(is not a date (YYYY-MM-DD))")
    # JE-0001 line 1 now sits beside JE-9 rows only; no other check fires
    assert {p.column for p in problems} == {"posting_date"}
