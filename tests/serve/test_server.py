"""The review page against requests crafted by hand: every rule holds without the browser."""
import json
import re

import pytest
from starlette.testclient import TestClient

from close.review.store import connect
from close.serve import create_app
from close.serve.security import CSP, session_csrf
from close.serve.views import mark_figures


@pytest.fixture
def client(site):
    _, _, settings = site
    return TestClient(create_app(settings), follow_redirects=False)


def login(client, name, password="correct horse battery"):
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return client.post("/login", data={"csrf": csrf, "name": name, "password": password, "next": ""})


def signed_in(site, name):
    _, _, settings = site
    client = TestClient(create_app(settings), follow_redirects=False)
    assert login(client, name).status_code == 303
    return client


def csrf_of(client):
    return session_csrf(client.cookies.get("close_session"))


def item_with(site, predicate):
    _, ws, _ = site
    from close.review.views import list_items

    con = connect(ws)
    try:
        return next(i for i in list_items(con, month="2026-05") if predicate(i))
    finally:
        con.close()


def audit_events(site, event):
    _, ws, _ = site
    con = connect(ws)
    try:
        return [dict(r) for r in con.execute("SELECT * FROM audit_log WHERE event = ? ORDER BY seq", (event,))]
    finally:
        con.close()


def test_unauthenticated_requests_go_to_the_login_page(client):
    for path in ("/", "/months/2026-05", "/items/R-0001", "/refs/journal_lines:JE-9", "/audit"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
    page = client.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.text and "<script" not in page.text


def test_a_wrong_host_is_refused(site):
    _, _, settings = site
    client = TestClient(create_app(settings), base_url="http://evil.example")
    answer = client.get("/login")
    assert answer.status_code == 400 and "Invalid host header" in answer.text


def test_every_answer_carries_the_security_headers(client):
    for answer in (client.get("/login"), client.get("/months/2026-05"), client.get("/static/mfr.css"),
                   client.post("/items/R-0001/approve", data={})):
        assert answer.headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "'unsafe-inline'" not in CSP and "default-src 'none'" in CSP
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite_strict(client):
    answer = login(client, "bob")
    assert answer.status_code == 303
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("close_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie


def test_login_needs_its_csrf_token_and_the_right_password(client, site):
    no_token = client.post("/login", data={"name": "bob", "password": "correct horse battery"})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    wrong = login(client, "bob", "not the password")
    assert wrong.status_code == 403 and "do not match" in wrong.text and "close_session" not in client.cookies
    assert audit_events(site, "refused")[-1]["actor"] == "bob"


def test_logins_from_one_address_are_rate_limited(site):
    _, _, settings = site
    settings.login_tries_per_address = 3
    client = TestClient(create_app(settings), follow_redirects=False)
    for name in ("x1", "x2", "x3"):
        assert login(client, name, "wrong wrong wrong").status_code == 403
    limited = login(client, "bob")                # the right password, from a noisy address
    assert limited.status_code == 429 and "too many failed logins" in limited.text
    assert int(limited.headers["retry-after"]) > 0


@pytest.mark.parametrize("path", ["/items/R-0009/approve", "/items/R-0009/reject",
                                  "/items/R-0009/comment", "/months/2026-05/signoff",
                                  "/months/2026-05/approve", "/logout"])
def test_every_post_without_the_csrf_token_is_403(site, path):
    client = signed_in(site, "carol")
    before = len(audit_events(site, "approved")) + len(audit_events(site, "commented"))
    for data in ({}, {"csrf": "forged"}, {"csrf": session_csrf("another session")}):
        answer = client.post(path, data={**data, "reason": "x", "text": "x", "fingerprint": "x"})
        assert answer.status_code == 403 and "CSRF" in answer.text
    assert len(audit_events(site, "approved")) + len(audit_events(site, "commented")) == before


def test_every_post_route_checks_csrf(site):
    """Meta-test: the routes that take POST are exactly the ones tested above."""
    _, _, settings = site
    posts = {r.path for r in create_app(settings).routes if "POST" in (r.methods or ())}
    assert posts == {"/login", "/logout", "/items/{item}/approve", "/items/{item}/reject",
                     "/items/{item}/comment", "/months/{month}/signoff", "/months/{month}/approve"}


def test_a_post_from_another_site_is_refused_even_with_the_token(site):
    client = signed_in(site, "bob")
    answer = client.post("/items/R-0009/comment", data={"csrf": csrf_of(client), "text": "hi"},
                         headers={"origin": "http://evil.example"})
    assert answer.status_code == 403 and "another site" in answer.text


def test_get_cannot_change_state(site):
    client = signed_in(site, "bob")
    before = len(audit_events(site, "approved"))
    for path in ("/items/R-0009/approve", "/items/R-0009/reject", "/months/2026-05/signoff", "/logout"):
        assert client.get(path).status_code == 405
    assert client.get("/items/R-0009/approve?csrf=" + csrf_of(client)).status_code == 405
    assert len(audit_events(site, "approved")) == before
    assert client.get("/months/2026-05").status_code == 200        # still signed in


def test_a_reviewer_approves_with_the_fingerprint_shown(site):
    client = signed_in(site, "bob")
    item = item_with(site, lambda i: i["key"] == "je.self_approved/US01")
    page = client.get(f"/items/{item['id']}")
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', page.text).group(1)
    assert fingerprint == item["content_sha256"]
    done = client.post(f"/items/{item['id']}/approve", data={"csrf": csrf_of(client), "fingerprint": fingerprint})
    assert done.status_code == 303 and done.headers["location"] == f"/items/{item['id']}?done=approved"
    decided = client.get(done.headers["location"]).text
    assert re.search(r'id="decision"><span class="badge approved">approved</span> by <strong>bob</strong>', decided)
    approval = audit_events(site, "approved")[-1]
    assert approval["actor"] == "bob" and json.loads(approval["details"])["content_sha256"] == fingerprint


def test_a_stale_fingerprint_is_409(site):
    client = signed_in(site, "bob")
    item = item_with(site, lambda i: i["kind"] == "skill")
    answer = client.post(f"/items/{item['id']}/approve",
                         data={"csrf": csrf_of(client), "fingerprint": "0" * 64})
    assert answer.status_code == 409 and "what you were shown" in answer.text
    missing = client.post(f"/items/{item['id']}/approve", data={"csrf": csrf_of(client)})
    assert missing.status_code == 409 and "no fingerprint was sent" in missing.text
    assert item_with(site, lambda i: i["id"] == item["id"])["status"] == "pending"


def test_a_second_reviewer_on_a_decided_item_gets_409(site):
    bob, dan = signed_in(site, "bob"), signed_in(site, "dan")
    item = item_with(site, lambda i: i["kind"] == "skill")
    data = {"fingerprint": item["content_sha256"]}
    assert bob.post(f"/items/{item['id']}/approve", data={**data, "csrf": csrf_of(bob)}).status_code == 303
    late = dan.post(f"/items/{item['id']}/approve", data={**data, "csrf": csrf_of(dan)})
    assert late.status_code == 409 and "already approved by bob" in late.text and "Conflict" in late.text


def test_the_preparer_cannot_approve_their_own_item_and_the_attempt_is_audited(site):
    """ana ran the close and is a preparer; see below for a reviewer who ran one."""
    ana = signed_in(site, "ana")
    item = item_with(site, lambda i: i["kind"] == "skill")
    answer = ana.post(f"/items/{item['id']}/approve",
                      data={"csrf": csrf_of(ana), "fingerprint": item["content_sha256"]})
    assert answer.status_code == 403 and "ana is a preparer and cannot approve" in answer.text
    refusal = audit_events(site, "refused")[-1]
    assert refusal["actor"] == "ana" and refusal["item"] == item["id"]
    assert json.loads(refusal["details"])["action"] == "approve"


def test_separation_of_duties_holds_for_a_reviewer_who_ran_the_close(site, tmp_path):
    """bob runs a close himself (a new version of one item), then tries to approve it."""
    from close.review.queue import queue
    from close.review.store import connect as store
    from close.review.views import show

    _, ws, _ = site
    item = item_with(site, lambda i: i["kind"] == "skill")
    con = store(ws)
    try:
        content = show(con, item["id"])["content"]
        content["summary"] = "re-run by bob"
        doc = {"month": "2026-05", "pack": {"name": "Mini Group", "sha256": "b" * 64},
               "scope": {"complete": False}, "skills": [content]}
        queue(con, doc, user="bob", pack_path="p")
        new = item_with(site, lambda i: i["key"] == item["key"])
    finally:
        con.close()
    bob = signed_in(site, "bob")
    answer = bob.post(f"/items/{new['id']}/approve",
                      data={"csrf": csrf_of(bob), "fingerprint": new["content_sha256"]})
    assert answer.status_code == 403 and f"bob cannot approve {new['id']}" in answer.text
    assert json.loads(audit_events(site, "refused")[-1]["details"])["refusal"] == "SeparationOfDuties"
    old = bob.post(f"/items/{item['id']}/approve",
                   data={"csrf": csrf_of(bob), "fingerprint": item["content_sha256"]})
    assert old.status_code == 409 and "was replaced by" in old.text


def test_reject_needs_a_reason_and_comment_needs_text(site):
    bob = signed_in(site, "bob")
    item = item_with(site, lambda i: i["kind"] == "skill")
    empty = bob.post(f"/items/{item['id']}/reject",
                     data={"csrf": csrf_of(bob), "fingerprint": item["content_sha256"], "reason": "  "})
    assert empty.status_code == 400 and "needs --reason" in empty.text
    rejected = bob.post(f"/items/{item['id']}/reject", data={
        "csrf": csrf_of(bob), "fingerprint": item["content_sha256"], "reason": "no support <b>attached</b>"})
    assert rejected.status_code == 303
    page = bob.get(f"/items/{item['id']}").text
    assert "no support &lt;b&gt;attached&lt;/b&gt;" in page and "<b>attached</b>" not in page
    assert bob.post(f"/items/{item['id']}/comment", data={"csrf": csrf_of(bob), "text": ""}).status_code == 400
    assert bob.post(f"/items/{item['id']}/comment", data={"csrf": csrf_of(bob), "text": "ok"}).status_code == 303


def test_only_a_controller_signs_off_and_only_when_all_is_approved(site):
    bob, carol = signed_in(site, "bob"), signed_in(site, "carol")
    early = carol.post("/months/2026-05/signoff", data={"csrf": csrf_of(carol)})
    assert early.status_code == 403 and "are not approved" in early.text
    _, ws, _ = site
    from close.review.views import list_items

    con = connect(ws)
    try:
        items = list_items(con, month="2026-05")
    finally:
        con.close()
    for i in items:
        extra = {"note": "checked", "accept_unverified": "yes"} if i["unverified"] else {}
        done = bob.post(f"/items/{i['id']}/approve",
                        data={"csrf": csrf_of(bob), "fingerprint": i["content_sha256"], **extra})
        assert done.status_code == 303, done.text
    reviewer = bob.post("/months/2026-05/signoff", data={"csrf": csrf_of(bob)})
    assert reviewer.status_code == 403 and "bob is a reviewer and cannot sign off" in reviewer.text
    signed = carol.post("/months/2026-05/signoff", data={"csrf": csrf_of(carol), "note": "May done"})
    assert signed.status_code == 303, signed.text
    page = carol.get("/months/2026-05").text
    assert "Signed off by <strong>carol</strong>" in page
    verify = carol.get("/audit/verify")
    assert verify.status_code == 200 and "The audit chain is intact" in verify.text
    assert "checked against" in verify.text        # the lock files beside the books and outputs


def test_item_page_shows_the_evidence(site):
    bob = signed_in(site, "bob")
    item = item_with(site, lambda i: i["key"] == "je.self_approved/US01")
    page = bob.get(f"/items/{item['id']}").text
    assert "journal_lines:JE-9" in page and 'href="/refs/journal_lines%3AJE-9"' in page
    assert "JE-9 line 1" in page                  # the lines behind the ref, inline
    assert "300.00" in page and "queued" in page  # an amount and the history
    lines = bob.get("/refs/journal_lines%3AJE-9")
    assert lines.status_code == 200 and lines.text.count("JE-9 line") == 2
    section = item_with(site, lambda i: i["kind"] == "section")
    draft = bob.get(f"/items/{section['id']}").text
    assert '<mark class="verified" title="verified:' in draft


def test_month_page_filters_and_counts(site):
    bob = signed_in(site, "bob")
    page = bob.get("/months/2026-05").text
    assert "Monthly Financial Review" in page and 'id="filter-pending"' in page
    total = int(re.search(r'id="filter-all"[^>]*>all <span class="count">(\d+)', page).group(1))
    journal = bob.get("/months/2026-05?area=je&entity=US01").text
    assert "je.self_approved (US01)" in journal and "je.abnormal_balances (UK01)" not in journal
    mine = bob.get("/months/2026-05?show=mine").text
    assert "0 items shown" in mine
    ana = signed_in(site, "ana")
    assert f"{total} items shown" in ana.get("/months/2026-05?show=mine").text


def test_text_from_the_books_is_escaped():
    marked = mark_figures("<script>alert(1)</script> 1,000.00", [{"text": "1,000.00", "fact": "f", "value": "1000"}], [])
    assert [s["kind"] for s in marked] == [None, "verified"]
    from close.serve.app import environment

    html = environment().from_string("{% for s in p %}{{ s.text }}{% endfor %}").render(p=marked)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_logout_ends_the_session(site):
    bob = signed_in(site, "bob")
    token = bob.cookies.get("close_session")
    assert bob.post("/logout", data={"csrf": csrf_of(bob)}).status_code == 303
    bob.cookies.set("close_session", token)       # even if the browser kept the cookie
    assert bob.get("/months/2026-05").status_code == 303
    assert audit_events(site, "logged_out")[-1]["actor"] == "bob"


def test_serve_refuses_a_workspace_without_users(tmp_path):
    from typer.testing import CliRunner

    from close.cli import app

    result = CliRunner().invoke(app, ["serve", "--workspace", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "has no users" in result.stderr


def test_an_item_whose_metrics_count_lines_renders(site):
    """Statements put their lines in metrics.lines; other skills count journal lines there."""
    from close.review.queue import queue

    _, ws, _ = site
    result = {"id": "je.weekend_postings", "entity_id": "UK01", "status": "exceptions",
              "summary": "2 weekend entries", "metrics": {"lines": 4, "entries": 2},
              "findings": [{"severity": "low", "message": "posted on a Sunday", "amount": "10.00",
                            "refs": ["journal_lines:JE-3"]}]}
    con = connect(ws)
    try:
        queue(con, {"month": "2026-06", "pack": {"name": "Mini Group", "sha256": "c" * 64},
                    "scope": {"complete": False}, "skills": [result]}, user="ana", pack_path="p")
    finally:
        con.close()
    bob = signed_in(site, "bob")
    page = bob.get("/months/2026-06")
    rid = re.search(r'href="/items/(R-\d+)"', page.text).group(1)
    shown = bob.get(f"/items/{rid}")
    assert shown.status_code == 200 and "weekend" in shown.text and ">4<" in shown.text


def test_only_loopback_addresses_go_unwarned_and_hosts_are_checked(site):
    from close.cli.serve_cmd import _loopback

    assert all(map(_loopback, ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]))
    assert not any(map(_loopback, ["0.0.0.0", "192.0.2.7", "example.org"]))
    _, _, settings = site
    assert {"127.0.0.1", "localhost", "testserver"} <= set(settings.allowed_hosts)
    assert "*" not in settings.allowed_hosts
