"""``cockpit doctor``'s checks of who may get in: the signing key, cookies and HTTPS, the
host names answered, and the unified identity service. None prints a secret."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from urllib.parse import urlsplit

from cockpit.settings import ENV_PREFIX, Settings
from commands.findings import FAIL, OK, WARN, Finding

# Keys people type when told to set one: refused whatever their length.
_WEAK = ("secret", "changeme", "change-me", "password", "cockpit", "default", "123456", "key")
_MIN_KEY = 32


def secret_key(settings: Settings) -> Iterator[Finding]:
    name = "secret key"
    explicit = os.environ.get(ENV_PREFIX + "SECRET_KEY")
    if explicit is not None:
        where, key = f"{ENV_PREFIX}SECRET_KEY", explicit.strip()
    elif settings.secret_key_file.exists():
        where = str(settings.secret_key_file)
        key = settings.secret_key_file.read_text(encoding="utf-8").strip()
        mode = stat.S_IMODE(settings.secret_key_file.stat().st_mode)
        if mode & 0o077:
            yield Finding(
                FAIL, name, f"{where} is readable by others (mode {mode:o})", f"chmod 600 {where}"
            )
    else:
        yield Finding(
            WARN,
            name,
            f"none yet: {settings.secret_key_file} is made on first serve",
            f"run `cockpit serve` once, or set {ENV_PREFIX}SECRET_KEY",
        )
        return
    fix = f"make a new one: python -c 'import secrets; print(secrets.token_hex(32))' > {where}"
    if explicit is not None:
        fix = f"set {ENV_PREFIX}SECRET_KEY to the output of: python -c 'import secrets; print(secrets.token_hex(32))'"  # noqa: E501
    lowered = key.lower()
    if any(weak in lowered for weak in _WEAK) and len(set(lowered)) < 16:
        yield Finding(FAIL, name, f"{where} is a guessable word, not a random key", fix)
    elif len(key) < _MIN_KEY:
        yield Finding(FAIL, name, f"{where} has {len(key)} characters; at least {_MIN_KEY}", fix)
    elif len(set(key)) < 10:
        yield Finding(FAIL, name, f"{where} repeats a few characters: not random", fix)
    else:
        yield Finding(OK, name, f"{len(key)} characters, from {where}")


def https(settings: Settings) -> Iterator[Finding]:
    name = "cookies and HTTPS"
    url = settings.public_url
    if not url:
        yield Finding(
            WARN,
            name,
            "public_url is not set: links in 督办 notifications name no host",
            "set public_url to the address officials use, e.g. https://cockpit.example.gov.cn/",
        )
        return
    parts = urlsplit(url)
    if parts.scheme == "https" and not settings.secure_cookies:
        yield Finding(
            FAIL,
            name,
            f"public_url {url} is HTTPS but secure_cookies is false: "
            "a session cookie may travel in clear",
            "set secure_cookies = true",
        )
    elif parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1"):
        yield Finding(
            WARN,
            name,
            f"public_url {url} is plain HTTP: passwords travel in clear",
            "serve behind an HTTPS reverse proxy and set secure_cookies = true",
        )
    else:
        yield Finding(
            OK,
            name,
            f"{parts.scheme} at {parts.hostname}, secure cookies "
            f"{'on' if settings.secure_cookies else 'off'}",
        )


def hosts(settings: Settings) -> Iterator[Finding]:
    name = "trusted hosts"
    hosts = [h.strip() for h in settings.trusted_hosts.split(",") if h.strip()]
    if not hosts or "*" in hosts:
        yield Finding(
            FAIL,
            name,
            "trusted_hosts must list the host names the cockpit answers to",
            "set trusted_hosts, e.g. cockpit.example.gov.cn",
        )
        return
    public = urlsplit(settings.public_url).hostname if settings.public_url else None
    if public and public not in hosts:
        yield Finding(
            FAIL,
            name,
            f"public_url's host {public} is not in trusted_hosts "
            f"({', '.join(hosts)}): every request to it gets 400",
            f"add {public} to trusted_hosts",
        )
        return
    yield Finding(OK, name, ", ".join(hosts))


def identity(settings: Settings) -> Iterator[Finding]:
    import httpx

    name = "identity service"
    if settings.cas_server_url:
        login = settings.cas_server_url.rstrip("/") + "/login"
        try:
            httpx.get(login, timeout=5).raise_for_status()
        except httpx.HTTPError as exc:
            yield Finding(
                FAIL,
                name,
                f"{login} cannot be read: {type(exc).__name__}: {exc}"[:300],
                "check cas_server_url, and that this machine reaches the CAS server",
            )
            return
        yield Finding(OK, name, f"CAS {settings.cas_version}.0 at {settings.cas_server_url}")
        return
    if not (settings.oidc_issuer and settings.oidc_client_id):
        return
    if not os.environ.get(settings.oidc_client_secret_env):
        yield Finding(
            FAIL,
            name,
            f"{settings.oidc_client_secret_env} (the client secret) not set",
            "put it in the services' environment file",
        )
    url = settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        found = httpx.get(url, timeout=5).raise_for_status().json()
        keys = httpx.get(found["jwks_uri"], timeout=5).raise_for_status().json()["keys"]
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        yield Finding(
            FAIL,
            name,
            f"{url} cannot be read: {type(exc).__name__}: {exc}"[:300],
            "check oidc_issuer, and that this machine reaches the identity service",
        )
        return
    if found.get("issuer", "").rstrip("/") != settings.oidc_issuer.rstrip("/"):
        yield Finding(
            FAIL,
            name,
            f"it calls itself {found.get('issuer')!r}, not {settings.oidc_issuer!r}",
            "set oidc_issuer to the issuer its discovery document names",
        )
        return
    yield Finding(
        OK,
        name,
        f"{settings.oidc_issuer}: {len(keys)} signing key(s)"
        + ("; cockpit passwords off" if not settings.local_passwords else ""),
    )
