"""`initlint server`: a Language Server Protocol server over stdio (pygls 2.x + lsprotocol).

A thin door onto `initlint.api`: the editor's buffer text goes to `api.lint_document` (never the
file on disk), quick fixes come from each diagnostic's own edits, "fix all" from
`api.fix_document`. `convert` turns initlint's 1-based rows/columns into LSP's 0-based UTF-16
positions; `workspace` keeps the closest configuration per directory (reloaded when a
configuration file changes); `lsp` wires the protocol.
"""
from __future__ import annotations


def run() -> int:
    """Serve over stdin/stdout until the client says exit; the exit status."""
    from .lsp import build_server

    server = build_server()
    server.start_io()
    return 0


__all__ = ["run"]
