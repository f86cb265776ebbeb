"""A department's REST interface, read page by page with dlt's REST client: its
paginators (page number, offset, cursor), retries with backoff on errors and 429/5xx, and
timeouts. Around it, the cockpit's own rules: a request rate the platform allows, a
page limit so that a pager that never ends is an error, and the app-key signature that
public data platforms ask for."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Iterator

import requests
from dlt.sources.helpers.requests import Client
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import (
    BasePaginator,
    JSONResponseCursorPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    SinglePagePaginator,
)

from cockpit.connections import ApiPull, Auth, Paginator, from_environment
from pipelines.ingest.pull.errors import PullError, scrubbed

# dlt logs each retry and its configuration warnings at WARNING: the pull says what failed.
logging.getLogger("dlt").setLevel(logging.ERROR)


class _AppKeySignature(requests.auth.AuthBase):
    """appKey + timestamp (ms) + HMAC-SHA256(appKey + timestamp, appSecret), in headers,
    fresh on every request (a signature is valid for a short window)."""

    def __init__(self, auth: Auth, key: str, secret: str) -> None:
        self.auth, self.key, self.secret = auth, key, secret.encode()

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        stamp = str(int(time.time() * 1000))
        signature = hmac.new(self.secret, (self.key + stamp).encode(), hashlib.sha256)
        request.headers[self.auth.key_header] = self.key
        request.headers[self.auth.timestamp_header] = stamp
        request.headers[self.auth.signature_header] = signature.hexdigest()
        return request


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def _auth(source: str, auth: Auth) -> tuple[requests.auth.AuthBase | None, list[str]]:
    if auth.type == "bearer":
        token = from_environment(auth.token_env or "", f"{source}: the bearer token")
        return _Bearer(token), [token]
    if auth.type == "app_key_hmac":
        key = from_environment(auth.app_key_env or "", f"{source}: the app key")
        secret = from_environment(auth.app_secret_env or "", f"{source}: the app secret")
        return _AppKeySignature(auth, key, secret), [key, secret]
    return None, []


def _paginator(p: Paginator) -> BasePaginator:
    if p.type == "page":
        return PageNumberPaginator(
            base_page=p.first_page, page_param=p.page_param, total_path=p.total_path,
            stop_after_empty_page=True,
        )  # fmt: skip
    if p.type == "offset":
        return OffsetPaginator(
            limit=p.size, offset_param=p.offset_param, limit_param=p.size_param,
            total_path=p.total_path, stop_after_empty_page=True,
        )  # fmt: skip
    if p.type == "cursor":
        return JSONResponseCursorPaginator(cursor_path=p.cursor_path, cursor_param=p.cursor_param)
    return SinglePagePaginator()


def _paced(per_second: float) -> Callable[[requests.Response], None]:
    """A response hook that keeps requests at most ``per_second`` apart."""
    gap, last = 1.0 / per_second, [0.0]

    def wait(response: requests.Response, *_args: object, **_kw: object) -> None:
        pause = last[0] + gap - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        last[0] = time.monotonic()
        # Hooks replace dlt's own: an error status (after the retries) is raised here.
        response.raise_for_status()

    return wait


def rows(
    source: str, connection: ApiPull, limit: int | None
) -> tuple[list[str], Iterator[tuple], Callable[[], None]]:
    """Every record of every page, as rows under the union of the records' keys (in the
    order first seen). The records are read whole before the file is written: an
    interface's answer is months of a report, not millions of rows."""
    auth, secrets = _auth(source, connection.auth)
    session = Client(
        raise_for_status=False,
        request_timeout=connection.timeout_seconds,
        request_max_attempts=connection.retries + 1,
        request_backoff_factor=0.5,
        request_max_retry_delay=10,
    ).session
    params = dict(connection.params)
    if connection.paginator.type == "page":
        params[connection.paginator.size_param] = connection.paginator.size
    client = RESTClient(
        base_url=connection.url, auth=auth, paginator=_paginator(connection.paginator),
        data_selector=connection.records or "$", session=session,
    )  # fmt: skip
    records: list[dict] = []
    pages = 0
    try:
        for page in client.paginate(params=params, hooks={"response": [_paced(
                connection.requests_per_second)]}):  # fmt: skip
            pages += 1
            if pages > connection.max_pages:
                raise PullError(
                    f"{source}: the interface gave more than {connection.max_pages} pages "
                    "(max_pages): a pager that does not end"
                )
            for record in page:
                if not isinstance(record, dict):
                    raise PullError(
                        f"{source}: page {pages}: a record is not a JSON object "
                        f"(records at {connection.records or 'the top'})"
                    )
                records.append(record)
            if limit is not None and len(records) >= limit:
                records = records[:limit]
                break
    except PullError:
        raise
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise PullError(
            scrubbed(f"{source}: the interface answered HTTP {status} on page {pages + 1}"
                     f" (after {connection.retries} retries)", secrets)
        ) from exc  # fmt: skip
    except ValueError as exc:
        # The answer is not JSON (requests' JSON error is a ValueError too), or the records
        # are not where the settings say.
        raise PullError(
            scrubbed(f"{source}: page {pages + 1}: the answer cannot be read ({exc})", secrets)
        ) from exc
    except requests.RequestException as exc:
        raise PullError(scrubbed(f"{source}: cannot reach the interface ({exc})", secrets)) from exc
    columns: list[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    return columns, iter([tuple(r.get(c) for c in columns) for r in records]), lambda: None
