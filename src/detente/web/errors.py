"""Errors as the API answers them: ``{"errors": [{"line", "column", "path", "message"}]}``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse

from detente.web.schemas import ConflictErrors, Errors

__all__ = ["DESCRIPTIONS", "ApiError", "problem", "responses", "text_responses"]

DESCRIPTIONS = {
    400: "A malformed request.",
    401: "No token, or a token that is unknown or revoked (reads may be open by setting).",
    403: "The token's role may not do this (writes need an analyst, accounts an admin).",
    404: "No such scenario, version or job.",
    409: "A save on a version that is not the latest, or an id that is taken.",
    413: "The request body is over the limit (10 MiB).",
    415: "The body is not of the media type this operation takes.",
    422: "The input's problems, each with its line, column and field path where known.",
    428: "A save without If-Match naming the version it edits.",
    503: "The analysis could not finish in time, or the server is busy; try again.",
}


class ApiError(Exception):
    """An error answer: status, problems, and extra fields of the body."""

    def __init__(
        self,
        status: int,
        message: str = "",
        *,
        path: str = "",
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = (
            list(errors)
            if errors is not None
            else [{"line": None, "column": None, "path": path, "message": message}]
        )
        self.headers = headers
        self.extra = extra

    def response(self) -> JSONResponse:
        body = {"errors": self.errors, **self.extra}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def problem(status: int, message: str, *, path: str = "") -> JSONResponse:
    """A one-problem error response."""
    return ApiError(status, message, path=path).response()


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of an operation's error answers."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        model = ConflictErrors if code == 409 else Errors
        out[code] = {"model": model, "description": DESCRIPTIONS[code]}
    return out


def text_responses(media: str, description: str, *codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of an operation whose answer is a string of ``media`` (HTML, SVG,
    YAML: not JSON), and of its error answers."""
    ok = {"content": {media: {"schema": {"type": "string"}}}, "description": description}
    return {200: ok, **responses(*codes)}
