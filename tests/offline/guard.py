"""The socket guard: any connection or name lookup beyond loopback is refused and recorded.

The app promises never to touch the network (DESIGN.md); the whole test suite runs under this
guard, in the pytest process (tests/conftest.py) and in every Python subprocess it starts
(tests/offline/sitecustomize.py), so a dependency or a code path that reaches out fails a test.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from typing import Any

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
EXIT_NETWORK = 97  # a guarded subprocess that tried the network exits with this code

violations: list[str] = []
_originals: dict[str, Any] = {}
_fatal = False


class NetworkUsed(RuntimeError):
    """Raised where code tried to reach the network; not an OSError, so no 'offline' fallback swallows it."""


def is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower()
    if host in LOOPBACK_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    violations.append(what)
    if _fatal:  # in a subprocess: say so and die loudly, whatever the code does with exceptions
        sys.stderr.write(f"\nSOCKET GUARD: network use refused: {what}\n")
        sys.stderr.flush()
        os._exit(EXIT_NETWORK)
    raise NetworkUsed(f"network use refused by the test suite's socket guard: {what}")


def _address_host(sock: socket.socket, address: Any) -> object:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return "localhost"  # a local socket file (D-Bus, X11) is not the network
    if isinstance(address, tuple) and address:
        return address[0]
    return address


def install(fatal: bool = False) -> None:
    """Patch socket.connect/connect_ex/create_connection/getaddrinfo; idempotent."""
    global _fatal
    _fatal = fatal
    if _originals:
        return
    _originals.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        create_connection=socket.create_connection,
        getaddrinfo=socket.getaddrinfo,
        sendto=socket.socket.sendto,
    )

    def connect(self: socket.socket, address: Any) -> Any:
        host = _address_host(self, address)
        if not is_loopback(host):
            _refuse(f"connect to {address!r}")
        return _originals["connect"](self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        host = _address_host(self, address)
        if not is_loopback(host):
            _refuse(f"connect_ex to {address!r}")
        return _originals["connect_ex"](self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> Any:
        address = args[-1]
        if not is_loopback(_address_host(self, address)):
            _refuse(f"sendto {address!r}")
        return _originals["sendto"](self, data, *args)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(address[0]):
            _refuse(f"create_connection to {address!r}")
        return _originals["create_connection"](address, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            _refuse(f"getaddrinfo for {host!r}")
        return _originals["getaddrinfo"](host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[method-assign]
    socket.create_connection = create_connection  # type: ignore[assignment]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
