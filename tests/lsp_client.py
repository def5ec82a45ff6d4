"""A small JSON-RPC / LSP client over a subprocess's stdio, for the server tests (and the benchmark)."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from typing import Any, Dict, List, Optional

# the installed entry point (`python -m` would put the cwd first on sys.path: a user's copy.py would shadow the stdlib)
INITLINT = shutil.which("initlint") or os.path.join(os.path.dirname(sys.executable), "initlint")


class Client:
    def __init__(self, cwd: str, command: Optional[List[str]] = None, debounce: Optional[str] = "0.05") -> None:
        """`debounce`: INITLINT_SERVER_DEBOUNCE for the server (None: the server's default)."""
        env = dict(os.environ)
        env.pop("INITLINT_SERVER_DEBOUNCE", None)
        if debounce is not None:
            env["INITLINT_SERVER_DEBOUNCE"] = debounce
        command = command or [INITLINT, "server"]
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next_id = 0
        self.responses: Dict[int, "queue.Queue[Dict[str, Any]]"] = {}
        self.notifications: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "id" in message and "method" not in message:
                self.responses.setdefault(message["id"], queue.Queue()).put(message)
            elif "id" in message:  # a request from the server (registerCapability...): say yes
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            else:
                self.notifications.put(message)

    def _send(self, message: Dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        with self.lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        self.next_id += 1
        ident = self.next_id
        box = self.responses.setdefault(ident, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        message = box.get(timeout=timeout)
        if "error" in message:
            raise RuntimeError(message["error"])
        return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri: str, timeout: float = 60) -> List[Dict[str, Any]]:
        """The next published diagnostics for `uri`."""
        while True:
            message = self.notifications.get(timeout=timeout)
            if message["method"] == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    def initialize(self, root_uri: str) -> Dict[str, Any]:
        result = self.request("initialize", {"processId": os.getpid(), "rootUri": root_uri, "capabilities": {
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}})
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                               "version": version, "text": text}})

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})

    def stop(self, timeout: float = 30) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def apply_text_edits(text: str, edits: List[Dict[str, Any]]) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to a text, as an editor does."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: Dict[str, int]) -> int:
        row = position["line"]
        if row >= len(lines):
            return len(text)
        line = lines[row]
        units = 0
        for index, char in enumerate(line):
            if units >= position["character"]:
                return starts[row] + index
            units += 2 if ord(char) > 0xFFFF else 1
        return starts[row] + len(line.rstrip("\r\n"))

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits),
                   reverse=True)
    for begin, end, new in spans:
        text = text[:begin] + new + text[end:]
    return text
