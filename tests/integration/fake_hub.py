"""A local HTTP server with the Hugging Face Hub's download shape, serving model repositories from folders.

It answers what ``huggingface_hub.snapshot_download`` and ``hf_hub_download`` request (huggingface_hub
2.x, ``HfApi.model_info``, ``HfApi.list_repo_tree`` and ``file_download.get_hf_file_metadata``):

- ``GET /api/models/{repo_id}/revision/{revision}``: the repository's info, with ``id``, ``sha`` (the
  commit) and ``siblings`` (``rfilename`` per file);
- ``GET /api/models/{repo_id}/tree/{revision}``: the file listing (``type``, ``path``, ``size``, ``oid``),
  one page (no ``Link`` header);
- ``HEAD`` and ``GET /{repo_id}/resolve/{revision}/{path}``: the file, with ``ETag`` (the git blob id,
  quoted), ``X-Repo-Commit`` and ``Content-Length``.

The commit id is a SHA-1 over the files' paths and blob ids. Every request path is recorded in
:attr:`FakeHub.requests`. The server binds 127.0.0.1 on an ephemeral port.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


def _blob_id(data: bytes) -> str:
    """Git's blob id: SHA-1 of ``b"blob <size>\\0" + data``."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


class FakeHub:
    """Serves ``repos`` (repository id → folder) until :meth:`stop`; use as a context manager."""

    def __init__(self, repos: dict[str, Path]) -> None:
        self.repos = repos
        self.requests: list[tuple[str, str]] = []
        self._files: dict[str, dict[str, Path]] = {
            repo: {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
            for repo, root in repos.items()
        }
        self.commits = {
            repo: hashlib.sha1(
                "".join(f"{name}:{_blob_id(path.read_bytes())}\n" for name, path in files.items()).encode()
            ).hexdigest()
            for repo, files in self._files.items()
        }
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_HEAD(self) -> None:
                hub._serve(self, body=False)

            def do_GET(self) -> None:
                hub._serve(self, body=True)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234`` (what ``HF_ENDPOINT`` is set to)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def _repo_of(self, path: str) -> tuple[str, str] | None:
        for repo in self.repos:
            if path.startswith(repo + "/"):
                return repo, path[len(repo) + 1 :]
        return None

    def _serve(self, h: BaseHTTPRequestHandler, *, body: bool) -> None:
        path = unquote(urlsplit(h.path).path)
        self.requests.append((h.command, path))
        if path.startswith("/api/models/"):
            found = self._repo_of(path.removeprefix("/api/models/"))
            if found is not None:
                repo, rest = found
                kind = rest.split("/", 1)[0]
                files = self._files[repo]
                if kind == "revision":
                    info = {
                        "id": repo,
                        "modelId": repo,
                        "sha": self.commits[repo],
                        "private": False,
                        "siblings": [{"rfilename": name} for name in files],
                    }
                    return self._json(h, info, body)
                if kind == "tree":
                    tree = [
                        {"type": "file", "path": name, "size": p.stat().st_size, "oid": _blob_id(p.read_bytes())}
                        for name, p in files.items()
                    ]
                    return self._json(h, tree, body)
        else:
            found = self._repo_of(path.lstrip("/"))
            if found is not None and "/resolve/" in "/" + found[1]:
                repo, rest = found
                _, _, name = rest.removeprefix("resolve/").partition("/")
                file = self._files[repo].get(name)
                if file is not None:
                    data = file.read_bytes()
                    h.send_response(200)
                    h.send_header("Content-Type", "application/octet-stream")
                    h.send_header("Content-Length", str(len(data)))
                    h.send_header("ETag", f'"{_blob_id(data)}"')
                    h.send_header("X-Repo-Commit", self.commits[repo])
                    h.end_headers()
                    if body:
                        h.wfile.write(data)
                    return
        h.send_response(404)
        h.send_header("Content-Type", "application/json")
        h.send_header("X-Error-Code", "EntryNotFound")
        payload = b'{"error": "not found"}'
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        if body:
            h.wfile.write(payload)

    @staticmethod
    def _json(h: BaseHTTPRequestHandler, obj: object, body: bool) -> None:
        data = json.dumps(obj).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if body:
            h.wfile.write(data)
