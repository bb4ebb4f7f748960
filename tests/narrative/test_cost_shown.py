"""What the narrative cost is shown wherever the close is read: the console line after
`close run`, the HTML report's footer and the end of the Markdown report, all from
results.json's `usage` (calls, uncached input, cache write, cache read, output, model,
dollars)."""
import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from close.cli import app
from close.narrative.usage import usage_line
from close.report import build_report, render_html, render_markdown
from close.report.workbook import write_workbook
from tests.support.books import mini_books

USAGE = {"calls": 6, "input_tokens": 40341, "output_tokens": 2841, "cache_read_tokens": 0,
         "cache_write_tokens": 0, "estimated_cost_usd": "0.1091", "model": "claude-sonnet-5-5",
         "batch": False}
LINE = ("Narrative: 6 Claude calls (claude-sonnet-5-5): 40,341 uncached input, 0 cache write, "
        "0 cache read and 2,841 output tokens; estimated USD 0.1091.")


def test_the_line_says_calls_tokens_by_kind_model_and_dollars():
    assert usage_line(USAGE) == LINE
    batch = usage_line({**USAGE, "calls": 1, "batch": True, "cache_read_tokens": 163000,
                        "cache_write_tokens": 34780, "estimated_cost_usd": "0.0500"})
    assert batch.startswith("Narrative: 1 Claude call (claude-sonnet-5-5, Message Batches): ")
    assert "34,780 cache write, 163,000 cache read" in batch
    assert usage_line({**USAGE, "estimated_cost_usd": None}).endswith("no price for this model.")
    assert usage_line({"calls": 0}) == "Narrative: no Claude calls billed; the deterministic drafter wrote it (USD 0.00)."
    assert usage_line(None) == ""


def test_close_run_shows_the_cost_on_the_console_in_both_reports_and_the_workbook(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    pack = mini_books().write(tmp_path / "pack")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--month", "2026-05", "--pack", str(pack), "--out", str(out),
                                      "--workspace", str(tmp_path / "ws"), "--skills", "je.trial_balance"])
    assert result.exit_code == 0, result.stderr
    offline = usage_line({"calls": 0})
    assert offline in result.stdout
    assert offline in (out / "report.html").read_text(encoding="utf-8")
    assert offline.replace("(", "\\(").replace(")", "\\)") in (out / "report.md").read_text(encoding="utf-8")

    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    doc["usage"] = USAGE
    report = build_report(doc)
    assert LINE in render_html(report)
    assert LINE.replace("(", "\\(").replace(")", "\\)") in render_markdown(report)
    write_workbook(report, tmp_path / "report.xlsx")
    summary = load_workbook(tmp_path / "report.xlsx")["Summary"]
    assert ["Narrative cost", LINE] in [[row[0], row[1]] for row in summary.iter_rows(values_only=True)]
