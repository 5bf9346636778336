"""Slack's Socket Mode on loopback: the WebSocket an app opens with the URL from
`apps.connections.open`, `hello` on connect, envelopes (`events_api`, `interactive`,
`slash_commands`) the app must acknowledge by `envelope_id` within three seconds, an ack's
`payload` (a modal's `response_action`), and `disconnect` (refresh) after which the app
asks for a new URL. Plain `ws://` on 127.0.0.1 (slack-sdk's built-in client connects
without TLS to a port other than 443)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

_MAGIC = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
ACK_TIMEOUT = 3.0
_TEXT, _CLOSE, _PING, _PONG = 0x1, 0x8, 0x9, 0xA


@dataclass
class _Connection:
    sock: socket.socket
    ticket: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    open: bool = True
    retiring: bool = False
    """Asked to disconnect: Slack sends it nothing more, the app opens a new one."""

    def send(self, message: dict[str, Any]) -> None:
        self._frame(_TEXT, json.dumps(message, ensure_ascii=False).encode())

    def _frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([size])
        elif size < 1 << 16:
            header += bytes([126]) + struct.pack("!H", size)
        else:
            header += bytes([127]) + struct.pack("!Q", size)
        with self.lock:
            self.sock.sendall(header + payload)

    def close(self) -> None:
        if self.open:
            self.open = False
            with contextlib.suppress(OSError):
                self._frame(_CLOSE, struct.pack("!H", 1000))
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()


class SocketModeServer:
    """The Socket Mode side of the Slack emulator (`SlackEmulator.socket_mode`)."""

    def __init__(self, app_id: str = "A0000001") -> None:
        self.app_id = app_id
        self.tickets: set[str] = set()
        self.connections: list[_Connection] = []
        self.acks: dict[str, threading.Event] = {}
        self.ack_payloads: dict[str, Any] = {}
        self.envelopes: list[dict[str, Any]] = []  # every envelope sent, for tests
        self.lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True, name="slack-socket-mode").start()

    # the Web API side ----------------------------------------------------------------
    def new_url(self) -> str:
        """What `apps.connections.open` answers: a one-use ticket on this server."""
        ticket = uuid.uuid4().hex
        with self.lock:
            self.tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # Slack sending ----------------------------------------------------------------------
    def connected(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._live():
                return True
            time.sleep(0.02)
        return False

    def send(
        self, kind: str, payload: Any, *, accepts_response_payload: bool, retry_attempt: int = 0
    ) -> tuple[bool, Any, float]:
        """Sends one envelope; (acknowledged in time, the ack's payload, seconds taken)."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        acked = threading.Event()
        with self.lock:
            self.acks[envelope_id] = acked
            self.envelopes.append(envelope)
        if not self.connected(timeout=2.0):  # Slack holds an event while the app reconnects
            return False, None, 0.0
        live = self._live()
        started = time.perf_counter()
        live[0].send(envelope)
        got = acked.wait(ACK_TIMEOUT)
        seconds = time.perf_counter() - started
        with self.lock:
            self.acks.pop(envelope_id, None)
            answer = self.ack_payloads.pop(envelope_id, None)
        return got, answer, seconds

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack asks every connection to reconnect (it refreshes them about hourly) and
        sends the next envelopes on the new connections only."""
        for connection in self._live():
            connection.retiring = True
            with contextlib.suppress(OSError):
                connection.send(
                    {
                        "type": "disconnect",
                        "reason": reason,
                        "debug_info": {"host": "applink-emulator"},
                    }
                )

    def stop(self) -> None:
        self._stopped = True
        for connection in list(self.connections):
            connection.close()
        with contextlib.suppress(OSError):
            self._listener.close()

    # the wire ------------------------------------------------------------------------------
    def _live(self) -> list[_Connection]:
        """The open connections Slack still sends on."""
        with self.lock:
            return [c for c in self.connections if c.open and not c.retiring]

    def _accept(self) -> None:
        while not self._stopped:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            connection = self._handshake(sock)
        except (OSError, ValueError):
            sock.close()
            return
        if connection is None:
            return
        with self.lock:
            self.connections.append(connection)
            count = len([c for c in self.connections if c.open])
        connection.send(
            {
                "type": "hello",
                "num_connections": count,
                "debug_info": {"host": "applink-emulator", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }
        )
        try:
            self._read(connection)
        except (OSError, ValueError):
            pass
        finally:
            connection.close()

    def _handshake(self, sock: socket.socket) -> _Connection | None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                raise ValueError("closed during the handshake")
            request += chunk
        head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        line, *lines = head.split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
        ticket = line.split(" ")[1].partition("ticket=")[2].partition("&")[0]
        with self.lock:
            valid = ticket in self.tickets
            self.tickets.discard(ticket)  # a ticket opens one connection
        key = headers.get("sec-websocket-key", "")
        if not valid or not key:
            sock.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            sock.close()
            return None
        accept = base64.b64encode(hashlib.sha1((key + _MAGIC).encode()).digest()).decode()
        sock.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        return _Connection(sock=sock, ticket=ticket)

    def _read(self, connection: _Connection) -> None:
        while connection.open:
            opcode, payload = _read_frame(connection.sock)
            if opcode == _CLOSE:
                return
            if opcode == _PING:
                connection._frame(_PONG, payload)
            elif opcode == _TEXT:
                self._acknowledged(json.loads(payload.decode()))

    def _acknowledged(self, message: dict[str, Any]) -> None:
        envelope_id = str(message.get("envelope_id", ""))
        with self.lock:
            event = self.acks.get(envelope_id)
            if event is None:
                return
            if "payload" in message:
                self.ack_payloads[envelope_id] = message["payload"]
        event.set()


def _read_frame(sock: socket.socket) -> tuple[int, bytes]:
    first, second = _exactly(sock, 2)
    opcode, masked, size = first & 0x0F, second & 0x80, second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", _exactly(sock, 2))
    elif size == 127:
        (size,) = struct.unpack("!Q", _exactly(sock, 8))
    if not masked:
        raise ValueError("a client's frames must be masked")
    mask = _exactly(sock, 4)
    data = _exactly(sock, size)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ValueError("the connection closed")
        data += chunk
    return data
