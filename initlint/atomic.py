"""Atomic file replacement, shared by the cache and by --fix write-back."""
from __future__ import annotations

import os
import tempfile


def replace_atomically(path: str, payload: bytes, mode: int, durable: bool = False) -> None:
    """Write `payload` to a temporary file beside `path`, then rename it over `path`: readers see
    the old or the new content, never a mix. `durable` also fsyncs before the rename."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".initlint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        try:
            os.chmod(temporary, mode)
        except OSError:
            pass
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
