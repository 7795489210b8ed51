import socket
from typing import Any, Callable, Dict, Iterator, Optional, Union

DEFAULTS: Dict[str, Any]

class FileWrapper:
    filelike: Any
    blksize: int
    def __init__(self, filelike: Any, blksize: int = ...) -> None: ...
    def __iter__(self) -> Iterator[bytes]: ...
    def __next__(self) -> bytes: ...

def bind(host: str = ..., port: int = ..., uds: Optional[str] = ..., backlog: int = ...) -> socket.socket: ...
def serve(
    app: Callable[..., Any],
    *,
    host: str = ...,
    port: int = ...,
    uds: Optional[str] = ...,
    sock: Optional[socket.socket] = ...,
    threads: int = ...,
    backlog: int = ...,
    backpressure: Optional[int] = ...,
    multiprocess: bool = ...,
    script_name: str = ...,
    url_scheme: str = ...,
    max_header_size: int = ...,
    max_body_size: int = ...,
    header_timeout: float = ...,
    keepalive_timeout: float = ...,
    body_timeout: float = ...,
    grace_timeout: float = ...,
    retry_after: int = ...,
    queue_timeout: Union[float, str] = ...,
    ready: Optional[Callable[[socket.socket], None]] = ...,
) -> None: ...
def stop() -> None: ...
def stats() -> Dict[str, int]: ...

# ASGI (issue 9, appserver/_asgi.py)
def serve_asgi(
    app: Callable[..., Any],
    *,
    host: str = ...,
    port: int = ...,
    uds: Optional[str] = ...,
    sock: Optional[socket.socket] = ...,
    backlog: int = ...,
    backpressure: Optional[int] = ...,
    loop: str = ...,
    lifespan: bool = ...,
    cancel_on_disconnect: bool = ...,
    poll_wait_us: int = ...,
    root_path: str = ...,
    url_scheme: str = ...,
    max_header_size: int = ...,
    max_body_size: int = ...,
    header_timeout: float = ...,
    keepalive_timeout: float = ...,
    body_timeout: float = ...,
    grace_timeout: float = ...,
    ready: Optional[Callable[[socket.socket], None]] = ...,
) -> None: ...
