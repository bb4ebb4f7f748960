"""`--batch`: the six section drafts through the Message Batches API, at half the price.

One batch holds one request per section (custom_id = the section id), with exactly the
body a direct call would send, so the prompt cache can still be shared. close then
polls the batch until it has ended, reporting progress, and reads the results file.
A batch that has not ended within `batch_wait_minutes` is cancelled and its sections
are drafted by the fallback: the close does not wait a day for a narrative.

An endpoint without the Message Batches API (a gateway or proxy in ANTHROPIC_BASE_URL
that serves only Messages) answers the create call with 404, 405 or 501, or with a body
that is no batch at all. Either way every section goes to the fallback drafter with a
reason that says so and what to do (run without --batch), never a bare exception name.
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


NO_BATCHES = ("the endpoint has no Message Batches API ({what}); run without --batch "
              "to have Claude draft the sections directly")
BATCH_STATUSES = ("in_progress", "canceling", "ended")


def _not_a_batch(batch) -> str | None:
    """Why an answer to a batch call is not a Message Batch, or None when it is one."""
    if not isinstance(getattr(batch, "id", None), str) \
            or getattr(batch, "processing_status", None) not in BATCH_STATUSES:
        return "it answered with something that is not a batch"
    if not isinstance(getattr(getattr(batch, "request_counts", None), "processing", None), int):
        return "it answered with a batch without request counts"
    return None


def draft_batch(client: anthropic.Anthropic, sheet: FactSheet, settings: Settings, usage: Usage, *,
                progress=None, sleep=time.sleep, clock=time.monotonic) -> dict[str, dict | DraftFailed]:
    progress = progress or print_progress
    total = len(SECTIONS)
    requests = [{"custom_id": s.id, "params": request_params(sheet, s, settings)} for s in SECTIONS]
    created = False
    try:
        batch = client.messages.batches.create(requests=requests)
        created = True
        odd = _not_a_batch(batch)
        if odd:
            failure = DraftFailed(NO_BATCHES.format(what=odd), api_down=True)
            return {s.id: failure for s in SECTIONS}
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
            odd = _not_a_batch(batch)
            if odd:
                failure = DraftFailed(f"the batch could not be followed: polled, {odd}", api_down=True)
                return {s.id: failure for s in SECTIONS}
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
    except anthropic.APIStatusError as exc:
        if exc.status_code in (404, 405, 501) and not created:
            failure = DraftFailed(NO_BATCHES.format(what=f"HTTP {exc.status_code} on the batch call"), api_down=True)
        else:
            failure = DraftFailed(describe_error(exc, settings), api_down=True)
        return {s.id: failure for s in SECTIONS}
    except anthropic.APIError as exc:
        failure = DraftFailed(describe_error(exc, settings), api_down=True)
        return {s.id: failure for s in SECTIONS}
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        # an answer in the batch's flow that is not what the Message Batches API sends
        failure = DraftFailed(f"the batch endpoint sent an answer close could not read "
                              f"({type(exc).__name__}); run without --batch to draft directly", api_down=True)
        return {s.id: failure for s in SECTIONS}
    for s in SECTIONS:
        results.setdefault(s.id, DraftFailed("the batch returned no result for this section"))
    return results
