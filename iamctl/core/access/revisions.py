"""A store file as it was at a git revision (``git show REV:path``), for ``access diff --git``."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from iamctl.core.errors import UsageError
from iamctl.core.model import StoreData


def _git(cwd: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("access diff --git needs git, which is not installed.", "NoGit") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}", "GitFailed")
    return proc.stdout


def text_at(store_path: Path, revision: str) -> bytes:
    """The store file's bytes at *revision* of the git repository that holds it."""
    if revision.startswith("-"):
        raise UsageError(f"{revision!r} is not a revision.", "GitFailed")
    folder = store_path.resolve().parent
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    relative = store_path.resolve().relative_to(top.resolve()).as_posix()
    return _git(top, "show", f"{revision}:{relative}")


def store_at(store_path: Path, revision: str) -> StoreData:
    """The store as it was at *revision*, read and checked like any store file; the
    temporary copy (and its read cache) is removed afterwards."""
    from iamctl.core.store import Store

    content = text_at(store_path, revision)
    folder = Path(tempfile.mkdtemp(prefix="iamctl-diff-"))
    try:
        copy = folder / f"{store_path.name}@{revision.replace('/', '_')}"
        copy.write_bytes(content)
        store = Store(copy)
        try:
            return store.read()
        finally:
            cache = getattr(store, "cache_path", None)
            if cache is not None:
                with contextlib.suppress(OSError):
                    Path(cache).unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
