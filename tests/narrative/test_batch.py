"""`--batch`: one Message Batch with a request per section, polled to the end, results read.

The scripted API answers the create call, two polls (in progress, then ended), the
retrieve the SDK makes before reading results, and the results file as JSON Lines.
"""
import json

import httpx2
import pytest

from close.narrative import draft
from close.narrative.claude import request_params
from close.narrative.facts import build_from_doc
from close.narrative.fallback import draft_section
from close.narrative.sections import SECTIONS
from close.narrative.settings import load_settings
from tests.narrative.narrative_docs import Recorder, config, doc, message

BATCH_ID = "msgbatch_01TEST"
RESULTS_URL = f"https://api.anthropic.com/v1/messages/batches/{BATCH_ID}/results"


def batch_json(status, processing, succeeded=0, errored=0):
    return {
        "id": BATCH_ID, "type": "message_batch", "processing_status": status,
        "request_counts": {"processing": processing, "succeeded": succeeded, "errored": errored,
                           "canceled": 0, "expired": 0},
        "created_at": "2026-06-01T09:00:00Z", "expires_at": "2026-06-02T09:00:00Z",
        "ended_at": "2026-06-01T09:04:00Z" if status == "ended" else None,
        "archived_at": None, "cancel_initiated_at": None,
        "results_url": RESULTS_URL if status == "ended" else None,
    }


def results_jsonl(errored_section=None):
    d = doc()
    sheet = build_from_doc(d)
    lines = []
    for section in reversed(SECTIONS):          # results come in any order
        if section.id == errored_section:
            result = {"type": "errored", "error": {"type": "error", "error": {
                "type": "invalid_request_error", "message": "bad"}}}
        else:
            result = {"type": "succeeded", "message": message(draft_section(section, sheet), usage={
                "input_tokens": 100, "output_tokens": 300, "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 2000})}
        lines.append(json.dumps({"custom_id": section.id, "result": result}))
    return "\n".join(lines) + "\n"


def scripted(errored_section=None):
    return Recorder([
        httpx2.Response(200, json=batch_json("in_progress", 6)),                    # create
        httpx2.Response(200, json=batch_json("in_progress", 2)),                    # poll 1
        httpx2.Response(200, json=batch_json("ended", 0, 5 if errored_section else 6,
                                             1 if errored_section else 0)),         # poll 2
        httpx2.Response(200, json=batch_json("ended", 0, 6)),                       # results() retrieves
        httpx2.Response(200, content=results_jsonl(errored_section).encode(),
                        headers={"content-type": "application/binary"}),
    ])


def test_batch_sends_one_request_per_section_polls_and_reads_results(api_key):
    recorder = scripted()
    progress = []
    d = doc()
    out = draft(d, config(), batch=True, http_client=recorder.client(),
                progress=lambda done, total, status: progress.append((done, total, status)))
    calls = [(r.method, r.url.path) for r in recorder.requests]
    assert calls == [("POST", "/v1/messages/batches"),
                     ("GET", f"/v1/messages/batches/{BATCH_ID}"),
                     ("GET", f"/v1/messages/batches/{BATCH_ID}"),
                     ("GET", f"/v1/messages/batches/{BATCH_ID}"),
                     ("GET", f"/v1/messages/batches/{BATCH_ID}/results")]
    body = json.loads(recorder.requests[0].content)
    sheet = build_from_doc(d)
    settings = load_settings(config(), batch=True)
    assert body == {"requests": [{"custom_id": s.id, "params": request_params(sheet, s, settings)}
                                 for s in SECTIONS]}
    assert body["requests"][0]["params"]["system"][1]["cache_control"] == {"type": "ephemeral"}
    assert progress == [(0, 6, "in_progress"), (4, 6, "in_progress"), (6, 6, "ended")]
    sections = out["narrative"]["sections"]
    assert [s["id"] for s in sections] == [s.id for s in SECTIONS]
    assert {s["drafted_by"] for s in sections} == {"claude"}
    assert {s["verification"] for s in sections} == {"verified"}
    assert out["usage"]["calls"] == 6 and out["usage"]["batch"] is True
    # 600 in x 2.00 + 1800 out x 10.00 + 12000 read x 0.10 per million, halved for batches
    assert out["usage"]["estimated_cost_usd"] == "0.0102"


def test_an_errored_batch_request_falls_back_for_its_section(api_key):
    recorder = scripted(errored_section="tax")
    d = doc()
    out = draft(d, config(), batch=True, http_client=recorder.client(),
                progress=lambda *a: None)
    tax = next(s for s in out["narrative"]["sections"] if s["id"] == "tax")
    assert tax["drafted_by"] == "fallback"
    assert tax["fallback_reason"] == "the batch request errored (invalid_request_error)"
    assert out["usage"]["calls"] == 5


def test_a_batch_that_does_not_end_in_time_is_cancelled(api_key):
    recorder = Recorder([
        httpx2.Response(200, json=batch_json("in_progress", 6)),
        httpx2.Response(200, json=batch_json("canceling", 6)),        # the cancel call
    ])
    d = doc()
    out = draft(d, config(batch_wait_minutes=0), batch=True, http_client=recorder.client(),
                progress=lambda *a: None)
    assert [(r.method, r.url.path) for r in recorder.requests] == [
        ("POST", "/v1/messages/batches"), ("POST", f"/v1/messages/batches/{BATCH_ID}/cancel")]
    assert {s["fallback_reason"] for s in out["narrative"]["sections"]} == \
        {"the batch had not ended after 0 minutes"}


NO_BATCH_ANSWERS = [
    (httpx2.Response(404, json={"type": "error", "error": {"type": "not_found_error", "message": "Not Found"}}),
     "HTTP 404 on the batch call"),
    (httpx2.Response(405, text="Method Not Allowed"), "HTTP 405 on the batch call"),
    (httpx2.Response(200, json={}), "it answered with something that is not a batch"),
    (httpx2.Response(200, text="<html><body>gateway</body></html>", headers={"content-type": "text/html"}),
     "it answered with something that is not a batch"),
    (httpx2.Response(200, json={"id": "msg_1", "type": "message", "content": []}),
     "it answered with something that is not a batch"),
]


@pytest.mark.parametrize("answer,what", NO_BATCH_ANSWERS, ids=["404", "405", "empty", "html", "message"])
def test_an_endpoint_without_batches_falls_back_saying_so(api_key, answer, what):
    """A gateway that serves only Messages: one call, no retries, no exception name as
    the reason, and the way out (run without --batch) in it."""
    recorder = Recorder([answer] * 3)
    out = draft(doc(), config(), batch=True, http_client=recorder.client(), progress=lambda *a: None)
    assert [(r.method, r.url.path) for r in recorder.requests] == [("POST", "/v1/messages/batches")]
    reasons = {s["fallback_reason"] for s in out["narrative"]["sections"]}
    assert reasons == {f"the endpoint has no Message Batches API ({what}); run without --batch "
                       f"to have Claude draft the sections directly"}
    assert {s["drafted_by"] for s in out["narrative"]["sections"]} == {"fallback"}
    assert out["usage"]["calls"] == 0


def test_an_unreadable_poll_falls_back_with_what_happened(api_key):
    recorder = Recorder([httpx2.Response(200, json=batch_json("in_progress", 6)), httpx2.Response(200, json={})])
    out = draft(doc(), config(batch_poll_seconds=0), batch=True, http_client=recorder.client(),
                progress=lambda *a: None)
    assert {s["fallback_reason"] for s in out["narrative"]["sections"]} == {
        "the batch could not be followed: polled, it answered with something that is not a batch"}
