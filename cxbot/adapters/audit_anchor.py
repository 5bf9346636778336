"""The change history's anchor: its head (last id, hash, count) written to a file outside
the database after every append, with an HMAC keyed by CXBOT_AUDIT_KEY (or a key file
beside the anchor, made on first use). Deleting, appending or re-chaining entries in the
database then no longer verifies, unless the key is taken too."""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path

from cxbot.adapters.private_files import private_folder, write_private
from cxbot.domain.audit import Anchor, anchor_mac


class FileChainAnchor:
    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self._key = key
        self._lock = threading.Lock()

    @property
    def key(self) -> bytes:
        if self._key is None:
            key_file = self.path.with_name("audit.key")
            if not key_file.exists() and not key_file.is_symlink():
                private_folder(key_file.parent)
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                fd = os.open(key_file, flags, 0o600)
                with os.fdopen(fd, "w") as out:
                    out.write(secrets.token_hex(32))
            self._key = key_file.read_text(encoding="utf-8").strip().encode()
        return self._key

    def record(self, head_id: int, head_hash: str, count: int) -> None:
        body = {
            "id": head_id,
            "hash": head_hash,
            "count": count,
            "mac": anchor_mac(self.key, head_id, head_hash, count),
        }
        with self._lock:
            write_private(self.path, json.dumps(body).encode())

    def read(self) -> Anchor | None:
        if not self.path.exists():
            return None
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            head_id, head_hash, count = int(raw["id"]), str(raw["hash"]), int(raw["count"])
            mac = str(raw["mac"])
        except (ValueError, KeyError, TypeError):
            return Anchor(id=0, hash="", count=0, authentic=False)
        authentic = secrets.compare_digest(mac, anchor_mac(self.key, head_id, head_hash, count))
        return Anchor(id=head_id, hash=head_hash, count=count, authentic=authentic)
