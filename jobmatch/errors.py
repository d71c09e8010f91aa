"""Domain errors, and their one JSON shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import logging
import traceback

from marshmallow import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def in_both(chinese: str, english: str) -> str:
    """A message as the API and the commands give it: "中文 (english)", or the Chinese alone when there is no
    English."""
    return f"{chinese} ({english})" if english else chinese


class JobmatchError(Exception):
    """A domain error: its Chinese text for pages and people, its English beside it in the API's message.
    Raised as JobmatchError("中文", english="english", fields={"field": ["what is wrong"]})."""

    status = 400
    code = "bad_request"

    def __init__(self, chinese: str, fields: dict | None = None, *, english: str = ""):
        self.chinese = chinese
        self.english = english
        self.message = in_both(chinese, english)
        super().__init__(self.message)
        self.fields = fields or {}
        self.headers: dict[str, str] = {}


class Unauthorised(JobmatchError):
    status = 401
    code = "unauthorised"


class Forbidden(JobmatchError):
    status = 403
    code = "forbidden"


class NotFound(JobmatchError):
    status = 404
    code = "not_found"


class Conflict(JobmatchError):
    status = 409
    code = "conflict"


class Invalid(JobmatchError):
    status = 422
    code = "invalid"


class TooManyAttempts(JobmatchError):
    """Wrong passwords in a row have locked the account for `retry_after` seconds."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, chinese: str, retry_after: int, *, english: str = ""):
        super().__init__(chinese, english=english)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class StorageUnavailable(JobmatchError):
    """The database (or the instance folder) cannot take a write just now: locked, read-only, full or failing.
    Answered 503 with Retry-After; `reason` is the storage's own words, for the log only."""

    status = 503
    code = "unavailable"

    def __init__(self, reason: str, retry_after: int = 5):
        super().__init__("系统正忙，请稍等一会儿再试", english="storage unavailable, try again shortly")
        self.reason = reason
        self.retry_after = retry_after


# SQLite result codes (extended ones start with these) and PostgreSQL SQLSTATEs that mean "the storage cannot take
# this write now", not "this request is wrong", with a Retry-After in seconds: a lock passes soon, a full disk not.
_SQLITE_FAULTS = {
    "SQLITE_BUSY": 5,
    "SQLITE_LOCKED": 5,
    "SQLITE_READONLY": 60,
    "SQLITE_FULL": 60,
    "SQLITE_IOERR": 60,
    "SQLITE_CANTOPEN": 60,
}
_SQLITE_MESSAGES = {"locked": 5, "readonly": 60, "disk is full": 60, "disk i/o error": 60, "unable to open": 60}
_PG_FAULTS = {"55P03": 5, "40P01": 5, "57014": 5, "25006": 60, "53": 60, "58": 60, "08": 30, "57P": 30}


def storage_fault(err: DBAPIError) -> StorageUnavailable | None:
    """The storage fault behind a database error, or None when the error is something else (a bug)."""
    orig = err.orig
    name = getattr(orig, "sqlite_errorname", None)
    if name is not None:
        retry = next((s for code, s in _SQLITE_FAULTS.items() if name.startswith(code)), None)
    elif sqlstate := getattr(orig, "sqlstate", None):
        retry = next((s for code, s in _PG_FAULTS.items() if sqlstate.startswith(code)), None)
    elif err.connection_invalidated or type(orig).__module__.startswith("psycopg"):
        retry = 30  # the server went away or refused the connection: no SQLSTATE at all
    else:  # an older sqlite3 without error names
        retry = next((s for word, s in _SQLITE_MESSAGES.items() if word in str(orig).lower()), None)
    if retry is None:
        return None
    return StorageUnavailable(database_reason(orig), retry)


def database_reason(orig) -> str:
    """The database's own message, never the statement or its parameters (which may carry names and phones)."""
    diag = getattr(orig, "diag", None)
    if diag is not None and getattr(orig, "sqlstate", None):
        return f"{orig.sqlstate} {diag.message_primary or type(orig).__name__}"
    return str(orig).splitlines()[0][:200] if str(orig) else type(orig).__name__


def log_storage_fault(fault: StorageUnavailable) -> None:
    from flask import has_request_context, request

    where = f"{request.method} {request.path}" if has_request_context() else "command"
    log.error("storage unavailable (%s): %s", where, fault.reason)


