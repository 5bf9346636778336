"""What cxbot keeps on disk only its owner can read, and no planted link redirects it."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cxbot.adapters.audit_anchor import FileChainAnchor
from cxbot.adapters.outbox import OutboxNotifier
from cxbot.adapters.private_files import SecretFile, write_private
from cxbot.adapters.store.sql_store import open_store
from cxbot.domain.reminders import Recipient
from cxbot.ports.errors import InputError
from cxbot.ports.messages import Attachment, Destination, Message


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_is_private_and_so_are_its_journal_files(tmp_path: Path) -> None:
    folder = tmp_path / ".cxbot"
    store = open_store(f"sqlite:///{folder / 'cxbot.db'}")
    try:
        store.cursors.set_cursor("x", "y")  # a write: the WAL and shared-memory files appear
        assert _mode(folder) == 0o700 and _mode(folder / "cxbot.db") == 0o600
        journals = [p for p in folder.iterdir() if p.name.startswith("cxbot.db-")]
        assert journals and all(_mode(p) & 0o077 == 0 for p in journals)
    finally:
        store.close()


def test_a_store_an_earlier_version_left_readable_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / ".cxbot"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    open_store(f"sqlite:///{folder / 'cxbot.db'}").close()
    os.chmod(folder / "cxbot.db", 0o644)
    open_store(f"sqlite:///{folder / 'cxbot.db'}").close()
    assert _mode(folder) == 0o700 and _mode(folder / "cxbot.db") == 0o600


def test_a_folder_that_is_not_cxbots_own_is_left_alone(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    open_store(f"sqlite:///{tmp_path / 'team.db'}").close()
    assert _mode(tmp_path) == 0o755 and _mode(tmp_path / "team.db") == 0o600


def test_a_link_planted_where_the_store_goes_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / ".cxbot"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.db"
    (folder / "cxbot.db").symlink_to(elsewhere)
    with pytest.raises(InputError, match="symbolic link"):
        open_store(f"sqlite:///{folder / 'cxbot.db'}")
    assert not elsewhere.exists()


def test_the_outbox_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (tmp_path / "outbox.jsonl").symlink_to(victim)
    outbox = OutboxNotifier(tmp_path / "outbox.jsonl", clock=lambda: datetime.now(UTC))
    where = outbox.resolve(Recipient(key="channel:cx", name="CX", channel="C1"))
    assert where is not None
    with pytest.raises(InputError, match="symbolic link"):
        outbox.post(where, Message(key="k", text="t", blocks=[]))
    assert victim.read_text() == "keep me\n"


def test_the_outbox_and_its_files_are_private(tmp_path: Path) -> None:
    outbox = OutboxNotifier(tmp_path / ".cxbot" / "outbox.jsonl", clock=lambda: datetime.now(UTC))
    chart = Attachment(filename="w.png", content=b"png", title="w")
    outbox.post(
        Destination(channel="outbox:cx", label="CX"),
        Message(key="k", text="t", blocks=[], attachment=chart),
    )
    assert _mode(tmp_path / ".cxbot" / "outbox.jsonl") == 0o600
    assert _mode(tmp_path / ".cxbot" / "outbox-files" / "w.png") == 0o600


def test_the_anchor_replaces_a_planted_link_instead_of_following_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    anchor_path = tmp_path / ".cxbot" / "audit-anchor.json"
    anchor_path.parent.mkdir()
    anchor_path.symlink_to(victim)
    anchor = FileChainAnchor(anchor_path)
    anchor.record(1, "abc", 1)
    assert victim.read_text() == "keep me\n"
    assert not anchor_path.is_symlink() and _mode(anchor_path) == 0o600
    assert _mode(anchor_path.with_name("audit.key")) == 0o600
    kept = anchor.read()
    assert kept is not None and kept.authentic


def test_concurrent_private_writes_never_leave_a_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "token"
    threads = [
        threading.Thread(target=write_private, args=(target, f"token-{n}".encode() * 100))
        for n in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    text = target.read_text()
    assert len(set(text.split("token-")) - {""}) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_secret_from_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    kept = SecretFile(tmp_path / "t")
    assert kept.get() is None
    kept.set("secret_file")
    assert kept.get() == "secret_file" and _mode(tmp_path / "t") == 0o600
    assert SecretFile(tmp_path / "t", "secret_env").get() == "secret_env"
