"""Slack's external file upload: files.getUploadURLExternal, the upload URL, and
files.completeUploadExternal, with the limits Slack documents.

1. `files.getUploadURLExternal` (filename, length in bytes, optional alt_txt) answers an
   `upload_url` and a `file_id`; 2. the bytes are POSTed to the URL (raw or multipart),
   and must be `length` long; 3. `files.completeUploadExternal` (files=[{id, title}],
   channel_id, initial_comment, thread_ts) shares them — once — in a message whose `files`
   carry each file's name and title. A file never completed is not shown anywhere.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

MAX_FILE_BYTES = 1024**3  # 1 GB, Slack's limit for one file
MAX_ALT_TEXT = 1000
MAX_FILES_PER_COMPLETE = 100
MIME = {"png": "image/png", "svg": "image/svg+xml", "html": "text/html", "md": "text/markdown"}


class FileError(Exception):
    """An error Slack answers as `{"ok": false, "error": code}`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class PendingFile:
    id: str
    name: str
    length: int
    alt_txt: str
    token: str
    content: bytes | None = None
    title: str = ""
    completed: bool = False

    def as_shared(self, bot_user: str, channel: str, ts: str) -> dict[str, Any]:
        extension = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": MIME.get(extension, "application/octet-stream"),
            "filetype": extension or "binary",
            "user": bot_user,
            "size": self.length,
            "alt_txt": self.alt_txt,
            "url_private": f"https://files.slack.com/files-pri/T0000001-{self.id}/{self.name}",
            "shares": {"public": {channel: [{"ts": ts}]}},
        }


class FileUploads:
    """The files half of the Slack emulator (its lock and ids are the server's)."""

    def __init__(self, new_id: Any) -> None:
        self.new_id = new_id
        self.files: dict[str, PendingFile] = {}
        self.by_token: dict[str, str] = {}

    def get_upload_url(self, args: dict[str, Any], base_url: str) -> dict[str, Any]:
        name = args.get("filename")
        if not isinstance(name, str) or not name.strip():
            raise FileError("invalid_arguments")
        try:
            length = int(args.get("length", ""))
        except (TypeError, ValueError):
            raise FileError("invalid_arguments") from None
        if length <= 0:
            raise FileError("missing_argument")  # Slack's answer to a length of 0
        if length > MAX_FILE_BYTES:
            raise FileError("file_upload_size_restricted")
        alt = str(args.get("alt_txt") or args.get("alt_text") or "")
        if len(alt) > MAX_ALT_TEXT:
            raise FileError("alt_txt_too_large")
        file = PendingFile(
            id=f"F{self.new_id():09d}",
            name=name,
            length=length,
            alt_txt=alt,
            token=secrets.token_urlsafe(12),
        )
        self.files[file.id] = file
        self.by_token[file.token] = file.id
        return {"upload_url": f"{base_url}/upload/v1/{file.token}", "file_id": file.id}

    def receive(self, token: str, raw: bytes, content_type: str) -> tuple[int, str]:
        """The POST to an upload URL: (HTTP status, body) as Slack's file service answers."""
        file_id = self.by_token.get(token)
        if file_id is None:
            return 404, "upload url not found"
        file = self.files[file_id]
        if file.completed:
            return 400, "upload already completed"
        content = _multipart_file(raw, content_type) if "multipart/" in content_type else raw
        if content is None or len(content) != file.length:
            got = "no file" if content is None else f"{len(content)} bytes"
            return 400, f"the upload is {got}; files.getUploadURLExternal said {file.length}"
        file.content = content
        return 200, f"OK - {len(content)}"

    def complete(self, args: dict[str, Any]) -> list[PendingFile]:
        """Checks and marks the files of a completeUploadExternal call; the server posts."""
        listed = args.get("files")
        if isinstance(listed, str):
            try:
                listed = json.loads(listed)
            except ValueError:
                raise FileError("invalid_arguments") from None
        if not isinstance(listed, list) or not listed or len(listed) > MAX_FILES_PER_COMPLETE:
            raise FileError("invalid_arguments")
        found: list[PendingFile] = []
        for entry in listed:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise FileError("invalid_arguments")
            file = self.files.get(entry["id"])
            if file is None or file.content is None:
                raise FileError("file_not_found")  # unknown, or its bytes never arrived
            if file.completed:
                raise FileError("file_already_completed")  # "can only be called once"
            found.append(file)
        for entry, file in zip(listed, found, strict=True):
            file.title = str(entry.get("title") or file.name)
            file.completed = True
        return found


def _multipart_file(raw: bytes, content_type: str) -> bytes | None:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    for part in message.iter_parts():
        if part.get_filename() is not None or part.get_param("name", header="content-disposition"):
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else None
    return None
