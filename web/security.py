"""HTTP security: response headers on every answer, and where a `next` link may lead."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
PERMISSIONS = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
               "accelerometer=(), gyroscope=(), magnetometer=()")
CACHEABLE_ENDPOINTS = {"static", "vendor.bpmn_js", "vendor.bundle", "vendor.editor_bundle"}


def add_security_headers(response: Response) -> Response:
    """Set the security headers; dynamic pages are never stored by browsers or proxies."""
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        # Pages carry personal data and CSRF tokens: never keep them in a cache.
        headers["Cache-Control"] = "no-store"
        headers["Vary"] = "Cookie"
    return response


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None  # browsers read '/\evil' as '//evil'; control characters are never needed
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def init_security(app: Flask) -> None:
    """Register the header hook on the app."""
    app.after_request(add_security_headers)
