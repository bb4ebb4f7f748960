"""Users: who may act, proven by a password, with a role that says what they may do.

Without users, close cannot tell people apart: whoever runs it names themselves (`--as`,
CLOSE_USER, the login name), so a preparer could approve their own work by typing
another name. That is single-user mode, said plainly in every output, and sign-off is
refused in it: a month is only signed off by a person who proved who they are.

Once a workspace has a user, every acting command needs one: `close login` (a token in
the user's config dir) on the command line, a session on the page (`close serve`). The
first user is a controller; after that only an active controller adds or disables users.
Roles, each allowing what the one before allows:

- preparer: runs closes and comments;
- reviewer: also approves and rejects (never an item they prepared: decisions.py);
- controller: also signs off, reopens signed-off months and manages users.

Everything is append-only like the rest of the store: disabling a user appends a row,
a password is kept only as its argon2id hash, a token only as its SHA-256, and every
user change, login and logout is in the audit trail, where `close audit verify` checks
the store against it (a user slipped into the table by hand shows there).
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from close.identity import identity_key
from close.review import audit, refusals
from close.review.errors import BadLogin, NotLoggedIn, NotPermitted, SingleUserMode, UsageError
from close.review.store import now, writing

ROLES = ("preparer", "reviewer", "controller")
# What each role may do; a role may do everything the roles before it may.
ACTIONS = {
    "run": "preparer", "comment": "preparer",
    "approve": "reviewer", "reject": "reviewer",
    "sign off": "controller", "reopen": "controller", "manage users": "controller",
}
MIN_PASSWORD = 10
MAX_NAME = 64
TOKEN_HOURS = {"cli": 12, "web": 8}
# Failed logins for one name within the window before close stops checking passwords
# for it (each failure is an audit record, so this holds across processes).
LOGIN_TRIES, LOGIN_WINDOW_MINUTES = 5, 15

SINGLE_USER_NOTE = (
    "single-user mode: no users are set up in this workspace, so the acting person is "
    "taken at their word (--as, CLOSE_USER or the login name) and sign-off is refused; "
    "`close users add NAME --role controller` sets up users")

# argon2id with the library's RFC 9106 low-memory profile. Tests swap in a cheap hasher.
HASHER = PasswordHasher()
# A hash to verify against when the name is unknown, so a wrong name costs as long as a
# wrong password and the timing does not tell which names exist.
_DUMMY: list[str] = []


@dataclass(frozen=True)
class User:
    n: int
    name: str
    role: str
    active: bool
    added_by: str
    added_at: str
    disabled_by: str | None = None
    disabled_at: str | None = None

    def may(self, action: str) -> bool:
        return self.active and ROLES.index(self.role) >= ROLES.index(ACTIONS[action])

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "active": self.active,
                "added_by": self.added_by, "added_at": self.added_at,
                "disabled_by": self.disabled_by, "disabled_at": self.disabled_at}


USER_SQL = """
SELECT u.n, u.name, u.role, u.added_by, u.at, u.password_hash,
       d.disabled_by, d.at AS disabled_at
