"""The Monthly Financial Review narrative: Claude writes the words, code owns the numbers.

    facts    (facts.py)    compact facts per section from the results contract
    drafts   (claude.py)   Claude, one cached request per section; or batch.py; or
             (fallback.py) the deterministic drafter, without a key or when the API fails
    verify   (verify.py)   every figure in every draft checked against the section's facts
    usage    (usage.py)    calls, tokens and estimated cost

`draft()` never raises because of the model: whatever happens to a call, each section
gets a draft, labelled with who wrote it, why the fallback was used if it was, and
whether its figures verified.
"""
from __future__ import annotations

from close.narrative.facts import FactSheet, build_from_doc
from close.narrative.fallback import draft_section
from close.narrative.sections import SECTIONS, Section
from close.narrative.settings import api_key, load_settings
from close.narrative.usage import Usage
from close.narrative.verify import verify_draft

NO_KEY = "no ANTHROPIC_API_KEY in the environment"


def _scrub(text: str | None, key: str | None) -> str | None:
    if text and key and key in text:
        return text.replace(key, "[redacted]")
    return text


def section_result(section: Section, sheet: FactSheet, draft: dict, *, drafted_by: str,
                   model: str | None, fallback_reason: str | None = None) -> dict:
    verdict = verify_draft(draft["paragraphs"], draft["figures"], sheet.facts(section.id), month=sheet.month)
    return {
        "id": section.id,
        "title": section.title,
        "drafted_by": drafted_by,
        "model": model,
        "verification": verdict.verification,
        "unverified_figures": verdict.unverified_figures,
        "paragraphs": draft["paragraphs"],
        "figures": verdict.figures,
        "facts_sha256": sheet.sha256(section.id),
        "fallback_reason": fallback_reason,
    }


def draft(doc, config, *, model=None, batch=False, http_client=None, progress=None) -> dict:
    """Keys to merge into results.json: {"narrative": {"sections": [...]}, "usage": {...}}.

    `http_client` (an httpx2 client) and `progress` (done, total, status) are for tests
    and callers that want to watch a batch; the API key comes from ANTHROPIC_API_KEY only.
    """
    settings = load_settings(config, model=model, batch=batch)
    sheet = build_from_doc(doc)
    usage = Usage()
    key = api_key()
    if key is None:
        drafts = {s.id: None for s in SECTIONS}
        reasons = {s.id: NO_KEY for s in SECTIONS}
    else:
        from close.narrative.claude import DraftFailed, make_client
        client = make_client(key, settings, http_client)
        try:
            if settings.batch:
                from close.narrative.batch import draft_batch
                answers = draft_batch(client, sheet, settings, usage, progress=progress)
            else:
                from close.narrative.claude import draft_sections
                answers = draft_sections(client, sheet, settings, usage)
        except Exception as exc:  # the close never fails because of the model
            detail = " ".join(str(exc).split())[:160]
            reason = f"drafting failed: {type(exc).__name__}" + (f": {detail}" if detail else "")
            answers = {s.id: DraftFailed(reason) for s in SECTIONS}
        drafts = {sid: (a if isinstance(a, dict) else None) for sid, a in answers.items()}
        reasons = {sid: (None if isinstance(a, dict) else _scrub(a.reason, key)) for sid, a in answers.items()}

    sections = []
    for section in SECTIONS:
        answer = drafts.get(section.id)
        if answer is not None:
            sections.append(section_result(section, sheet, answer, drafted_by="claude", model=settings.model))
        else:
            sections.append(section_result(section, sheet, draft_section(section, sheet),
                                           drafted_by="fallback", model=None,
                                           fallback_reason=reasons.get(section.id)))
    used_model = settings.model if usage.calls else None
    return {
        "narrative": {"sections": sections},
        "usage": usage.to_dict(model=used_model, rates=settings.price(), batch=settings.batch and usage.calls > 0,
                               discount=settings.batch_discount),
    }
