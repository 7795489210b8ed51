from typing import IO, Any, Callable, Iterable, Mapping
from xml.parsers.expat import ExpatError

class XMLParseError(ExpatError, ValueError):
    lineno: int | None
    offset: int | None
    code: None
    def __init__(self, msg: str = ...) -> None: ...

class ParsingInterrupted(Exception): ...
class DTDForbidden(XMLParseError): ...
class EntitiesForbidden(XMLParseError): ...
class ExternalReferenceForbidden(XMLParseError): ...
class LimitExceeded(XMLParseError): ...

def parse(
    xml_input: str | bytes | bytearray | IO[bytes] | IO[str] | Iterable[bytes | str],
    encoding: str | None = ...,
    expat: Any = ...,
    process_namespaces: bool = ...,
    namespace_separator: str = ...,
    disable_entities: bool = ...,
    process_comments: bool = ...,
    max_depth: int = ...,
    max_size: int = ...,
    *,
    xml_attribs: bool = ...,
    attr_prefix: str = ...,
    cdata_key: str = ...,
    force_cdata: bool | Iterable[str] | Callable[[list, str, Any], bool] = ...,
    postprocessor: Callable[[list, str, Any], tuple[str, Any] | None] | None = ...,
    strip_whitespace: bool = ...,
    namespaces: Mapping[str, str | None] | None = ...,
    force_list: bool | Iterable[str] | Callable[[list, str, Any], bool] | None = ...,
    comment_key: str = ...,
    **kwargs: Any,
) -> Any: ...

def unparse(
    input_dict: Mapping[Any, Any],
    output: IO[str] | None = ...,
    encoding: str = ...,
    full_document: bool = ...,
    short_empty_elements: bool = ...,
    comment_key: str = ...,
    *,
    attr_prefix: str = ...,
    cdata_key: str = ...,
    pretty: bool = ...,
    newl: str = ...,
    indent: str | int = ...,
    expand_iter: str | None = ...,
    bytes_errors: str = ...,
    **kwargs: Any,
) -> str | None: ...

__all__: list[str]
