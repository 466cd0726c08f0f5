"""A small Language Server Protocol client over stdio, enough to drive yaml-language-server the
way an editor does: initialize with a workspace and settings, open a file, read the diagnostics
it publishes, ask for completions.

Messages are JSON-RPC with a ``Content-Length`` header. A reader thread collects everything the
server sends; the server's requests for settings (``workspace/configuration``) are answered
from the settings given, its other requests (capability registration, progress) get an empty
answer, as a client without those features gives. Waits have a deadline so that a
server that never answers fails the test instead of hanging it; nothing asserts on time.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEADLINE = 60.0  # seconds a server gets to answer (starting node and compiling the schema takes ~1 s)


class LspError(AssertionError):
    pass


class LspClient:
    def __init__(self, command: list[str], cwd: Path):
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.messages: queue.Queue[dict] = queue.Queue()
        self.diagnostics: dict[str, list[dict]] = {}
        self.published: dict[str, int] = {}  # publishDiagnostics received per uri
        self._next_id = 0
        self._responses: dict[int, dict] = {}
        self.settings: dict[str, Any] = {}  # by section, as workspace/configuration asks for them
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # ------------------------------------------------------------------ wire

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        with self._lock:
            assert self.process.stdin is not None
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return  # the server exited
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.messages.put(json.loads(stream.read(length)))

    def _handle(self, message: dict) -> dict | None:
        """Record notifications, answer server requests; return a response to a request of ours."""
        if "method" in message and "id" in message:  # a request from the server
            result = None
            if message["method"] == "workspace/configuration":  # the server pulls its settings, section by section
                result = [self.settings.get(item.get("section", ""), {}) for item in message["params"]["items"]]
            self._send({"id": message["id"], "result": result})
            return None
        if message.get("method") == "textDocument/publishDiagnostics":
            uri = message["params"]["uri"]
            self.diagnostics[uri] = message["params"]["diagnostics"]
            self.published[uri] = self.published.get(uri, 0) + 1
            return None
        return message if "id" in message else None

    def _pump(self, done: Callable[[], Any], what: str) -> Any:
        deadline = time.monotonic() + DEADLINE
        while True:
            result = done()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                exited = self.process.poll() is not None
                stderr = self.process.stderr.read().decode("utf-8", "replace") if exited else ""
                raise LspError(f"yaml-language-server gave no {what} (diagnostics so far: {self.diagnostics}) {stderr}")
            try:
                message = self.messages.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            response = self._handle(message)
            if response is not None:
                self._responses[response["id"]] = response

    # ------------------------------------------------------------------ protocol

    def request(self, method: str, params: dict) -> Any:
        self._next_id += 1
        request_id = self._next_id
        self._send({"id": request_id, "method": method, "params": params})
        response = self._pump(lambda: self._responses.get(request_id), f"answer to {method}")
        if "error" in response:
            raise LspError(f"{method} failed: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def initialize(self, workspace: Path, settings: dict) -> dict:
        """Start a session on ``workspace``; ``settings`` by section ({"yaml": {...}}), as in VS Code."""
        self.settings = settings
        uri = workspace.as_uri()
        result = self.request("initialize", {
            "processId": None,
            "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": workspace.name}],
            "capabilities": {"workspace": {"configuration": True, "workspaceFolders": True}, "textDocument": {
                "publishDiagnostics": {},
                "completion": {"completionItem": {"snippetSupport": False}},
            }},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})
        return result

    def open(self, path: Path) -> str:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}})
        return uri

    def wait_for_diagnostics(self, uri: str, until: Callable[[list[dict]], bool]) -> list[dict]:
        """The diagnostics published for ``uri`` once ``until`` holds for them (possibly none)."""
        self._pump(lambda: self.published.get(uri) and until(self.diagnostics[uri]), f"diagnostics for {uri} that fit")
        return self.diagnostics[uri]

    def completion(self, uri: str, line: int, character: int) -> list[dict]:
        result = self.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        return result["items"] if isinstance(result, dict) else (result or [])

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.request("shutdown", {})
                self.notify("exit", {})
                self.process.wait(timeout=10)
        except (LspError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()
