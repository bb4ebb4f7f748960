"""Calls to Claude through the anthropic SDK: one request per section, few in all.

Every request starts with the same system blocks (the instructions, then the facts
every section shares, marked for caching) and carries the same output schema; then its
section's own facts and a short user message (prompts.py; `facts = "all"` sends every
section's facts in the cached block instead). The first section is drafted alone to
warm the cache; the others then go out together, at most `max_concurrency` at a time.

Structured output (`output_config.format`, a JSON schema) rather than a forced tool:
current models reject a forced `tool_choice`, and the schema gives the same guarantee.

Failures: the SDK retries 408, 409, 429, 5xx (529 overloaded included), timeouts and
connection errors itself (`max_retries`, with backoff and `retry-after`). An error that
survives its retries means the API is not usable for this run: the sections not yet
drafted go to the fallback drafter without further calls. An answer that is not the
JSON asked for sends only that section to the fallback, with the reason recorded.
"""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import anthropic

from close.narrative.facts import FactSheet
from close.narrative.prompts import OUTPUT_SCHEMA, section_request, system_blocks
from close.narrative.sections import SECTIONS, Section
from close.narrative.settings import Settings
from close.narrative.usage import Usage


class DraftFailed(Exception):
    """A section Claude did not draft, and why. `api_down`: stop calling for this run."""

    def __init__(self, reason: str, *, api_down: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.api_down = api_down


def make_client(key: str, settings: Settings, http_client=None) -> anthropic.Anthropic:
    kwargs = {"api_key": key, "max_retries": settings.max_retries, "timeout": settings.timeout_seconds}
    if http_client is not None:
        kwargs["http_client"] = http_client
    return anthropic.Anthropic(**kwargs)


def request_params(sheet: FactSheet, section: Section, settings: Settings) -> dict:
    """The Messages API body for one section (also one Message Batches request)."""
    output_config: dict = {"format": {"type": "json_schema", "schema": OUTPUT_SCHEMA}}
    if settings.effort:
        output_config["effort"] = settings.effort
    return {
        "model": settings.model,
        "max_tokens": settings.max_tokens,
        "system": system_blocks(sheet, section, settings.facts),
        "messages": [{"role": "user", "content": section_request(section, settings.facts)}],
        "output_config": output_config,
    }


def describe_error(exc: Exception, settings: Settings) -> str:
    """One line for the report; never the key (the SDK does not echo it, and we check)."""
    if isinstance(exc, anthropic.APIStatusError):
        kind = ""
        body = exc.body if isinstance(exc.body, dict) else {}
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        if error.get("type"):
            kind = f" {error['type']}"
        return f"Claude API error {exc.status_code}{kind} after {settings.max_retries} retries"
    if isinstance(exc, anthropic.APITimeoutError):
        return f"Claude API timed out after {settings.max_retries} retries"
    if isinstance(exc, anthropic.APIConnectionError):
        return f"Claude API unreachable after {settings.max_retries} retries"
    return f"Claude API call failed: {type(exc).__name__}"


def parse_draft(message) -> dict:
    """{"paragraphs", "figures"} from a response, or DraftFailed saying what was wrong."""
    stop = getattr(message, "stop_reason", None)
    if stop == "refusal":
        raise DraftFailed("Claude declined to draft this section")
    if stop == "max_tokens":
        raise DraftFailed("the draft was cut off at max_tokens")
    text = "".join(getattr(b, "text", "") for b in message.content if getattr(b, "type", None) == "text")
    if not text.strip():
        raise DraftFailed("the response held no text")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DraftFailed(f"the response was not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(data, dict):
        raise DraftFailed("the response was JSON but not an object")
    paragraphs, figures = data.get("paragraphs"), data.get("figures")
    if not isinstance(paragraphs, list) or not paragraphs or not all(isinstance(p, str) for p in paragraphs):
        raise DraftFailed("the response lacked `paragraphs` as a non-empty list of strings")
    if not isinstance(figures, list) or not all(
            isinstance(f, dict) and isinstance(f.get("text"), str) and isinstance(f.get("fact_id"), str)
            for f in figures):
        raise DraftFailed("the response lacked `figures` as a list of {text, fact_id}")
    return {"paragraphs": [p.strip() for p in paragraphs if p.strip()],
            "figures": [{"text": f["text"], "fact_id": f["fact_id"]} for f in figures]}


def draft_sections(client: anthropic.Anthropic, sheet: FactSheet, settings: Settings,
                   usage: Usage) -> dict[str, dict | DraftFailed]:
    """Draft every section: the first alone (it writes the cache), the rest concurrently."""
    stop = threading.Event()
    first_failure: list[DraftFailed] = []

    def one(section: Section) -> dict | DraftFailed:
        if stop.is_set():
            return DraftFailed(first_failure[0].reason, api_down=True)
        try:
            message = client.messages.create(**request_params(sheet, section, settings))
        except anthropic.APIError as exc:
            failure = DraftFailed(describe_error(exc, settings), api_down=True)
            if not stop.is_set():
                first_failure.append(failure)
                stop.set()
            return failure
        usage.add(message.usage)
        try:
            return parse_draft(message)
        except DraftFailed as failure:
            return failure

    results = {SECTIONS[0].id: one(SECTIONS[0])}
    rest = SECTIONS[1:]
    with ThreadPoolExecutor(max_workers=min(settings.max_concurrency, len(rest))) as pool:
        for section, result in zip(rest, pool.map(one, rest)):
            results[section.id] = result
    return results
