"""What the review store refuses, as exceptions that carry a one-line message.

Two families, because a script calling `close` needs to tell them apart: a bad request
(an id that names nothing, an empty reason) is a usage error, exit 2; a well-formed
request that the rules forbid (approving your own work, deciding twice, signing off an
unfinished month) is a refusal, exit 1. All are ValueErrors so callers that only know
"bad input" still catch them.
"""
from __future__ import annotations


class ReviewError(ValueError):
    """Base class: str(exc) is the whole message, one line."""

    exit_code = 2


class UsageError(ReviewError):
    """The request names nothing or is incomplete: unknown item id, empty reason."""


class StoreError(ReviewError):
    """The review store cannot be opened or was written by a newer close."""


class Refused(ReviewError):
    """The request is well-formed but the review rules forbid it."""

    exit_code = 1


class AlreadyDecided(Refused):
    """Someone approved or rejected this version first; decisions are final."""


class NotCurrent(Refused):
    """A newer version replaced this item, or the books no longer raise it."""


class ViewChanged(Refused):
    """The reviewer acted on a fingerprint that is not the item's: they saw something else."""


class SeparationOfDuties(Refused):
    """The preparer of an item may not approve it."""


class UnverifiedNeedsNote(Refused):
    """An item with figures that match no fact needs --accept-unverified and a note."""


class NotReady(Refused):
    """Sign-off needs every current item approved."""


class MonthLocked(Refused):
    """The month is signed off: nothing changes until it is reopened with a reason."""


class NotPermitted(Refused):
    """The acting user's role does not allow the action (a preparer approving, a reviewer
    signing off), or the user is unknown or disabled in a workspace that has users."""


class SingleUserMode(Refused):
    """No users are set up, so nobody's identity is proven: sign-off needs real users."""


class NotLoggedIn(Refused):
    """The workspace has users and the command came with no valid token or session."""


class BadLogin(Refused):
    """A name and password that do not match an active user (or too many tries)."""
