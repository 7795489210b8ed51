import json
import logging
from collections.abc import Callable, Container, Sequence
from datetime import date, datetime, time
from typing import Any

LogData = dict

RESERVED_ATTRS: list[str]

def merge_record_extra(
    record: logging.LogRecord,
    target: dict[Any, Any],
    reserved: Container[str],
    rename_fields: dict[str, str] | None = ...,
) -> dict[Any, Any]: ...

class JsonEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any: ...
    def format_datetime_obj(self, o: time | date | datetime) -> str: ...

class BaseJsonFormatter(logging.Formatter):
    prefix: str
    rename_fields: dict[str, str]
    rename_fields_keep_missing: bool
    static_fields: dict[str, Any]
    reserved_attrs: set[str]
    timestamp: bool | str
    defaults: dict[str, Any]
    exc_info_as_array: bool
    stack_info_as_array: bool
    def __init__(
        self,
        fmt: str | Sequence[str] | None = ...,
        datefmt: str | None = ...,
        style: str = ...,
        validate: bool = ...,
        *,
        prefix: str = ...,
        rename_fields: dict[str, str] | None = ...,
        rename_fields_keep_missing: bool = ...,
        static_fields: dict[str, Any] | None = ...,
        reserved_attrs: Sequence[str] | None = ...,
        timestamp: bool | str = ...,
        defaults: dict[str, Any] | None = ...,
        exc_info_as_array: bool = ...,
        stack_info_as_array: bool = ...,
    ) -> None: ...
    def format(self, record: logging.LogRecord) -> str: ...
    def parse(self) -> list[str]: ...
    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None: ...
    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]: ...
    def serialize_log_record(self, log_data: dict[str, Any]) -> str: ...
    def jsonify_log_record(self, log_data: dict[str, Any]) -> str: ...
    def formatException(self, ei: Any) -> str | list[str]: ...  # type: ignore[override]
    def formatStack(self, stack_info: str) -> str | list[str]: ...  # type: ignore[override]

class JsonFormatter(BaseJsonFormatter):
    json_default: Callable[[Any], Any] | None
    json_encoder: Callable[..., Any] | None
    json_serializer: Callable[..., str]
    json_indent: int | str | None
    json_ensure_ascii: bool
    def __init__(
        self,
        *args: Any,
        json_default: Callable[[Any], Any] | None = ...,
        json_encoder: Callable[..., Any] | None = ...,
        json_serializer: Callable[..., str] = ...,
        json_indent: int | str | None = ...,
        json_ensure_ascii: bool = ...,
        **kwargs: Any,
    ) -> None: ...