FROM users u LEFT JOIN user_disabled d ON d.user_n = u.n
"""


def _user(row) -> User:
    return User(row["n"], row["name"], row["role"], row["disabled_at"] is None, row["added_by"],
                row["at"], row["disabled_by"], row["disabled_at"])


def configured(con: sqlite3.Connection | None) -> bool:
    """True once the workspace has any user (disabled ones included): from then on,
    nobody acts without logging in."""
    if con is None:
        return False
    return con.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def list_users(con: sqlite3.Connection | None) -> list[User]:
    if con is None:
        return []
    return [_user(r) for r in con.execute(USER_SQL + " ORDER BY u.n")]


def find(con: sqlite3.Connection, name: str) -> User | None:
    """The user whose name reads as `name` (case, spacing and look-alike letters aside)."""
    row = con.execute(USER_SQL + " WHERE u.name_key = ?", (identity_key(name),)).fetchone()
    return None if row is None else _user(row)


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UsageError("a user needs a name")
    if len(name) > MAX_NAME:
        raise UsageError(f"a user's name has at most {MAX_NAME} characters")
    if any(not ch.isprintable() for ch in name):
        raise UsageError("a user's name cannot hold control or invisible characters")
    return name


def add_user(con: sqlite3.Connection, name: str, role: str, password: str, *, by: str) -> User:
    """Add a user. The first one must be a controller (someone has to be able to add the
    rest and sign off); after that only an active controller adds users."""
    name = check_name(name)
    if role not in ROLES:
        raise UsageError(f"--role {role!r}: choose one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise UsageError(f"a password needs at least {MIN_PASSWORD} characters")
    password_hash = HASHER.hash(password)  # slow on purpose: outside the write lock
    with refusals.recorded(con, actor=by, action=f"add user {name}"), writing(con):
        if configured(con):
            authorize(con, by, "manage users")
        elif role != "controller":
            raise UsageError(f"the first user must be a controller (--role controller): "
                             f"someone has to add the others and sign off")
        existing = find(con, name)
        if existing is not None:
            raise UsageError(f"{name!r} is already a user (as {existing.name!r}): names that "
                             f"read the same are one person")
        con.execute("INSERT INTO users (name, name_key, role, password_hash, added_by, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (name, identity_key(name), role, password_hash, by, now()))
        audit.append(con, actor=by, event="user_added", details={"name": name, "role": role})
        return find(con, name)


def disable_user(con: sqlite3.Connection, name: str, *, by: str, reason: str | None = None) -> User:
    """Disable a user for good: their tokens and sessions stop working at once. The last
    active controller cannot be disabled (nobody could sign off or add users again)."""
    reason = (reason or "").strip() or None
    with refusals.recorded(con, actor=by, action=f"disable user {str(name)[:MAX_NAME]}"), writing(con):
        authorize(con, by, "manage users")
        user = find(con, name)
        if user is None:
            raise UsageError(f"no user {name!r}")
        if not user.active:
            raise UsageError(f"{user.name} was already disabled by {user.disabled_by} at {user.disabled_at}")
        controllers = [u for u in list_users(con) if u.active and u.role == "controller"]
        if user.role == "controller" and len(controllers) == 1:
            raise NotPermitted(f"{user.name} is the last active controller: add another "
                               f"controller before disabling them")
        con.execute("INSERT INTO user_disabled (user_n, disabled_by, reason, at) VALUES (?, ?, ?, ?)",
                    (user.n, by, reason, now()))
        audit.append(con, actor=by, event="user_disabled", details={"name": user.name, "reason": reason})
        return find(con, name)


def authorize(con: sqlite3.Connection, user: str, action: str) -> User | None:
    """The active user allowed to do `action`, or None in single-user mode (anyone may do
    anything but sign off). Raises NotPermitted for an unknown, disabled or too junior
    user, SingleUserMode for a sign-off without users."""
    if not configured(con):
        if action == "sign off":
            raise SingleUserMode(
                f"{user} cannot sign off: this workspace is in single-user mode (no users "
                f"are set up), so nobody's identity is proven; add users with `close users "
                f"add NAME --role controller` and sign off as a logged-in controller")
        return None
    found = find(con, user)
    if found is None:
        raise NotPermitted(f"{user!r} is not a user of this workspace; a controller adds "
                           f"users with `close users add`")
    if not found.active:
        raise NotPermitted(f"{found.name} was disabled by {found.disabled_by} at {found.disabled_at}")
    if not found.may(action):
        allowed = ", ".join(r for r in ROLES if ROLES.index(r) >= ROLES.index(ACTIONS[action]))
        raise NotPermitted(f"{found.name} is a {found.role} and cannot {action}: that takes "
                           f"the role {' or '.join(allowed.split(', '))}")
    return found


def check(con: sqlite3.Connection, user: str, action: str, *, month: str | None = None,
          item: str | None = None) -> User | None:
    """authorize(), with a refusal written to the audit trail."""
    with refusals.recorded(con, actor=user, action=action, month=month, item=item):
        return authorize(con, user, action)


def authenticate(con: sqlite3.Connection, name: str, password: str) -> User:
    """The active user with this name and password; BadLogin otherwise, recorded. After
    LOGIN_TRIES failures for a name within the window, its password is not even checked."""
    shown = " ".join(str(name or "").split())[:MAX_NAME] or "(no name)"
    with refusals.recorded(con, actor=shown, action="log in"):
        row = con.execute(USER_SQL + " WHERE u.name_key = ?", (identity_key(shown),)).fetchone()
        actor = row["name"] if row is not None else shown
        if _recent_failures(con, actor) >= LOGIN_TRIES:
            raise BadLogin(f"too many failed logins for {actor}: try again in "
                           f"{LOGIN_WINDOW_MINUTES} minutes")
        if not _password_matches(row["password_hash"] if row is not None else None, password):
            raise BadLogin("that name and password do not match an active user")
        user = _user(row)
        if not user.active:
            raise BadLogin(f"{user.name} was disabled by {user.disabled_by} at {user.disabled_at}")
        return user


def _password_matches(stored: str | None, password: str) -> bool:
    if stored is None:
        if not _DUMMY:
            _DUMMY.append(HASHER.hash(secrets.token_hex(16)))
        stored = _DUMMY[0]
        password = ""
    try:
        return HASHER.verify(stored, password or "") and bool(password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _recent_failures(con, actor: str) -> int:
    since = (datetime.now(timezone.utc) - timedelta(minutes=LOGIN_WINDOW_MINUTES)
             ).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return con.execute(
        "SELECT COUNT(*) FROM audit_log WHERE event = 'refused' AND at >= ? AND actor = ? "
        "AND json_extract(details, '$.action') = 'log in'", (since, actor)).fetchone()[0]


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_id(digest: str) -> str:
    """The part of a token's hash the audit trail shows: enough to tell tokens apart."""
    return digest[:16]


