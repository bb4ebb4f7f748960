"""Approving several ticked items from the month's page: the fingerprints shown, all or
nothing, a note for high severity, nothing offered to whom may not approve."""
import re

from close.review.store import connect
from close.review.weights import weigh_items
from tests.serve.test_server import audit_events, csrf_of, signed_in


def pending(site):
    from close.review.views import list_items

    _, ws, _ = site
    con = connect(ws)
    try:
        return weigh_items(con, list_items(con, month="2026-05", status="pending"))
    finally:
        con.close()


def ticks(page_text):
    """{item id: fingerprint} of the page's approve checkboxes."""
    return dict(re.findall(r'name="approve-(R-\d+)" value="([0-9a-f]{64})"', page_text))


def test_a_reviewer_approves_the_ticked_items_each_recorded(site):
    bob = signed_in(site, "bob")
    offered = ticks(bob.get("/months/2026-05").text)
    items = pending(site)
    assert offered == {i["id"]: i["content_sha256"] for i in items}
    chosen = [i["id"] for i in items if i["severity"] != "high"][:2]
    assert len(chosen) == 2
    form = {"csrf": csrf_of(bob), **{f"approve-{rid}": offered[rid] for rid in chosen}}
    done = bob.post("/months/2026-05/approve", data=form)
    assert done.status_code == 303 and done.headers["location"] == "/months/2026-05?done=approved+2+items"
    assert "Done: approved 2 items." in bob.get(done.headers["location"]).text
    assert [e["item"] for e in audit_events(site, "approved")] == chosen
    assert {i["id"] for i in pending(site)} == {i["id"] for i in items} - set(chosen)


def test_one_changed_item_approves_none(site):
    bob = signed_in(site, "bob")
    offered = ticks(bob.get("/months/2026-05").text)
    first, second = list(offered)[:2]
    form = {"csrf": csrf_of(bob), f"approve-{first}": offered[first], f"approve-{second}": "0" * 64}
    answer = bob.post("/months/2026-05/approve", data=form)
    assert answer.status_code == 403 and "what you were shown" in answer.text and "nothing was approved" in answer.text
    assert audit_events(site, "approved") == []
    assert [e["item"] for e in audit_events(site, "refused")] == [second]


def test_high_severity_needs_a_note(site):
    bob = signed_in(site, "bob")
    offered = ticks(bob.get("/months/2026-05").text)
    high = [i["id"] for i in pending(site) if i["severity"] == "high"]
    assert high, "the mini close has a high-severity item"
    form = {"csrf": csrf_of(bob), **{f"approve-{rid}": offered[rid] for rid in high}}
    refused = bob.post("/months/2026-05/approve", data=form)
    assert refused.status_code == 403 and "high-severity findings" in refused.text
    noted = bob.post("/months/2026-05/approve", data={**form, "note": "cleared with the controller"})
    assert noted.status_code == 303 and [e["item"] for e in audit_events(site, "approved")] == high


def test_a_preparer_is_offered_no_ticks_and_other_months_are_refused(site):
    ana = signed_in(site, "ana")
    assert ticks(ana.get("/months/2026-05").text) == {}
    bob = signed_in(site, "bob")
    offered = ticks(bob.get("/months/2026-05").text)
    rid = next(iter(offered))
    answer = bob.post("/months/2026-04/approve", data={"csrf": csrf_of(bob), f"approve-{rid}": offered[rid]})
    assert answer.status_code == 400 and f"{rid} is not an item of 2026-04" in answer.text
    assert audit_events(site, "approved") == []
