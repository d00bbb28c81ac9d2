"""Loopback CONNECT proxy for gimonfu: terminates TLS for blog.hatena.ne.jp, relays to a local
server. Prints `ready` once it listens. Stdlib only; binds 127.0.0.1 only.

usage: python3 connect_proxy.py LISTEN_PORT BACKEND_PORT CERT.pem KEY.pem
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading

HOST = "blog.hatena.ne.jp"


def pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy bytes from src to dst until either side closes."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def handle(conn: socket.socket, backend: int, ctx: ssl.SSLContext) -> None:
    """Answer one CONNECT for HOST, then relay the decrypted stream to the backend."""
    head = b""
    while b"\r\n\r\n" not in head:
        data = conn.recv(4096)
        if not data:
            conn.close()
            return
        head += data
    verb, target = ([*head.split(b"\r\n", 1)[0].decode("latin-1").split(), "", ""])[:2]
    if verb != "CONNECT" or target.split(":")[0] != HOST:
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        conn.close()
        return
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    tls = ctx.wrap_socket(conn, server_side=True)
    back = socket.create_connection(("127.0.0.1", backend))
    threading.Thread(target=pump, args=(tls, back), daemon=True).start()
    pump(back, tls)


def main() -> None:
    listen, backend, cert, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = socket.create_server(("127.0.0.1", listen))
    print("ready", flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, backend, ctx), daemon=True).start()


if __name__ == "__main__":
    main()