def issue_token(con: sqlite3.Connection, user: User, kind: str, *, hours: int | None = None) -> tuple[str, str]:
    """A new random token for the user ('cli' for `close login`, 'web' for a page session)
    and its expiry. Only its SHA-256 is stored; the login is audited."""
    token = "close_" + secrets.token_urlsafe(32)
    digest = token_sha256(token)
    issued = datetime.now(timezone.utc)
    expires = (issued + timedelta(hours=hours or TOKEN_HOURS[kind])).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with writing(con):
        current = find(con, user.name)
        if current is None or not current.active:
            raise BadLogin(f"{user.name} is not an active user")
        con.execute("INSERT INTO tokens (token_sha256, user_n, kind, issued_at, expires_at) "
                    "VALUES (?, ?, ?, ?, ?)", (digest, current.n, kind, now(), expires))
        audit.append(con, actor=current.name, event="logged_in",
                     details={"token": token_id(digest), "via": kind, "expires_at": expires})
    return token, expires


def token_user(con: sqlite3.Connection | None, token: str | None, kind: str | None = None) -> User:
    """The active user a token belongs to; NotLoggedIn when it is missing, unknown,
    ended, expired, of another kind, or its user was disabled."""
    if con is None or not token:
        raise NotLoggedIn("not logged in: this workspace has users; log in with `close login NAME`")
    row = con.execute(
        "SELECT t.kind, t.expires_at, t.user_n, (e.token_sha256 IS NOT NULL) AS ended "
        "FROM tokens t LEFT JOIN token_ends e ON e.token_sha256 = t.token_sha256 "
        "WHERE t.token_sha256 = ?", (token_sha256(token),)).fetchone()
    if row is None or row["ended"] or (kind is not None and row["kind"] != kind):
        raise NotLoggedIn("not logged in (the token is unknown or was logged out); log in "
                          "with `close login NAME`")
    if row["expires_at"] <= now():
        raise NotLoggedIn(f"the login expired at {row['expires_at']}; log in again with `close login NAME`")
    user = _user(con.execute(USER_SQL + " WHERE u.n = ?", (row["user_n"],)).fetchone())
    if not user.active:
        raise NotLoggedIn(f"{user.name} was disabled by {user.disabled_by} at {user.disabled_at}")
    return user


def end_token(con: sqlite3.Connection, token: str) -> bool:
    """Log a token out for good; False when it was unknown or already ended."""
    digest = token_sha256(token)
    with writing(con):
        row = con.execute("SELECT t.user_n, u.name FROM tokens t JOIN users u ON u.n = t.user_n "
                          "LEFT JOIN token_ends e ON e.token_sha256 = t.token_sha256 "
                          "WHERE t.token_sha256 = ? AND e.token_sha256 IS NULL", (digest,)).fetchone()
        if row is None:
            return False
        con.execute("INSERT INTO token_ends (token_sha256, at) VALUES (?, ?)", (digest, now()))
        audit.append(con, actor=row["name"], event="logged_out", details={"token": token_id(digest)})
    return True
