from typing import IO, Any, Mapping, Optional

from rest_framework import parsers, renderers

__all__: list[str]

class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: Optional[str] = ...,
        renderer_context: Optional[Mapping[str, Any]] = ...,
    ) -> bytes: ...

class JSONParser(parsers.JSONParser):
    renderer_class: type[JSONRenderer]
    def parse(
        self,
        stream: IO[bytes],
        media_type: Optional[str] = ...,
        parser_context: Optional[Mapping[str, Any]] = ...,
    ) -> Any: ...
