"""Workers split keep-alive connections evenly (appserver/balance.go): a
worker holding more open connections than another leaves the next accept to
it, whether the connections come one by one or in a burst, and a worker
that died stops counting."""
import collections
import threading
import time

from rawhttp import Conn, get


def pid_of(conn: Conn) -> bytes:
    r = conn.request("GET", "/pid")
    assert r.status == 200
    return r.body


def wait_for_two_pids(port: int) -> set:
    pids = set()
    deadline = time.time() + 20
    while len(pids) < 2 and time.time() < deadline:
        pids.add(get(port, "/pid").body)
    assert len(pids) == 2
    return pids


def test_connections_opened_one_by_one_alternate_between_workers(start_server):
    # Idle workers: without the table, whichever worker's accept loop is
    # awake takes each connection (in practice mostly the same one).
    srv = start_server("--workers", "2", "--threads", "1", "apps:app")
    wait_for_two_pids(srv.port)
    conns = []
    try:
        for _ in range(16):
            c = Conn(srv.port)
            conns.append(c)
            pid_of(c)  # answered before the next one connects
        split = collections.Counter(pid_of(c) for c in conns)  # same worker on every request
        assert len(split) == 2, split
        assert max(split.values()) - min(split.values()) <= 2, split
    finally:
        for c in conns:
            c.close()


def test_a_burst_of_connections_splits_evenly(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "apps:app")
    wait_for_two_pids(srv.port)
    conns = [None] * 32
    pids = [None] * 32

    def one(i):
        conns[i] = Conn(srv.port)
        pids[i] = pid_of(conns[i])

    try:
        threads = [threading.Thread(target=one, args=(i,)) for i in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        split = collections.Counter(pids)
        assert len(split) == 2, split
        assert max(split.values()) - min(split.values()) <= 4, split
    finally:
        for c in conns:
            if c is not None:
                c.close()


def test_a_replacement_worker_takes_its_share_from_zero(start_server):
    # A dead worker's connections are gone with it; its replacement starts
    # from zero in the same counter, so new connections go to it until the
    # two workers hold as many each.
    srv = start_server("--workers", "2", "--threads", "1", "apps:app")
    before = wait_for_two_pids(srv.port)
    held = [Conn(srv.port) for _ in range(6)]
    fresh = []
    try:
        held_pids = [pid_of(c) for c in held]
        assert set(held_pids) == before, held_pids
        c = Conn(srv.port)
        try:
            c.send(b"GET /abort HTTP/1.1\r\nHost: t\r\n\r\n")
            while c.sock.recv(65536):
                pass
        except OSError:
            pass
        finally:
            c.close()
        deadline = time.time() + 20
        new = set()
        while time.time() < deadline and not new:
            new = {get(srv.port, "/pid").body} - before
        assert new, "no replacement worker answered"
        replacement = new.pop()
        survivors = {p for p in before if get_alive(held, held_pids, p)}
        assert len(survivors) == 1, survivors
        fresh = [Conn(srv.port) for _ in range(8)]
        split = collections.Counter(pid_of(c) for c in fresh)
        assert set(split) <= survivors | {replacement}, split
        assert split[replacement] > split[survivors.pop()], split
    finally:
        for c in held + fresh:
            c.close()


def get_alive(held, held_pids, pid) -> bool:
    """Whether the held connections of worker pid still answer."""
    for c, p in zip(held, held_pids):
        if p == pid:
            try:
                return pid_of(c) == pid
            except (OSError, EOFError, AssertionError):
                return False
    return False