_HTTP_MESSAGES = {
    400: "请求有误 (bad request)",
    404: "找不到这个地址 (not found)",
    405: "不支持这种请求方法 (method not allowed)",
    413: "提交的内容太大 (request too large)",
    415: "不支持这种内容格式 (unsupported media type)",
    429: "请求太频繁，请稍后再试 (too many requests)",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


_PAGE_HEADINGS = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "找不到这个页面",
    405: "不支持这种操作",
    409: "和已有记录冲突",
    413: "上传的文件太大",
    422: "填写有误",
    429: "请稍等",
    500: "服务器出错了",
    503: "系统正忙",
}
_PAGE_MESSAGES = {
    400: "页面可能已过期，请返回后刷新再试。",
    403: "您的账号不能打开这个页面，请联系管理员。",
    404: "地址可能输错了，或者这条信息已经删除。",
    413: "文件不能超过 2 MB，请拆成几个文件再上传。",
    429: "操作太频繁了，请等一分钟再试。",
    500: "请稍后再试；如果一直这样，请联系管理员。",
    503: "系统正忙，刚才的操作没有保存。请稍等一会儿再试；如果一直这样，请联系管理员。",
}


def _wants_page() -> bool:
    from flask import request

    return not (request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"))


def _page(status: int, message: str | None = None):
    from flask import render_template

    heading = _PAGE_HEADINGS.get(status, "出错了")
    return render_template("error.html", heading=heading, message=message or _PAGE_MESSAGES.get(status, "")), status


def register_error_handlers(app) -> None:
    @app.errorhandler(JobmatchError)
    def _domain(err: JobmatchError):
        if isinstance(err, StorageUnavailable):
            return _unavailable(err)
        if _wants_page():
            body, status = _page(err.status, err.chinese)
            return body, status, err.headers
        return error_body(err.code, err.message, err.fields), err.status, err.headers

    # Locked, read-only, full or failing storage: 503 with Retry-After and the database's reason in the log. Any
    # other database error is a bug, answered as one.
    @app.errorhandler(DBAPIError)
    def _database(err: DBAPIError):
        fault = storage_fault(err)
        if fault is None:
            return _unexpected(err)
        _rollback()
        return _unavailable(fault)

    def _unavailable(fault: StorageUnavailable):
        log_storage_fault(fault)
        headers = {"Retry-After": str(fault.retry_after)}
        if _wants_page():
            return (*_page(503), headers)
        return error_body(fault.code, fault.message), 503, headers

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError):
        fields = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        if _wants_page():
            return _page(422, "填写的内容有误，请返回检查后再试。")
        return error_body("invalid", "输入有误，请检查标出的字段 (invalid input)", fields), 422

    # Safety nets for races the services cannot rule out (two workers creating the same id at once):
    # the database's refusal becomes a 4xx without echoing SQL or parameters.
    @app.errorhandler(IntegrityError)
    def _integrity(err: IntegrityError):
        _rollback()
        return _domain(Conflict("与已有记录冲突，请刷新后再试", english="conflicts with an existing record"))

    @app.errorhandler(DataError)
    def _data(err: DataError):
        _rollback()
        return _domain(Invalid("数据超出允许范围", english="value out of range"))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        assert err.code is not None  # Flask hands a code-less HTTPException back without calling handlers
        if _wants_page() and err.code != 405:
            return _page(err.code)
        code = (err.name or "error").lower().replace(" ", "_")
        message = _HTTP_MESSAGES.get(err.code, err.description or err.name)
        # Keep werkzeug's headers, e.g. Allow on 405.
        headers = [(k, v) for k, v in err.get_headers() if k.lower() != "content-type"]
        return error_body(code, message), err.code, headers

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        # The message (e.g. SQL parameters) may carry personal data, so only the type and frames are logged.
        log.error("unhandled %s\n%s", type(err).__name__, "".join(traceback.format_tb(err.__traceback__)))
        if _wants_page():
            return _page(500)
        return error_body("internal", "服务器内部错误，请稍后再试 (internal error)"), 500


def _rollback() -> None:
    from .db import db, rollback_quietly

    rollback_quietly(db.session)
