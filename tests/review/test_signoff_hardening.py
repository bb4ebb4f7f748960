"""Sign-off means something: a complete close of the current books, signed by someone who
did not run it, locked beside the outputs and the books, reopened only by a controller,
and every refused attempt on record."""
import json

import pytest

from close.review import MonthLocked, NotReady, SeparationOfDuties, check_month_open, queue_run
from close.review.audit import verify
from close.review.decisions import approve
from close.review.locks import LOCK_NAME
from close.review.errors import NotPermitted
from close.review.signoff import NotAController, sign_off
from close.review.store import connect
from tests.review.docs import make_doc, skill

SHA = "a" * 64


def books_at(sha_by_path):
    """books_sha256 as the CLI computes it, from a dict of what is on disk now."""
    return lambda path: sha_by_path.get(path)


@pytest.fixture
def closed(tmp_path, workspace, people):
    store = people
    """ana ran a complete close of 2026-05 on books at pack/, outputs in out/; bob approved."""
    pack, out = tmp_path / "pack", tmp_path / "out"
    pack.mkdir()
    out.mkdir()
    queue_run(make_doc(skills=[skill("recon.bank")]), workspace=workspace, user="ana",
              pack_path=str(pack), out_dir=str(out))
    approve(store, "R-0001", user="bob")
    return pack, out


def refusals(con):
    return [(r["actor"], json.loads(r["details"])["action"], json.loads(r["details"])["reason"])
            for r in con.execute("SELECT * FROM audit_log WHERE event = 'refused' ORDER BY seq")]


def test_a_partial_close_cannot_be_signed_off(workspace, people):
    store = people
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")], complete=False),
              workspace=workspace, user="ana", pack_path="p")
    with pytest.raises(NotReady, match="covered only some skills or entities"):
        sign_off(store, "2026-05", user="carol")
    # the latest close decides: a complete close after it can be signed off ...
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")]), workspace=workspace,
              user="ana", pack_path="p")
    # ... and a partial one after that cannot, even with the same results
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")], complete=False),
              workspace=workspace, user="ana", pack_path="p")
    with pytest.raises(NotReady, match="covered only some"):
        sign_off(store, "2026-05", user="carol")
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")]), workspace=workspace,
              user="ana", pack_path="p")
    assert sign_off(store, "2026-05", user="carol")["items"] == []


def test_a_close_with_an_errored_skill_cannot_be_signed_off(workspace, people):
    store = people
    queue_run(make_doc(skills=[skill("recon.bank", status="error")]), workspace=workspace,
              user="ana", pack_path="p")
    with pytest.raises(NotReady, match="1 skill result"):
        sign_off(store, "2026-05", user="carol")


def test_signoff_needs_the_books_the_close_ran_on(closed, store):
    pack, _ = closed
    with pytest.raises(NotReady, match="changed after the latest close"):
        sign_off(store, "2026-05", user="carol", books_sha256=books_at({str(pack): "b" * 64}))
    with pytest.raises(NotReady, match="no longer there"):
        sign_off(store, "2026-05", user="carol", books_sha256=books_at({}))
    sign_off(store, "2026-05", user="carol", books_sha256=books_at({str(pack): SHA}))


@pytest.mark.parametrize("who", ["erin", "ERIN ", "\u0435rin", "e\u200brin"])
def test_the_person_who_ran_the_close_cannot_sign_it_off(closed, workspace, store, who):
    pack, out = closed
    queue_run(make_doc(skills=[skill("recon.bank")]), workspace=workspace, user="erin",
              pack_path=str(pack), out_dir=str(out))      # a controller ran the latest close
    with pytest.raises(SeparationOfDuties, match="ran its close"):
        sign_off(store, "2026-05", user=who)
    assert refusals(store)[-1][:2] == (who, "sign off")


def test_refused_signoffs_are_recorded(workspace, people):
    store = people
    queue_run(make_doc(skills=[skill("recon.bank")]), workspace=workspace, user="ana", pack_path="p")
    with pytest.raises(NotReady):
        sign_off(store, "2026-05", user="carol")
    assert refusals(store) == [("carol", "sign off",
                                "cannot sign off 2026-05: 1 of 1 items are not approved (R-0001 pending)")]
    assert verify(store).ok


def test_signoff_locks_the_month_beside_the_outputs_and_the_books(closed, tmp_path, store):
    pack, out = closed
    anchor = tmp_path / "elsewhere" / "anchors.jsonl"
    result = sign_off(store, "2026-05", user="carol", anchor_files=[anchor])
    assert sorted(result["written"]) == sorted([str(pack / LOCK_NAME), str(out / LOCK_NAME), str(anchor)])
    entry = json.loads((out / LOCK_NAME).read_text().splitlines()[-1])
    assert (entry["event"], entry["month"], entry["by"]) == ("signed_off", "2026-05", "carol")
    assert entry["audit_head"] == verify(store).head and entry["audit_seq"] == verify(store).records

    # another workspace (or review.sqlite deleted) does not unlock the month
    other = tmp_path / "other-ws"
    with pytest.raises(MonthLocked, match="signed off by carol"):
        check_month_open(other, "2026-05", user="ana", pack_path=pack, out_dir=tmp_path / "new-out")
    with pytest.raises(MonthLocked, match="signed off by carol"):
        check_month_open(other, "2026-05", user="ana", pack_path=tmp_path / "elsewhere", out_dir=out)
    # the refusal is recorded where it was attempted
    con = connect(other)
    try:
        assert [r[1] for r in refusals(con)] == ["run or reopen", "run or reopen"]
    finally:
        con.close()
    check_month_open(other, "2026-06", user="ana", pack_path=pack, out_dir=out)   # other months run


def test_reopen_is_a_controllers_act_and_is_written_beside_the_lock(closed, tmp_path, workspace, store):
    pack, out = closed
    sign_off(store, "2026-05", user="carol")
    with pytest.raises(MonthLocked):
        check_month_open(workspace, "2026-05", user="carol", pack_path=pack, out_dir=out)
    with pytest.raises(NotPermitted, match="ana is a preparer and cannot reopen"):
        check_month_open(workspace, "2026-05", user="ana", reopen_reason="restatement",
                         controllers=["ana"], pack_path=pack, out_dir=out)
    assert refusals(store)[-1][:2] == ("ana", "run or reopen")
    # a workspace without users goes by close.toml's controllers
    with pytest.raises(NotAController, match="controllers: carol"):
        check_month_open(tmp_path / "third-ws", "2026-05", user="ana", reopen_reason="restatement",
                         controllers=["carol"], pack_path=pack, out_dir=out)
    # a controller reopens from another workspace: recorded there, unlocked everywhere
    other = tmp_path / "other-ws"
    check_month_open(other, "2026-05", user="carol", reopen_reason="restatement",
                     controllers=["carol"], pack_path=pack, out_dir=out)
    for lock in (pack / LOCK_NAME, out / LOCK_NAME):
        assert json.loads(lock.read_text().splitlines()[-1])["event"] == "reopened"
    check_month_open(other, "2026-05", user="ana", pack_path=pack, out_dir=out)
    con = connect(other)
    try:
        assert [r["event"] for r in con.execute("SELECT event FROM audit_log")] == ["reopened"]
        assert verify(con).ok
    finally:
        con.close()
