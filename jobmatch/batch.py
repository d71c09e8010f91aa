"""JSON Lines batch files (DESIGN.md's interchange format), validated by the shared schemas."""

from __future__ import annotations

import json
from pathlib import Path

from marshmallow import Schema, ValidationError


class BatchError(ValueError):
    """A line of a batch file that cannot be used; names the file, line and field."""

    def __init__(self, path: str | Path, line: int, field: str | None, reason: str):
        self.path, self.line, self.field, self.reason = str(path), line, field, reason
        where = f"{self.path}:{line}" + (f": field '{field}'" if field else "")
        super().__init__(f"{where}: {reason}")


def _first_error(messages) -> tuple[str | None, str]:
    if isinstance(messages, dict):
        for field, value in messages.items():
            inner_field, reason = _first_error(value)
            name = field if field != "_schema" else None
            if inner_field and isinstance(value, dict) and not str(inner_field).isdigit():
                name = f"{name}.{inner_field}" if name else inner_field
            return name, reason
    if isinstance(messages, list) and messages:
        return _first_error(messages[0]) if not isinstance(messages[0], str) else (None, messages[0])
    return None, str(messages)


def read_jsonl(path: str | Path, schema: Schema) -> list[dict]:
    """Every record of the file, validated; the first bad line raises BatchError and nothing is returned."""
    records: list[dict] = []
    seen: dict[str, int] = {}
    try:
        handle = open(path, encoding="utf-8")
    except OSError as err:
        raise BatchError(path, 0, None, f"cannot open: {err.strerror}") from None
    with handle:
        try:
            lines = list(handle)
        except UnicodeDecodeError:
            raise BatchError(path, 0, None, "not UTF-8 text") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            raise BatchError(path, number, None, f"not valid JSON ({err.msg}, column {err.colno})") from None
        except RecursionError:
            raise BatchError(path, number, None, "not valid JSON (nested too deeply)") from None
        if not isinstance(raw, dict):
            raise BatchError(path, number, None, "each line must be a JSON object")
        try:
            record = schema.load(raw)
        except ValidationError as err:
            field, reason = _first_error(err.messages)
            raise BatchError(path, number, field, reason) from None
        key = record.get("external_id")
        if key is not None:
            if key in seen:
                raise BatchError(path, number, "id", f"duplicate id {key!r} (first on line {seen[key]})")
            seen[key] = number
        records.append(record)
    return records
