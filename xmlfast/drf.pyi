from typing import Any

from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer

def render(data: Any, root_tag_name: str = ..., item_tag_name: str = ..., sanitize_tags: bool = ...) -> str: ...
def render_python(data: Any, root_tag_name: str = ..., item_tag_name: str = ..., sanitize_tags: bool = ...) -> str: ...

class XMLRenderer(BaseRenderer):
    media_type: str
    format: str
    charset: str
    item_tag_name: str
    root_tag_name: str
    sanitize_tags: bool
    def render(self, data: Any, accepted_media_type: str | None = ..., renderer_context: dict | None = ...) -> str: ...

class XMLParser(BaseParser):
    media_type: str
    item_tag_name: str
    max_depth: int
    max_size: int
    def parse(self, stream: Any, media_type: str | None = ..., parser_context: dict | None = ...) -> Any: ...
