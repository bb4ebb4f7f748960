"""`close run` end to end: books -> skills -> narrative -> review -> results.json and reports.

Each stage is owned by its own module; this file only wires them in order, so reading it
top-down tells what a close does. results.json holds what the books and configuration
determine (skills, narrative, usage) and nothing that changes after the run, such as
review decisions, so the same pack and month give the same bytes.

Nothing is written for a month that is signed off (in the workspace, beside the books or
beside the outputs) unless a controller reopens it. The review queue and the outputs
commit together: every output is staged first, the queue commits, then the outputs are
renamed into place, results.json last (close.outputs).
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from close import narrative, outputs, report, review
from close.results import FINDINGS_PER_RESULT, dumps, outcome_to_dict
from close.runner import UsageError, run_close


@dataclass
class CloseRun:
    outcome: object
    doc: dict
    review_state: dict | None
    files: list[Path]
    stages: dict     # wall seconds per stage, for --profile


def run_month(*, con, pack, pack_path: Path, workspace: Path, month, config, out_dir: Path,
              user: str, entity_ids=None, skill_patterns=None, model=None, batch=False,
              progress=None, on_start=None, reopen_reason: str | None = None,
              controllers=(), findings_limit: int | None = FINDINGS_PER_RESULT,
              per_entity: bool = False, books=None) -> CloseRun:
    """books: the connection the skills query (close.engines.connect), when it is not the
    pack's DuckDB connection `con` (--engine spark); the workpapers read `con`."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder: name a folder for the outputs")
    review.check_month_open(workspace, str(month), user=user, reopen_reason=reopen_reason,
                            controllers=controllers, pack_path=pack_path, out_dir=out_dir)
    clock = time.perf_counter()
    preparing = threading.Thread(target=report.prepare, name="close-report-prepare", daemon=True)
    preparing.start()
    # Started before the skills, so that the helper process is ready when they finish.
    with _report_helper(con) as helper:
        outcome = run_close(con if books is None else books, pack, month, entity_ids=entity_ids, skill_patterns=skill_patterns,
                            config=config, progress=progress, on_start=on_start)
        doc = outcome_to_dict(outcome, findings_limit=findings_limit)
        stages = {"skills": time.perf_counter() - clock}
        clock = time.perf_counter()
        # The rows behind the refs are read (in DuckDB, on a cursor of its own) while the
        # narrative is drafted and the review queue takes the close: neither reads what
        # the other adds to the document.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="close-refs") as reader:
            reading = reader.submit(_workpaper_inputs_on_cursor, con, dict(doc), pack=pack,
                                    pack_path=pack_path, config=config, user=user,
                                    findings_limit=findings_limit)
            doc.update(narrative.draft(doc, config, model=model, batch=batch))
            results_text = dumps(doc)   # complete now: hashed by the queue, written as is
            stages["narrative"] = time.perf_counter() - clock
            clock = time.perf_counter()
            out_dir.mkdir(parents=True, exist_ok=True)
            outputs.remove_leftovers(out_dir)
            staged: list = []
            try:
                with review.queued_run(doc, workspace=workspace, user=user,
                                       pack_path=Path(pack_path).resolve(),
                                       out_dir=out_dir.resolve(),
                                       results_text=results_text) as review_state:
                    inputs = reading.result()
                    preparing.join()
                    staged += report.stage_reports(doc, out_dir, review_state=review_state, inputs=inputs,
                                                   per_entity=per_entity, helper=helper)
                    staged.append(outputs.stage_findings(outcome, out_dir))
                    staged.append(outputs.stage_results(doc, out_dir, results_text))
            except BaseException:
                outputs.discard(staged)
                raise
        reports = outputs.publish(staged)
        stages["review queue and outputs"] = time.perf_counter() - clock
        return CloseRun(outcome, doc, review_state, [reports[-1], *reports[:-1]], stages)


def _report_helper(con):
    """A helper process for the reports of a large pack (close.report.helper), or a
    stand-in that does nothing."""
    from contextlib import nullcontext

    from close.report.helper import Helper, wanted

    lines = con.execute("SELECT COUNT(*) FROM journal_lines").fetchone()[0]
    return Helper() if wanted(lines) else nullcontext()


MAX_WORKPAPER_REFS = 500


def _workpaper_inputs_on_cursor(con, doc: dict, **kwargs):
    """workpaper_inputs on a cursor of `con`, for a thread beside the one that uses `con`."""
    cursor = con.cursor()
    try:
        return workpaper_inputs(cursor, doc, **kwargs)
    finally:
        cursor.close()


