"""A plain HTTP server on 127.0.0.1 with fixed files, for tests of what the audit fetches."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_REQUESTS = 50
"""No server answers more (a 503 after): every test's fetches are bounded."""


class FileServer:
    """Serves fixed files (path -> status, content type, body), 404 elsewhere, and records the
    path of every request it answers."""

    def __init__(self, *, max_requests: int = MAX_REQUESTS) -> None:
        self.files: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if len(server.requests) >= max_requests:
                    self.send_error(503)
                    return
                server.requests.append(self.path)
                status, kind, body = server.files.get(self.path, (404, "text/plain", b""))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, files: Mapping[str, tuple[str, bytes]], *, status: int = 200) -> FileServer:
        """Serve ``files`` (path -> content type, body) with ``status``."""
        self.files.update({path: (status, kind, body) for path, (kind, body) in files.items()})
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
