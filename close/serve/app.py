"""The review page: a Starlette app over the workspace's review store.

Every rule is the review store's own (close.review: decisions, signoff, users), called
with the user of the session, so the page can do nothing the command line would refuse,
and a request crafted by hand meets the same checks as a button. The page adds what a
browser needs: sessions, CSRF tokens, the fingerprint of what a reviewer was shown, and
answers with the right status (303 after a change, 400 bad request, 403 refused or no
CSRF token, 409 conflict: decided, replaced or changed since the page loaded, 429 too
many logins). GET never changes anything; every change is a POST form that works
without JavaScript (the page has none).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from close.report.jinja import templates_dir
from close.report.numbers import money
from close.review.errors import (AlreadyDecided, NotCurrent, NotLoggedIn, Refused, ReviewError,
                                 UsageError, ViewChanged)
from close.serve import security, views
from close.serve.ledger import lines_for

CONFLICTS = (AlreadyDecided, NotCurrent, ViewChanged)
BULK_FIELD = "approve-"      # the month page's checkbox per pending item: approve-R-0007
STATIC = {"mfr.css": "mfr.css", "serve.css": "serve/serve.css"}
REFS_SHOWN = 40


@dataclass
class Settings:
    """What the command line hands the page: where the store and the books are, and the
    checks that need the engine (the books' sha256 for sign-off, the anchor files)."""

    workspace: Path
    ledger_db: Path | None = None
    books_sha256: Callable[[str], str | None] | None = None
    anchors: Callable[[sqlite3.Connection], tuple[list, list[str]]] | None = None
    allowed_hosts: list[str] = field(default_factory=lambda: ["127.0.0.1", "localhost", "[::1]"])
    secure_cookies: bool = False
    login_tries_per_address: int = 10


def create_app(settings: Settings) -> Starlette:
    page = Page(settings)
    routes = [
        Route("/", page.home, methods=["GET"]),
        Route("/login", page.login_form, methods=["GET"]),
        Route("/login", page.login, methods=["POST"]),
        Route("/logout", page.logout, methods=["POST"]),
        Route("/months/{month}", page.month, methods=["GET"]),
        Route("/months/{month}/signoff", page.signoff, methods=["POST"]),
        Route("/months/{month}/approve", page.approve_selected, methods=["POST"]),
        Route("/items/{item}", page.item, methods=["GET"]),
        Route("/items/{item}/approve", page.approve, methods=["POST"]),
        Route("/items/{item}/reject", page.reject, methods=["POST"]),
        Route("/items/{item}/comment", page.comment, methods=["POST"]),
        Route("/refs/{ref:path}", page.ref, methods=["GET"]),
        Route("/audit", page.audit, methods=["GET"]),
        Route("/audit/verify", page.verify, methods=["GET"]),
        Route("/static/{name}", page.static, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
    ]
    middleware = [Middleware(security.SecurityHeaders),
                  Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)]
    return Starlette(routes=routes, middleware=middleware)


def environment() -> Environment:
    # Results documents leave optional fields out (a skill has no paragraphs, a section
    # no findings), so a missing field is blank, not an error. Everything is escaped.
    env = Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = _money
    env.filters["short"] = lambda v, n=12: (str(v)[:n] if v else "")
    env.globals["quote"] = lambda v: quote(str(v), safe="")
    return env


def _money(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return money(value)
    except (ValueError, ArithmeticError, TypeError):
        return str(value)


class Page:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.env = environment()
        self.limiter = security.LoginLimiter(settings.login_tries_per_address)

    # -- plumbing -------------------------------------------------------------------

    def connect(self) -> sqlite3.Connection:
        from close.review.store import connect

        return connect(self.settings.workspace)

    def render(self, template: str, status: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(f"serve/{template}.html.j2").render(**context)
        return HTMLResponse(html, status_code=status)

    def session_user(self, request: Request, con: sqlite3.Connection):
        from close.review.users import token_user

        return token_user(con, request.cookies.get(security.SESSION_COOKIE), "web")

    def base(self, request: Request, con, user) -> dict:
        token = request.cookies.get(security.SESSION_COOKIE, "")
        return {"user": user, "csrf": security.session_csrf(token), "months": views.months(con),
                "flash": request.query_params.get("done"), "error": None}

    def to_login(self, request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    async def signed_in(self, request: Request, view):
        """Run view(con, user, context) for the session's user, in a worker thread (the
        store and argon2 block); no valid session, to the login page."""
        def work():
            con = self.connect()
            try:
                try:
                    user = self.session_user(request, con)
                except NotLoggedIn:
                    return self.to_login(request)
                return view(con, user, self.base(request, con, user))
            finally:
                con.close()
        return await run_in_threadpool(work)

    async def posted(self, request: Request, action):
        """A POST: from this site, with the session's CSRF token (else 403), by a signed-in
        user; action(con, user, form) returns the response. Review refusals become pages
        with their status: 409 for conflicts, 400 for bad requests, 403 for the rest."""
        if security.cross_site(request.headers, request.headers.get("host", ""), request.url.scheme):
            return PlainTextResponse("refused: this form was sent from another site", status_code=403)
        form = await request.form()
        token = request.cookies.get(security.SESSION_COOKIE)
        if not token or not security.same(form.get(security.CSRF_FIELD),
                                          security.session_csrf(token)):
            return PlainTextResponse("refused: the form's CSRF token is missing or wrong; reload "
                                     "the page and try again", status_code=403)
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}

        def work():
            con = self.connect()
            try:
                try:
                    user = self.session_user(request, con)
                except NotLoggedIn:
                    return PlainTextResponse("refused: not signed in", status_code=403)
                return action(con, user, fields)
            finally:
                con.close()
        return await run_in_threadpool(work)

    def refused_page(self, request, con, user, exc: ReviewError, *, item: str | None = None,
                     month: str | None = None) -> HTMLResponse:
        status = 409 if isinstance(exc, CONFLICTS) else 400 if isinstance(exc, UsageError) else 403
        context = self.base(request, con, user)
        context["error"] = {"message": str(exc), "status": status,
                            "conflict": isinstance(exc, CONFLICTS)}
        if item is not None:
            try:
                return self.render("item", status, **context, **self.item_context(con, item))
            except UsageError:
                pass
        if month is not None:
            return self.render("month", status, **context, page=views.month_page(con, month, user=user.name))
        return self.render("message", status, **context, title="Refused")

    # -- sign in and out --------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        return self.login_page(request)

    def login_page(self, request: Request, error: str | None = None, status: int = 200,
                   name: str = "") -> Response:
        csrf = security.new_login_csrf()
        target = _local(request.query_params.get("next"))
        response = self.render("login", status, csrf=csrf, login_error=error, error=None,
                               next=target, name=name, user=None, months=[], flash=None)
        response.set_cookie(security.LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                            secure=self.settings.secure_cookies, path="/login", max_age=3600)
        return response

    async def login(self, request: Request) -> Response:
        from close.review.users import authenticate, issue_token

        if security.cross_site(request.headers, request.headers.get("host", ""), request.url.scheme):
            return PlainTextResponse("refused: this form was sent from another site", status_code=403)
        form = await request.form()
        if not security.same(form.get(security.CSRF_FIELD), request.cookies.get(security.LOGIN_CSRF_COOKIE)):
            return PlainTextResponse("refused: the form's CSRF token is missing or wrong; reload "
                                     "the login page", status_code=403)
        address = request.client.host if request.client else "unknown"
        wait = self.limiter.retry_after(address)
        name = str(form.get("name") or "")
        if wait:
            response = self.login_page(request, f"too many failed logins from this address: try "
                                                f"again in {wait // 60 + 1} minutes", 429, name)
            response.headers["retry-after"] = str(wait)
            return response

        def work():
            con = self.connect()
            try:
                user = authenticate(con, name, str(form.get("password") or ""))
                return user, issue_token(con, user, "web")
            finally:
                con.close()
        try:
            user, (token, _) = await run_in_threadpool(work)
        except Refused as exc:
            self.limiter.failed(address)
            return self.login_page(request, str(exc), 403 if "too many" not in str(exc) else 429, name)
        self.limiter.succeeded(address)
        response = RedirectResponse(_local(str(form.get("next") or "")) or "/", status_code=303)
        response.set_cookie(security.SESSION_COOKIE, token, httponly=True, samesite="strict",
                            secure=self.settings.secure_cookies, path="/", max_age=8 * 3600)
        response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/login", httponly=True, samesite="strict")
        return response

    async def logout(self, request: Request) -> Response:
        from close.review.users import end_token

        def action(con, user, form):
            end_token(con, request.cookies.get(security.SESSION_COOKIE))
            response = RedirectResponse("/login", status_code=303)
            response.delete_cookie(security.SESSION_COOKIE, path="/", httponly=True, samesite="strict")
            return response
        return await self.posted(request, action)

    # -- pages ------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        def view(con, user, context):
            if context["months"]:
                return RedirectResponse(f"/months/{context['months'][0]}", status_code=303)
            return self.render("message", **context, title="Nothing to review",
                               message="No close has been run in this workspace yet: "
                                       "`close run --month YYYY-MM` queues its items here.")
        return await self.signed_in(request, view)

    async def month(self, request: Request) -> Response:
        month = request.path_params["month"]
        q = request.query_params

        def view(con, user, context):
            show = q.get("show", "all")
            if show not in views.FILTERS:
                show = "all"
            data = views.month_page(con, month, user=user.name, show=show,
                                    area=q.get("area") or None, entity=q.get("entity") or None)
            if not data["counts"]["all"] and data["close"] is None:
                return self.render("message", 404, **context, title=f"No close for {month}",
                                   message=f"Nothing was queued for {month} in this workspace.")
            return self.render("month", **context, page=data)
        return await self.signed_in(request, view)

    def item_context(self, con, item: str) -> dict:
        detail = views.item_page(con, item)
        refs = views.refs_of(detail["findings"], REFS_SHOWN)
        lines = lines_for(self.settings.ledger_db, refs) if refs else None
        return {"item": detail, "lines": lines, "refs_shown": REFS_SHOWN}

    async def item(self, request: Request) -> Response:
        item = request.path_params["item"]

        def view(con, user, context):
            try:
                return self.render("item", **context, **self.item_context(con, item))
            except UsageError as exc:
                return self.render("message", 404, **context, title="No such item", message=str(exc))
        return await self.signed_in(request, view)

    async def ref(self, request: Request) -> Response:
        ref = request.path_params["ref"]

        def view(con, user, context):
            lines = lines_for(self.settings.ledger_db, [ref])
            return self.render("ref", **context, ref=ref, lines=lines)
        return await self.signed_in(request, view)

    async def audit(self, request: Request) -> Response:
        from close.review.audit import records

        month, item = request.query_params.get("month") or None, request.query_params.get("item") or None

        def view(con, user, context):
            rows = records(con, month=month, item=item)
            rows.reverse()
            return self.render("audit", **context, rows=rows[:500], total=len(rows), month_filter=month,
                               item_filter=item, verdict=None)
        return await self.signed_in(request, view)

    async def verify(self, request: Request) -> Response:
        from close.review.audit import records, verify

        def view(con, user, context):
            anchors, sources = self.settings.anchors(con) if self.settings.anchors else ([], [])
            verdict = verify(con, anchors)
            rows = records(con)
            rows.reverse()
            return self.render("audit", 200 if verdict.ok else 500, **context, rows=rows[:500],
                               total=len(rows), month_filter=None, item_filter=None,
                               verdict={**verdict.to_dict(), "anchors": len(anchors), "sources": sources})
        return await self.signed_in(request, view)

    async def static(self, request: Request) -> Response:
        name = STATIC.get(request.path_params["name"])
        if name is None:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(templates_dir() / name, media_type="text/css",
                            headers={"cache-control": "no-cache"})

    # -- actions ----------------------------------------------------------------------

    async def approve(self, request: Request) -> Response:
        from close.review.decisions import approve

        return await self.decided(request, "approved", lambda con, user, item, form: approve(
            con, item, user=user.name, note=form.get("note"),
            accept_unverified=form.get("accept_unverified") == "yes",
            shown_sha256=form.get("fingerprint") or ""))

    async def reject(self, request: Request) -> Response:
        from close.review.decisions import reject

        return await self.decided(request, "rejected", lambda con, user, item, form: reject(
            con, item, user=user.name, reason=form.get("reason", ""),
            shown_sha256=form.get("fingerprint") or ""))

    async def comment(self, request: Request) -> Response:
        from close.review.decisions import comment

        return await self.decided(request, "commented", lambda con, user, item, form: comment(
            con, item, user=user.name, text=form.get("text", "")))

    async def decided(self, request: Request, done_word: str, act) -> Response:
        """One action on an item: the review rules' refusal becomes the refused page, success
        a redirect to the item (post/redirect/get)."""
        item = request.path_params["item"]

        def action(con, user, form):
            try:
                done = act(con, user, item, form)
            except ReviewError as exc:
                return self.refused_page(request, con, user, exc, item=item)
            return RedirectResponse(f"/items/{done['id']}?done={done_word}", status_code=303)
        return await self.posted(request, action)

    async def approve_selected(self, request: Request) -> Response:
        """The items ticked on the month's page (field approve-<id>, value the fingerprint
        shown), approved all or nothing (close.review.bulk)."""
        from close.review.bulk import approve_many

        month = request.path_params["month"]

        def action(con, user, form):
            shown = {key.removeprefix(BULK_FIELD): value for key, value in form.items()
                     if key.startswith(BULK_FIELD)}
            try:
                done = approve_many(con, list(shown), user=user.name, note=form.get("note"),
                                    shown=shown, month=month)
            except ReviewError as exc:
                return self.refused_page(request, con, user, exc, month=month)
            return RedirectResponse(f"/months/{month}?done=approved+{len(done)}+items", status_code=303)
        return await self.posted(request, action)

    async def signoff(self, request: Request) -> Response:
        from close.review.anchors import named_files
        from close.review.signoff import sign_off

        month = request.path_params["month"]

        def action(con, user, form):
            try:
                sign_off(con, month, user=user.name, note=form.get("note"),
                         books_sha256=self.settings.books_sha256, anchor_files=named_files(()))
            except ReviewError as exc:
                return self.refused_page(request, con, user, exc, month=month)
            return RedirectResponse(f"/months/{month}?done=signed+off", status_code=303)
        return await self.posted(request, action)


def _local(target: str | None) -> str:
    """A redirect target only when it is a path on this site (no //host, no scheme)."""
    target = (target or "").strip()
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""