def workpaper_inputs(con, doc: dict, *, pack, pack_path: Path, config, user: str,
                     findings_limit: int | None = FINDINGS_PER_RESULT, now=None):
    """What the workpapers show beyond results.json, fetched here so close.report never
    reaches the books: each file of the pack with its SHA-256, who ran the close and
    when, the settings and close.toml parameters in force, and the rows of the books
    behind each reconciling item (their dates give its age)."""
    from datetime import datetime, timezone

    from close.pack.sources import locate, pack_digests
    from close.refs import first_rows_and_totals
    from close.report.ref_lines import MAX_ROWS
    from close.report.workpapers import Inputs, refs_wanted
    from close.report.workpapers.tabs import MAX_REF_ROWS

    # Each file's digest was taken as the pack was opened (close.pack.open_pack), in the
    # same read that checked the pack's own; re-read here only for a pack opened otherwise.
    files = getattr(pack, "files", ())
    if not files:
        try:
            files = pack_digests(locate(pack_path))[1]
        except Exception:   # the pack moved since it was loaded: its digest in results.json stands
            files = ()
    sources = [(f.name, f.sha256, f.size) for f in files]
    parameters = [("Reporting currency", str(pack.reporting_currency), "pack.toml"),
                  ("Fiscal year starts in month", str(pack.fiscal_year_start_month), "pack.toml"),
                  ("Materiality", str(pack.materiality), "pack.toml"),
                  ("Findings listed per result", str(findings_limit) if findings_limit else "all", "close run")]
    for skill_id, params in sorted((config.data.get("skills") or {}).items()):
        for name, value in sorted((params or {}).items()):
            parameters.append((f"{skill_id}.{name}", str(value), "close.toml, every entity"))
    for entity_id, table in sorted((config.data.get("entities") or {}).items()):
        for skill_id, params in sorted(((table or {}).get("skills") or {}).items()):
            for name, value in sorted((params or {}).items()):
                parameters.append((f"{skill_id}.{name}", str(value), f"close.toml, {entity_id}"))
    # The reconciliations' refs first (their rows date the items), then every ref a
    # finding cites: the report's appendix links each to its rows. Looked up together,
    # a query per table rather than per ref; a bad ref is left out. Of each ref's rows
    # only those the reports show are fetched, with what all of them add up to (an
    # opening entry of a large group has a hundred thousand lines).
    cited = [ref for r in doc.get("skills") or [] for f in r.get("findings") or [] for ref in f.get("refs") or []]
    refs = list(dict.fromkeys(refs_wanted(doc) + cited))[:MAX_WORKPAPER_REFS]
    lines, totals = first_rows_and_totals(con, refs, pack.tables, limit=max(MAX_ROWS, MAX_REF_ROWS))
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Inputs(prepared_by=user, generated_at=stamp, sources=sources, parameters=parameters, lines=lines,
                  totals=totals)


def rerender_month(*, workspace: Path, out_dir: Path, month, user: str, con=None, pack=None,
                   pack_path: Path | None = None, config=None, per_entity: bool = False) -> list[Path]:
    """`close report`: the reports of a month that already ran, rendered again from its
    results.json and the review store as they are now (approvals, comments, sign-off),
    so a month signed off after its close shows that sign-off. No skill runs and
    results.json is never written: it is the record the sign-off approved. The rows of
    the books behind refs are added only when the books (con, pack) still have the
    sha256 the close ran on; otherwise the report says nothing it cannot stand behind."""
    import json

    out_dir = Path(out_dir)
    source = out_dir / "results.json"
    if not source.is_file():
        raise UsageError(f"{source} does not exist: run `close run --month {month}` first, "
                         f"or name the folder that holds its outputs with --out")
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{source} is not a results document: {exc}") from None
    if not isinstance(doc, dict) or str(doc.get("month")) != str(month):
        raise UsageError(f"{source} holds the close of {doc.get('month') if isinstance(doc, dict) else '?'}, "
                         f"not {month}: name the month's output folder with --out")
    state = stored_review_state(workspace, str(month))
    if con is not None and pack is not None and getattr(pack, "sha256", None) == (doc.get("pack") or {}).get("sha256"):
        inputs = workpaper_inputs(con, doc, pack=pack, pack_path=pack_path, config=config, user=user)
    else:
        from close.report.workpapers import Inputs

        inputs = Inputs(prepared_by=user)
    if state:
        inputs.notes = {key: [c["text"] for c in comments] for key, comments in state.get("comments", {}).items()}
    outputs.remove_leftovers(out_dir)
    return outputs.publish(report.stage_reports(doc, out_dir, review_state=state, inputs=inputs,
                                                per_entity=per_entity))


def stored_review_state(workspace: Path, month: str) -> dict | None:
    """The month's review state read from the store without queueing anything: items and
    readiness as close.review shows them, plus who signed the month off and when, and
    the comments on each current item (the explanations a variance carries). None when
    the workspace has no store."""
    from close.review.signoff import lock_record
    from close.review.store import connect
    from close.review.views import review_state, show

    con = connect(Path(workspace), create=False)
    if con is None:
        return None
    try:
        state = review_state(con, month)
        lock = lock_record(con, month)
        state["signed_off"] = None if lock is None else {
            "by": lock["user"], "at": lock["at"], "note": lock["reason"] or ""}
        comments: dict[str, list[dict]] = {}
        for item in state["items"]:
            detail = show(con, item["id"])
            item["decided_at"] = (detail.get("decision") or {}).get("at") or ""
            if detail["comments"]:
                comments[item["key"]] = detail["comments"]
        state["comments"] = comments
    finally:
        con.close()
    return state
