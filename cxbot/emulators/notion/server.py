"""The Notion API over HTTP: routes, auth, version header, limits, error shapes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cxbot.emulators.http import (
    EmulatorServer,
    Fault,
    Request,
    Response,
    TokenBucket,
    is_invalid_json,
)
from cxbot.emulators.notion.query import FilterProblem
from cxbot.emulators.notion.values import ValueProblem
from cxbot.emulators.notion.versions import VERSIONS, check_request, shape
from cxbot.emulators.notion.webhooks import WebhookSender
from cxbot.emulators.notion.workspace import (
    MAX_PAGE_SIZE,
    NotionApiError,
    Workspace,
    normalize_id,
    validation,
)

SUPPORTED_VERSIONS = VERSIONS
MAX_BODY_BYTES = 500 * 1024
_STATUS_CODES = {
    400: "validation_error",
    401: "unauthorized",
    404: "object_not_found",
    409: "conflict_error",
    429: "rate_limited",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
    529: "service_overload",
}
_MESSAGES = {
    409: "Conflict occurred while saving. Please try again.",
    429: "You have been rate limited. Please try again in a few minutes.",
    500: "Unexpected error occurred.",
    502: "Bad gateway.",
    503: "Notion is unavailable, please try again later.",
    504: "Gateway timeout.",
    529: "Notion is currently overloaded, please try again later.",
}
_UUID = r"([0-9a-fA-F-]{32,36}|[^/]+)"


def error_body(
    status: int, code: str, message: str, additional_data: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"object": "error", "status": status, "code": code, "message": message}
    if additional_data is not None:
        body["additional_data"] = additional_data
    body["request_id"] = str(uuid.uuid4())
    return body


class NotionEmulator(EmulatorServer):
    """Notion's API on 127.0.0.1: `NotionEmulator(tokens={"secret"}).start().base_url`."""

    def __init__(
        self,
        *,
        tokens: set[str] | None = None,
        rate: float = 3.0,
        burst: float = 6.0,
        rate_limit: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.tokens = tokens if tokens is not None else {"secret_emulator"}
        self.workspace = Workspace(clock)
        self.webhooks = WebhookSender(self.workspace)
        """Notion calling the app: `webhooks.subscribe(url)`, then `webhooks.verify(token)`."""
        self.rate_limit = rate_limit
        self.bucket = TokenBucket(rate, burst)
        self.rate_limited = 0
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = []
        ws = self.workspace
        self._route("GET", r"/v1/users/me", lambda r: ws.users[ws.bot_id])
        self._route("GET", r"/v1/users", self._list_users)
        self._route("GET", rf"/v1/users/{_UUID}", self._get_user)
        self._route("POST", r"/v1/search", lambda r: ws.search(_body(r)))
        self._route("POST", r"/v1/databases", lambda r: ws.create_database(_body(r)))
        self._route(
            "PATCH",
            rf"/v1/databases/{_UUID}",
            lambda r, i: ws.update_database(normalize_id(i, "path.database_id"), _body(r)),
        )
        self._route("POST", r"/v1/data_sources", lambda r: ws.create_data_source(_body(r)))
        self._route(
            "DELETE",
            rf"/v1/blocks/{_UUID}",
            lambda r, i: ws.delete_block(normalize_id(i, "path.block_id")),
        )
        self._route(
            "GET",
            rf"/v1/databases/{_UUID}",
            lambda r, i: ws.get_database(normalize_id(i, "path.database_id")),
        )
        self._route(
            "GET",
            rf"/v1/data_sources/{_UUID}",
            lambda r, i: ws.get_data_source(normalize_id(i, "path.data_source_id")),
        )
        self._route(
            "PATCH",
            rf"/v1/data_sources/{_UUID}",
            lambda r, i: ws.update_data_source(normalize_id(i, "path.data_source_id"), _body(r)),
        )
        self._route(
            "POST",
            rf"/v1/data_sources/{_UUID}/query",
            lambda r, i: ws.query(normalize_id(i, "path.data_source_id"), _body(r)),
        )
        self._route("POST", r"/v1/pages", lambda r: ws.create_page(_body(r)))
        self._route(
            "GET", rf"/v1/pages/{_UUID}", lambda r, i: ws.get_page(normalize_id(i, "path.page_id"))
        )
        self._route(
            "PATCH",
            rf"/v1/pages/{_UUID}",
            lambda r, i: ws.update_page(normalize_id(i, "path.page_id"), _body(r)),
        )

    def stop(self) -> None:
        self.webhooks.stop()
        super().stop()

    def _route(self, method: str, pattern: str, handler: Callable[..., Any]) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), handler))

    def handle(self, request: Request) -> Response:
        try:
            self._check_headers(request)
            if self.rate_limit:
                wait = self.bucket.take()
                if wait > 0:
                    self.rate_limited += 1
                    return self._error(
                        429,
                        "rate_limited",
                        _MESSAGES[429],
                        {"Retry-After": str(max(1, round(wait)))},
                    )
            if request.raw_size > MAX_BODY_BYTES:
                raise validation(
                    f"Request body too large: {request.raw_size} bytes; the limit is "
                    f"{MAX_BODY_BYTES} bytes."
                )
            if is_invalid_json(request.body):
                raise NotionApiError(400, "invalid_json", "Error parsing JSON body.")
            version = request.headers.get("notion-version", "")
            check_request(version, request.body)
            for method, pattern, handler in self._routes:
                match = pattern.match(request.path)
                if match and method == request.method:
                    body = handler(request, *match.groups())
                    fields = request.query.get("filter_properties")
                    body = shape(version, _kind(method, request.path), body, fields)
                    return Response(200, {**body, "request_id": str(uuid.uuid4())})
            raise NotionApiError(400, "invalid_request_url", "Invalid request URL.")
        except NotionApiError as error:
            extra = error.additional_data
            if error.code == "object_not_found" and extra is None:
                extra = {"integration_id": self.workspace.bot_id}
            return Response(
                error.status, error_body(error.status, error.code, error.message, extra)
            )
        except (FilterProblem, ValueProblem) as problem:
            return self._error(400, "validation_error", f"body failed validation: {problem}")

    def _check_headers(self, request: Request) -> None:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            raise NotionApiError(401, "unauthorized", "API token is invalid.")
        version = request.headers.get("notion-version")
        if version is None:
            raise NotionApiError(
                400,
                "missing_version",
                "Notion-Version header failed validation: "
                "Notion-Version header should be defined, instead was `undefined`.",
            )
        if version not in SUPPORTED_VERSIONS:
            raise validation(
                f"Notion-Version header failed validation: `{version}` is not a valid version."
            )

    def internal_error(self, request: Request) -> Response:
        return self._error(500, "internal_server_error", _MESSAGES[500])

    def fault_response(self, fault: Fault) -> Response:
        if fault.kind == "rate_limit":
            return self._error(
                429, "rate_limited", _MESSAGES[429], {"Retry-After": str(fault.retry_after)}
            )
        code = _STATUS_CODES.get(fault.status, "internal_server_error")
        return self._error(fault.status, code, _MESSAGES.get(fault.status, "Unexpected error."))

    @staticmethod
    def _error(
        status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> Response:
        return Response(status, error_body(status, code, message), headers or {})

    def _list_users(self, request: Request) -> Any:
        size_text = (request.query.get("page_size") or [str(MAX_PAGE_SIZE)])[0]
        if not size_text.isdigit() or not 1 <= int(size_text) <= MAX_PAGE_SIZE:
            raise validation(
                f"query failed validation: query.page_size should be a number between 1 and "
                f"{MAX_PAGE_SIZE}, instead was `{size_text}`."
            )
        cursors = request.query.get("start_cursor") or []
        cursor = cursors[0] if cursors else None
        return self.workspace.list_users(cursor, int(size_text))

    def _get_user(self, request: Request, user_id: str) -> Any:
        normalized = normalize_id(user_id, "path.user_id")
        user = self.workspace.users.get(normalized)
        if user is None:
            raise NotionApiError(
                404, "object_not_found", f"Could not find user with ID: {user_id}."
            )
        return user


def _kind(method: str, path: str) -> str:
    """Which shape of answer a route gives, for the version's differences."""
    if path == "/v1/search" or (method == "POST" and path.endswith("/query")):
        return "list"
    if path.startswith("/v1/pages/") and path.count("/") == 3:
        return "page"
    if path.startswith("/v1/users"):
        return "users"
    return "other"


def _body(request: Request) -> dict[str, Any]:
    if request.body is None:
        return {}
    if not isinstance(request.body, dict):
        raise validation("body failed validation: body should be an object.")
    return request.body
