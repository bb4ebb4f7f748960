"""`--batch`: the six section drafts through the Message Batches API, at half the price.

One batch holds one request per section (custom_id = the section id), with exactly the
body a direct call would send, so the prompt cache can still be shared. close then
polls the batch until it has ended, reporting progress, and reads the results file.
A batch that has not ended within `batch_wait_minutes` is cancelled and its sections
are drafted by the fallback: the close does not wait a day for a narrative.
"""
from __future__ import annotations

import sys
import time

import anthropic

from close.narrative.claude import DraftFailed, describe_error, parse_draft, request_params
from close.narrative.facts import FactSheet
from close.narrative.sections import SECTIONS
from close.narrative.settings import Settings
from close.narrative.usage import Usage


def print_progress(done: int, total: int, status: str) -> None:
    print(f"narrative batch: {done} of {total} sections done ({status})", file=sys.stderr, flush=True)


def draft_batch(client: anthropic.Anthropic, sheet: FactSheet, settings: Settings, usage: Usage, *,
                progress=None, sleep=time.sleep, clock=time.monotonic) -> dict[str, dict | DraftFailed]:
    progress = progress or print_progress
    total = len(SECTIONS)
    requests = [{"custom_id": s.id, "params": request_params(sheet, s, settings)} for s in SECTIONS]
    try:
        batch = client.messages.batches.create(requests=requests)
        deadline = clock() + settings.batch_wait_minutes * 60
        while batch.processing_status != "ended":
            progress(total - batch.request_counts.processing, total, batch.processing_status)
            if clock() >= deadline:
                try:
                    client.messages.batches.cancel(batch.id)
                except anthropic.APIError:
                    pass
                reason = f"the batch had not ended after {settings.batch_wait_minutes:g} minutes"
                return {s.id: DraftFailed(reason, api_down=True) for s in SECTIONS}
            sleep(settings.batch_poll_seconds)
            batch = client.messages.batches.retrieve(batch.id)
        progress(total - batch.request_counts.processing, total, batch.processing_status)
        results: dict[str, dict | DraftFailed] = {}
        for item in client.messages.batches.results(batch.id):
            result = item.result
            if result.type == "succeeded":
                usage.add(result.message.usage)
                try:
                    results[item.custom_id] = parse_draft(result.message)
                except DraftFailed as failure:
                    results[item.custom_id] = failure
            elif result.type == "errored":
                error = getattr(result.error, "error", None)
                kind = getattr(error, "type", "error")
                results[item.custom_id] = DraftFailed(f"the batch request errored ({kind})")
            else:
                results[item.custom_id] = DraftFailed(f"the batch request was {result.type}")
    except anthropic.APIError as exc:
        failure = DraftFailed(describe_error(exc, settings), api_down=True)
        return {s.id: failure for s in SECTIONS}
    for s in SECTIONS:
        results.setdefault(s.id, DraftFailed("the batch returned no result for this section"))
    return results
