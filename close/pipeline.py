"""`close run` end to end: books -> skills -> narrative -> results.json -> review -> reports.

Each stage is owned by its own module; this file only wires them in order, so reading it
top-down tells what a close does. results.json holds what the books and configuration
determine (skills, narrative, usage) and nothing that changes after the run, such as
review decisions, so the same pack and month give the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from close import narrative, report, review
from close.results import dumps, outcome_to_dict
from close.runner import run_close


@dataclass
class CloseRun:
    outcome: object
    doc: dict
    review_state: dict | None
    files: list[Path]


def run_month(*, con, pack, pack_path: Path, workspace: Path, month, config, out_dir: Path,
              user: str, entity_ids=None, skill_patterns=None, model=None, batch=False,
              progress=None, on_start=None, reopen_reason: str | None = None) -> CloseRun:
    review.check_month_open(workspace, str(month), user=user, reopen_reason=reopen_reason)
    outcome = run_close(con, pack, month, entity_ids=entity_ids, skill_patterns=skill_patterns,
                        config=config, progress=progress, on_start=on_start)
    doc = outcome_to_dict(outcome)
    doc.update(narrative.draft(outcome, doc, config, model=model, batch=batch))
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / "results.json"
    results_path.write_text(dumps(doc), encoding="utf-8")
    review_state = review.queue_run(doc, workspace=workspace, user=user, pack_path=pack_path)
    files = [results_path, *report.write_reports(doc, out_dir, review_state=review_state)]
    return CloseRun(outcome, doc, review_state, files)
