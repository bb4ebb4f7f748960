"""Shared fixtures for the narrative tests: no network, ever, and a recording mock API.

Every test runs with the real HTTP transport and sockets replaced by ones that record
the attempt and raise; the autouse fixture then fails the test if anything tried. The
Claude path is exercised through `httpx2.MockTransport`, which records each request's
JSON body so tests can assert exactly what would have been sent.
"""
from __future__ import annotations

import socket

import httpx2
import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    attempts = []

    def refuse_http(self, request):
        attempts.append(str(request.url))
        raise RuntimeError(f"network call attempted in a test: {request.url}")

    def refuse_connect(self, address):
        attempts.append(repr(address))
        raise RuntimeError(f"socket connect attempted in a test: {address!r}")

    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", refuse_http)
    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    for var in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "CLOSE_MODEL", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    yield attempts
    assert not attempts, f"tests must never reach the network: {attempts}"


@pytest.fixture
def api_key(monkeypatch):
    key = "sk-ant-test-0123456789-secret"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    return key


@pytest.fixture
def fast_retries(monkeypatch):
    """The SDK's backoff sleeps are real seconds: make them instant, and count them."""
    import anthropic._base_client as base
    slept = []
    monkeypatch.setattr(base.time, "sleep", lambda s: slept.append(s))
    return slept
