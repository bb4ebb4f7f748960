"""Sign-off locks a month once every current item is approved; reopening is recorded."""
import pytest

from close.review import MonthLocked, NotReady, check_month_open, queue_run
from close.review.decisions import approve, comment, reject
from close.review.errors import NotPermitted, SingleUserMode
from close.review.signoff import NotAController, sign_off
from close.review.views import review_state
from tests.review.docs import make_doc, skill, standard_doc


def approve_all(con, *ids):
    for item in ids:
        approve(con, item, user="bob", note="checked", accept_unverified=True)


@pytest.fixture
def queued(workspace, people):
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    return people


def test_signoff_refused_until_every_current_item_is_approved(queued):
    approve_all(queued, "R-0001", "R-0002", "R-0003")
    with pytest.raises(NotReady, match=r"1 of 4 items are not approved \(R-0004 pending\)"):
        sign_off(queued, "2026-05", user="carol")
    reject(queued, "R-0004", user="bob", reason="no support")
    with pytest.raises(NotReady, match=r"R-0004 rejected"):
        sign_off(queued, "2026-05", user="carol")
    assert review_state(queued, "2026-05")["locked"] is False


def test_signoff_without_any_close_is_refused(people):
    store = people
    with pytest.raises(NotReady, match="no close has been queued for it"):
        sign_off(store, "2026-05", user="carol")


def test_month_with_a_clean_close_can_be_signed_off(workspace, people):
    store = people
    state = queue_run(make_doc(skills=[skill("recon.bank", status="pass")]), workspace=workspace,
                      user="ana", pack_path="p")
    assert state["readiness"]["total"] == 0
    assert sign_off(store, "2026-05", user="carol")["items"] == []


def test_signoff_locks_the_month_and_reopen_needs_a_reason(workspace, queued):
    approve_all(queued, "R-0001", "R-0002", "R-0003", "R-0004")
    result = sign_off(queued, "2026-05", user="carol", note="May close done")
    assert result["items"] == ["R-0001", "R-0002", "R-0003", "R-0004"]
    assert review_state(queued, "2026-05")["locked"] is True
    assert review_state(queued, "2026-05")["readiness"]["share"] == "100.0"

    with pytest.raises(MonthLocked) as err:
        check_month_open(workspace, "2026-05", user="ana")
    assert isinstance(err.value, ValueError)
    message = str(err.value)
    assert "\n" not in message and "2026-05 was signed off by carol" in message and "--reopen" in message
    with pytest.raises(MonthLocked):
        check_month_open(workspace, "2026-05", user="ana", reopen_reason="   ")
    with pytest.raises(MonthLocked):
        queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    with pytest.raises(MonthLocked):
        sign_off(queued, "2026-05", user="carol")
    # Other months are not affected.
    check_month_open(workspace, "2026-06", user="ana")

    # With users, reopening takes the controller role: close.toml's list does not make one.
    with pytest.raises(NotPermitted, match="ana is a preparer and cannot reopen"):
        check_month_open(workspace, "2026-05", user="ana", reopen_reason="late supplier invoice",
                         controllers=["ana"])
    check_month_open(workspace, "2026-05", user="erin", reopen_reason="late supplier invoice")
    assert review_state(queued, "2026-05")["locked"] is False
    reopened = queued.execute("SELECT * FROM audit_log WHERE event = 'reopened'").fetchone()
    assert reopened["actor"] == "erin" and "late supplier invoice" in reopened["details"]
    actions = queued.execute("SELECT action, user, reason FROM month_actions ORDER BY n").fetchall()
    assert [tuple(a) for a in actions] == [("signed_off", "carol", "May close done"),
                                          ("reopened", "erin", "late supplier invoice")]
    # Still all approved after reopening on unchanged books: it can be signed off again.
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    sign_off(queued, "2026-05", user="carol")


def test_locked_month_takes_comments_and_reopened_changes_need_review(workspace, people):
    store = people
    queue_run(make_doc(skills=[skill("recon.bank")]), workspace=workspace, user="ana", pack_path="p")
    approve(store, "R-0001", user="bob")
    sign_off(store, "2026-05", user="carol")
    comment(store, "R-0001", user="dan", text="for next month: automate this")
    check_month_open(workspace, "2026-05", user="carol", reopen_reason="restatement",
                     controllers=["carol"])
    changed = make_doc(skills=[skill("recon.bank", amount="9.99"), skill("recon.ar")])
    queue_run(changed, workspace=workspace, user="ana", pack_path="p")
    with pytest.raises(NotReady, match=r"2 of 2 items are not approved \(R-0002 pending, R-0003 pending\)"):
        sign_off(store, "2026-05", user="carol")
    assert store.execute("SELECT COUNT(*) FROM comments").fetchone()[0] == 1


def test_reopening_an_open_month_records_nothing(workspace, store):
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    check_month_open(workspace, "2026-05", user="ana", reopen_reason="just in case")
    assert store.execute("SELECT COUNT(*) FROM month_actions").fetchone()[0] == 0


def test_check_month_open_leaves_a_fresh_workspace_untouched(tmp_path):
    check_month_open(tmp_path / "ws", "2026-05", user="ana")
    assert not (tmp_path / "ws").exists()


def test_without_users_sign_off_is_refused_and_recorded(workspace, store):
    """Single-user mode: names are taken at their word, so nobody can sign off."""
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")]), workspace=workspace,
              user="ana", pack_path="p")
    with pytest.raises(SingleUserMode, match="single-user mode"):
        sign_off(store, "2026-05", user="carol")
    refused = store.execute("SELECT actor, details FROM audit_log WHERE event = 'refused'").fetchone()
    assert refused["actor"] == "carol" and "single-user mode" in refused["details"]


@pytest.mark.parametrize("who", ["ana", "bob", "dan", "mallory"])
def test_with_users_only_an_active_controller_signs_off(workspace, people, who):
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")]), workspace=workspace,
              user="ana", pack_path="p")
    with pytest.raises(NotPermitted):
        sign_off(people, "2026-05", user=who)
    assert sign_off(people, "2026-05", user="carol")["signed_off_by"] == "carol"
