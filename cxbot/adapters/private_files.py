"""Files only their owner may read: the store, the audit key and anchor, the outbox, the
Notion webhook token. Folders cxbot makes are 0700 and files 0600; writes never follow a
symbolic link planted where cxbot writes (they are refused, or replaced by the file)."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from pathlib import Path

from cxbot.ports.errors import InputError

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
OWN_FOLDER = ".cxbot"
"""cxbot's own folder: tightened to 0700 even when an earlier version made it 0755."""


def private_folder(path: Path) -> None:
    """Makes `path` (0700) and its parents as needed; tightens cxbot's own `.cxbot`."""
    if not path.exists():
        path.mkdir(parents=True, mode=FOLDER_MODE)
        path.chmod(FOLDER_MODE)  # mkdir's mode is filtered by the umask
        return
    if path.name == OWN_FOLDER and path.is_dir() and not path.is_symlink():
        _tighten(path, FOLDER_MODE)


def private_file(path: Path) -> None:
    """`path` exists as a regular file only its owner can read (created empty if missing).
    A symbolic link there is refused: cxbot does not write through links."""
    private_folder(path.parent)
    if path.is_symlink():
        raise InputError(
            f"{path} is a symbolic link; cxbot keeps private data there and does not follow "
            "links: remove it (or point the setting at a real file)"
        )
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE))
        return
    _tighten(path, FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Replaces `path` atomically with `data`, 0600: written to a fresh file beside it (no
    link followed), then renamed over it (a link planted at `path` is replaced, not
    followed)."""
    private_folder(path.parent)
    _replace(path, data, FILE_MODE)


def _replace(path: Path, data: bytes, mode: int) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def append_private(path: Path, text: str) -> None:
    """Appends to `path` (0600, created if missing); a link there is refused."""
    private_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    except OSError as error:
        if path.is_symlink():
            raise InputError(f"{path} is a symbolic link; cxbot does not follow links") from None
        raise error
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(text)
    _tighten(path, FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    """Takes group and other permissions off what cxbot owns (a store an earlier version
    made 0644); leaves alone what belongs to someone else."""
    info = path.stat()
    if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077 == 0:
        return
    path.chmod(stat.S_IMODE(info.st_mode) & ~0o077 & 0o7777 | (mode & 0o700))
    log.info("tightened %s to %s (only its owner may read it)", path, oct(mode))


class ReportFiles:
    """Reports written where the user asked: atomically, never through a link; private
    (0600) inside cxbot's own `.cxbot/`, the user's umask elsewhere."""

    def write(self, path: Path, data: bytes) -> Path:
        if _inside_own_folder(path):
            _no_linked_folders(path)
            write_private(path, data)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            _replace(path, data, 0o666)  # the umask decides, as for any file the user makes
        return path

    def write_into(self, folder: Path, files: dict[str, bytes]) -> None:
        for name, data in files.items():
            inside = os.path.normpath(name)
            if os.path.isabs(inside) or inside == ".." or inside.startswith(".." + os.sep):
                raise InputError(f"refused to write {name!r}: it is outside {folder}")
            self.write(folder / inside, data)


def _inside_own_folder(path: Path) -> bool:
    return OWN_FOLDER in path.absolute().parts


def _no_linked_folders(path: Path) -> None:
    """No folder between cxbot's own `.cxbot/` and `path` is a link (one planted there
    would send the write elsewhere)."""
    parts = path.absolute().parts
    start = parts.index(OWN_FOLDER)
    for depth in range(start + 1, len(parts)):
        folder = Path(*parts[:depth])
        if folder.is_symlink():
            raise InputError(
                f"{folder} is a symbolic link; cxbot does not write through links in its own "
                "folder: remove it"
            )


class SecretFile:
    """One secret in its own 0600 file, or fixed by the environment (which wins)."""

    def __init__(self, path: Path, fixed: str | None = None) -> None:
        self.path, self._fixed = path, fixed
        self._kept: str | None = None  # read once: every signed request asks for it

    def get(self) -> str | None:
        if self._fixed:
            return self._fixed
        if self._kept is None and self.path.exists() and not self.path.is_symlink():
            self._kept = self.path.read_text(encoding="utf-8").strip() or None
        return self._kept

    def set(self, value: str) -> None:
        write_private(self.path, value.encode())
        self._kept = value
