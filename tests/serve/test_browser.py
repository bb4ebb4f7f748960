"""The review page in a real browser (headless Chromium): what a reviewer and a controller
do, click by click, with the page's own forms (it has no JavaScript)."""
import re

import pytest

from tests.support.people import PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def sign_in(page, live, name):
    page.set_default_timeout(10_000)
    page.goto(f"{live}/")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(r"/months/2026-05"))
    assert page.inner_text(".whoami") == name


def test_a_reviewer_follows_a_finding_to_its_journal_lines_and_approves(page, live):
    sign_in(page, live, "bob")
    page.click("tr:has-text('je.self_approved (US01)') a")
    assert page.inner_text("#item-status").strip().lower() == "pending"
    assert "Findings" in page.inner_text("main")
    page.click("table.findings a.ref:has-text('journal_lines:JE-9')")
    page.wait_for_url(re.compile(r"/refs/journal_lines%3AJE-9$"))
    rows = page.locator("#ref-rows tbody tr")
    assert rows.count() == 2
    assert "JE-9 line 1" in rows.nth(0).inner_text() and "300.00" in page.inner_text("#ref-rows")
    page.go_back()
    page.fill("#approve-form input[name=note]", "JE-9 support seen")
    page.click("#approve")
    assert page.inner_text("#done").startswith("Done: approved")
    assert page.inner_text("#item-status").strip().lower() == "approved"
    assert "by bob" in page.inner_text("#decision")
    page.click("a:has-text('2026-05')")
    row = page.locator("tr:has-text('je.self_approved (US01)')")
    assert "approved" in row.locator("td.status").inner_text().lower()


def test_a_second_reviewer_on_a_stale_page_sees_the_conflict(browser, live):
    bob, dan = browser.new_context().new_page(), browser.new_context().new_page()
    sign_in(bob, live, "bob")
    sign_in(dan, live, "dan")
    for page in (bob, dan):
        page.click("tr:has-text('je.round_amounts (US01)') a")
    bob.click("#approve")
    assert bob.inner_text("#item-status").strip().lower() == "approved"
    dan.click("#approve")                              # dan's page still shows it pending
    error = dan.inner_text("#error")
    assert error.startswith("Conflict (409)") and "already approved by bob" in error
    assert "by bob" in dan.inner_text("#decision")    # the page now shows what happened


def test_a_controller_signs_off_after_every_approval(browser, live):
    bob = browser.new_context().new_page()
    sign_in(bob, live, "bob")
    ids = bob.eval_on_selector_all("table.queue td.mono a", "links => links.map(a => a.textContent)")
    assert len(ids) > 5
    for item in ids:
        bob.goto(f"{live}/items/{item}")
        if bob.locator("input[name=accept_unverified]").count():
            bob.check("input[name=accept_unverified]")
            bob.fill("#approve-form input[name=note]", "figures agreed to the books")
        bob.click("#approve")
        assert bob.inner_text("#item-status").strip().lower() == "approved", item
    carol = browser.new_context().new_page()
    sign_in(carol, live, "carol")
    assert carol.inner_text("#approved-count") == f"{len(ids)} / {len(ids)}"
    carol.fill("#sign-off input[name=note]", "May closed")
    carol.click("button:has-text('Sign off 2026-05')")
    assert "Signed off by carol" in carol.inner_text("#signed-off")
    carol.click("text=Verify the chain")
    assert carol.inner_text("#verdict").startswith("The audit chain is intact")
