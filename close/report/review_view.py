"""The review queue's state as the report shows it, or "unavailable" when absent.

review_state comes from close.review.queue_run and is not part of results.json (it
changes after the run as people approve and reject). The report shows it beside each
section and skill so the reader sees what is signed off and what is still pending.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReviewItem:
    id: str
    kind: str
    key: str
    status: str
    version: int | None = None
    stale_approvals: int = 0
    unverified: bool = False
    preparer: str = ""
    decided_by: str = ""
    decided_at: str = ""

    @property
    def label(self) -> str:
        text = self.status
        if self.stale_approvals:
            text += f" ({self.stale_approvals} stale approval{'s' if self.stale_approvals != 1 else ''})"
        return text


@dataclass
class ReviewView:
    available: bool
    items: dict = field(default_factory=dict)  # key -> ReviewItem
    approved: int = 0
    total: int = 0
    share: str | None = None
    locked: bool = False
    signed_off: dict | None = None     # by, at, note: read from the store by `close report`
    comments: dict = field(default_factory=dict)  # item key -> [{by, at, text}]

    def comments_for(self, skill_id: str, entity_id: str | None) -> list[dict]:
        item = self.for_skill(skill_id, entity_id)
        return self.comments.get(item.key, []) if item else []

    def item(self, key: str) -> ReviewItem | None:
        return self.items.get(key)

    def for_skill(self, skill_id: str, entity_id: str | None) -> ReviewItem | None:
        """A skill's item is keyed `<skill>/<entity>`; group skills by id or `/group`."""
        if entity_id:
            return self.items.get(f"{skill_id}/{entity_id}")
        return self.items.get(f"{skill_id}/group") or self.items.get(skill_id)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"approved": 0, "pending": 0, "rejected": 0}
        for item in self.items.values():
            counts[item.status] = counts.get(item.status, 0) + 1
        return counts


def review_view(review_state) -> ReviewView:
    """Tolerant reading: a missing or partial state gives `available=False` or blanks."""
    if not isinstance(review_state, dict) or not review_state:
        return ReviewView(available=False)
    items = {}
    for raw in review_state.get("items") or []:
        if not isinstance(raw, dict) or not raw.get("key"):
            continue
        item = ReviewItem(
            id=str(raw.get("id", "")), kind=str(raw.get("kind", "")), key=str(raw["key"]),
            status=str(raw.get("status", "pending")), version=raw.get("version"),
            stale_approvals=int(raw.get("stale_approvals") or 0),
            unverified=bool(raw.get("unverified")),
            preparer=str(raw.get("preparer") or ""), decided_by=str(raw.get("decided_by") or ""),
            decided_at=str(raw.get("decided_at") or ""),
        )
        items[item.key] = item
    readiness = review_state.get("readiness") or {}
    share = readiness.get("share")
    return ReviewView(
        available=True, items=items,
        approved=int(readiness.get("approved") or 0), total=int(readiness.get("total") or 0),
        share=str(share) if share is not None else None,
        locked=bool(review_state.get("locked")),
        signed_off=signed if isinstance(signed := review_state.get("signed_off"), dict) else None,
        comments={str(k): [c for c in v if isinstance(c, dict)]
                  for k, v in (review_state.get("comments") or {}).items() if isinstance(v, list)},
    )
