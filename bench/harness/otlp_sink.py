"""A do-nothing OTLP/HTTP receiver: lets the tracing arm pay for exporting spans, as production
does, without a collector. Answers every POST with an empty (valid) export response.

    python -m bench.harness.otlp_sink <port>
"""
from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self._answer(b"", "application/x-protobuf")

    def do_GET(self) -> None:  # noqa: N802
        self._answer(b'{"status":"ready"}', "application/json")

    def _answer(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
