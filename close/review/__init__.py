"""Review queue, sign-off and the audit trail."""


def check_month_open(workspace, month, *, user, reopen_reason=None) -> None:
    return None


def queue_run(doc, *, workspace, user, pack_path) -> dict | None:
    return None
