"""The page's defences, each in one place so that a test can point at it.

- Sessions: a random token in a cookie that is HttpOnly (no script reads it) and
  SameSite=Strict (no other site's page sends it); the store keeps only its SHA-256.
- CSRF: every POST carries a token in a hidden field. Signed in, it is an HMAC of the
  session token, so it needs no storage and dies with the session; at the login form,
  it must equal a random cookie set with the form (double submit). No token, 403. A POST
  whose Origin (or Sec-Fetch-Site) says it came from another site is refused as well.
- Headers on every answer: a Content-Security-Policy that allows no script at all and
  styles only from this server, no framing, no sniffing, no referrer to other sites, no
  caching.
- Login rate limiting per client address, on top of the per-name limit the store keeps
  (close.review.users), so one address cannot try many names quickly either.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

SESSION_COOKIE = "close_session"
LOGIN_CSRF_COOKIE = "close_login_csrf"
CSRF_FIELD = "csrf"

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),   # no-referrer would make browsers send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """ASGI middleware: adds HEADERS to every HTTP response, errors included."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *(h for h in HEADERS if h[0] not in names)]}
            await send(message)

        await self.app(scope, receive, with_headers)


def session_csrf(session_token: str) -> str:
    """The CSRF token of a session: only whoever holds the session cookie can compute it."""
    return hmac.new(session_token.encode("utf-8"), b"close csrf", hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def cross_site(headers, host: str, scheme: str) -> bool:
    """True when the browser says the request came from another site."""
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    return origin is not None and origin != f"{scheme}://{host}"


class LoginLimiter:
    """Failed logins per client address in a sliding window; thread-safe, in memory (one
    `close serve` process; the per-name limit in the store holds across processes)."""

    def __init__(self, tries: int = 10, window_seconds: int = 15 * 60):
        self.tries, self.window = tries, window_seconds
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, key: str) -> int:
        """Seconds until the address may try again; 0 when it may now."""
        now = time.monotonic()
        with self._lock:
            failures = self._trim(key, now)
            if len(failures) < self.tries:
                return 0
            return int(failures[0] + self.window - now) + 1

    def failed(self, key: str) -> None:
        with self._lock:
            self._trim(key, time.monotonic()).append(time.monotonic())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
