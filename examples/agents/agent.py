#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
"""A sandboxd policy agent in plain Python: it speaks the agent protocol of
sandbox-notify(7) with the struct module, without the client library.

    agent.py [-w SECONDS] [--hold SECONDS] [--sandbox-bpf PATH] SOCKET RULE...

RULE is one of
    deny=NAME:ERRNO   the call fails with ERRNO (a name such as EPERM, or
                      a number)
    fake=NAME:VALUE   the call does not run and returns VALUE
    allow=NAME        the call runs (CONTINUE); so do calls no rule names

NAME is a system call name, or a number for the host's ABI.  Names are
resolved per ABI with `sandbox-bpf cache` (found through --sandbox-bpf,
$SANDBOX_BPF or $PATH), or else a small built-in x86_64 table.  The agent
prints one line per notification and per CANCEL, and exits 0 when the
sandbox has ended (end of file, or RECV answered with ENOENT).

--hold SECONDS makes it a slow agent: it waits that long before each
answer, and answers nothing when a CANCEL withdraws the notification
meanwhile (a signal interrupted the call, or the thread died).
"""

import argparse
import errno
import os
import platform
import select
import shutil
import socket
import struct
import subprocess
import sys
import time

# ---- the wire format (src/notify/sandbox-notify.h), host byte order ------

VERSION = 1
MAX_RECORD = 4096

HELLO, RECV, NOTIF, SEND, ID_VALID, ADDFD, READ_MEM, STATUS, CANCEL = \
    range(1, 10)

HDR = struct.Struct("=II")                # type, len
# version, sizeof notif/resp/data/addfd, (4 bytes of padding), features,
# max_record, reserved: the C struct's layout, padding included
HELLO_REC = struct.Struct("=IHHHH4xQII")
# id, pid, flags, then struct seccomp_data: nr, arch, ip, args[6]
NOTIF_REC = struct.Struct("=QIIiIQ6Q")
RESP_REC = struct.Struct("=QqiI")         # id, val, error, flags
STATUS_REC = struct.Struct("=QIiq")       # id, request, error, val
CANCEL_REC = struct.Struct("=QII")        # id, reason, reserved

FLAG_CONTINUE = 1                         # SECCOMP_USER_NOTIF_FLAG_CONTINUE
FEATURE_CONTINUE = 1 << 2
CANCEL_REASONS = {1: "signal", 2: "exit"}

# AUDIT_ARCH_* values and sandbox-bpf's names for them
ARCHES = {
    0xC000003E: "x86_64",
    0x40000003: "x86",
    0xC00000B7: "aarch64",
    0x40000028: "arm",
}
X32_BIT = 0x40000000
KNOWN_ABIS = set(ARCHES.values())

# Used only without sandbox-bpf: a few x86_64 calls.
BUILTIN_X86_64 = {
    "read": 0, "write": 1, "open": 2, "close": 3, "getpid": 39,
    "socket": 41, "connect": 42, "uname": 63, "chdir": 80,
    "mkdir": 83, "rmdir": 84, "unlink": 87, "getuid": 102,
    "getgid": 104, "geteuid": 107, "getppid": 110, "openat": 257,
    "mkdirat": 258, "unlinkat": 263,
}


class ProtocolError(Exception):
    pass


def die(msg, status=1):
    print("agent.py: %s" % msg, file=sys.stderr)
    sys.exit(status)


# ---- system call names ---------------------------------------------------

class Names:
    """Maps (ABI, name) to a number, one sandbox-bpf run per ABI."""

    def __init__(self, bpf):
        self.bpf = bpf
        self.tables = {}

    def table(self, abi):
        if abi in self.tables:
            return self.tables[abi]
        table = {}
        if abi not in KNOWN_ABIS:
            pass
        elif self.bpf:
            # every call of the ABI: what the cache allows under "ret ALLOW"
            prog = subprocess.run([self.bpf, "asm", "-", "-o", "-"],
                                  input=b"ret ALLOW\n", capture_output=True,
                                  check=True).stdout
            out = subprocess.run([self.bpf, "cache", "-a", abi, "-"],
                                 input=prog, capture_output=True,
                                 check=True).stdout
            for line in out.decode().splitlines():
                nr, name = line.split()
                table[name] = int(nr)
        elif abi == "x86_64":
            table = dict(BUILTIN_X86_64)
        self.tables[abi] = table
        return table

    def number(self, abi, name):
        """The number of NAME in ABI, or None."""
        if name.isdigit():
            return int(name) if abi == host_abi() else None
        return self.table(abi).get(name)

    def name(self, abi, nr):
        for name, n in self.table(abi).items():
            if n == nr:
                return name
        return "nr %d" % nr


def host_abi():
    return {"x86_64": "x86_64", "aarch64": "aarch64"}.get(platform.machine(),
                                                           platform.machine())


def find_sandbox_bpf(given):
    for cand in (given, os.environ.get("SANDBOX_BPF"),
                 shutil.which("sandbox-bpf")):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


# ---- rules ----------------------------------------------------------------

def parse_rule(text):
    """A RULE argument as (name, (kind, value))."""
    kind, sep, spec = text.partition("=")
    if not sep or kind not in ("deny", "fake", "allow"):
        raise ValueError("not deny=, fake= or allow=")
    if kind == "allow":
        return spec, ("allow", 0)
    name, sep, value = spec.partition(":")
    if not sep or not name:
        raise ValueError("no NAME:VALUE")
    if kind == "deny":
        if value.isdigit():
            num = int(value)
        elif value.startswith("E") and \
                isinstance(getattr(errno, value, None), int):
            num = getattr(errno, value)
        else:
            raise ValueError("unknown errno %r" % value)
        if not 1 <= num <= 4095:
            raise ValueError("errno out of range")
        return name, ("deny", num)
    return name, ("fake", int(value, 0))


# ---- the connection ---------------------------------------------------------

class Conn:
    def __init__(self, path, wait):
        deadline = time.monotonic() + wait
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)
        self.cancels = []

    def send(self, rtype, payload=b""):
        self.sock.send(HDR.pack(rtype, len(payload)) + payload)

    def read(self):
        """The next record as (type, payload), or None at end of file."""
        data, _, flags, _ = self.sock.recvmsg(MAX_RECORD)
        if not data:
            return None
        if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
            raise ProtocolError("record longer than %d bytes" % MAX_RECORD)
        if len(data) < HDR.size:
            raise ProtocolError("record of %d bytes" % len(data))
        rtype, length = HDR.unpack_from(data)
        if length != len(data) - HDR.size:
            raise ProtocolError("type %d: length %d in a record of %d bytes"
                                % (rtype, length, len(data)))
        payload = data[HDR.size:]
        if rtype == CANCEL:
            if len(payload) != CANCEL_REC.size:
                raise ProtocolError("CANCEL of %d bytes" % len(payload))
            self.cancels.append(CANCEL_REC.unpack(payload)[:2])
        return rtype, payload

    def hello(self):
        rec = self.read()
        if rec is None or rec[0] != HELLO:
            raise ProtocolError("no HELLO")
        if len(rec[1]) >= 4 and struct.unpack_from("=I", rec[1])[0] != VERSION:
            raise ProtocolError("version %d, not %d"
                                % (struct.unpack_from("=I", rec[1])[0],
                                   VERSION))
        if len(rec[1]) != HELLO_REC.size:
            raise ProtocolError("HELLO of %d bytes" % len(rec[1]))
        _, s_notif, s_resp, s_data, _, features, _, _ = \
            HELLO_REC.unpack(rec[1])
        if (s_notif, s_resp, s_data) != (NOTIF_REC.size, RESP_REC.size, 64):
            raise ProtocolError("struct sizes %d, %d, %d"
                                % (s_notif, s_resp, s_data))
        return features

    def status(self, request, nid):
        """Wait for the STATUS answering REQUEST for NID: (error, val)."""
        while True:
            rec = self.read()
            if rec is None:
                return None
            rtype, payload = rec
            if rtype == CANCEL:
                continue
            if rtype != STATUS or len(payload) != STATUS_REC.size:
                raise ProtocolError("type %d where a STATUS was due" % rtype)
            sid, req, err, val = STATUS_REC.unpack(payload)
            if (req, sid) != (request, nid):
                raise ProtocolError("STATUS for %d of id %d, not %d of %d"
                                    % (req, sid, request, nid))
            return err, val


def errname(err):
    return errno.errorcode.get(-err, str(err)) if err else "0"


def held(conn, nid, hold):
    """Wait HOLD seconds; whether a CANCEL withdrew NID meanwhile."""
    deadline = time.monotonic() + hold
    while True:
        if any(cid == nid for cid, _ in conn.cancels):
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if select.select([conn.sock], [], [], left)[0]:
            rec = conn.read()
            if rec is None:
                return True
            if rec[0] != CANCEL:
                raise ProtocolError("type %d with no request out" % rec[0])


def serve(conn, names, rules, hold):
    """Answer until the sandbox ends; returns the exit status."""
    while True:
        conn.send(RECV)
        while True:
            rec = conn.read()
            flush_cancels(conn)
            if rec is None:
                return 0
            rtype, payload = rec
            if rtype == NOTIF:
                break
            if rtype == STATUS and len(payload) == STATUS_REC.size:
                _, req, err, _ = STATUS_REC.unpack(payload)
                if req == RECV and err == -errno.ENOENT:
                    return 0
                raise ProtocolError("RECV failed: %s" % errname(err))
            if rtype != CANCEL:
                raise ProtocolError("type %d where a NOTIF was due" % rtype)
        if len(payload) != NOTIF_REC.size:
            raise ProtocolError("NOTIF of %d bytes" % len(payload))
        nid, pid, _, nr, arch, _, *args = NOTIF_REC.unpack(payload)
        abi = ARCHES.get(arch, "arch 0x%x" % arch)
        if arch == 0xC000003E and nr & X32_BIT:
            abi = "x32"
        name = names.name(abi, nr)

        kind, value = "allow", 0
        for rname, action in rules:
            if names.number(abi, rname) == nr:
                kind, value = action
                break
        if kind == "deny":
            resp = RESP_REC.pack(nid, 0, -value, 0)
            said = "deny %s" % errno.errorcode.get(value, str(value))
        elif kind == "fake":
            resp = RESP_REC.pack(nid, value, 0, 0)
            said = "fake %d" % value
        else:
            resp = RESP_REC.pack(nid, 0, 0, FLAG_CONTINUE)
            said = "continue"
        if hold and held(conn, nid, hold):
            flush_cancels(conn)
            print("%d: pid %d %s %s: withdrawn" % (nid, pid, abi, name),
                  flush=True)
            continue
        conn.send(SEND, resp)
        st = conn.status(SEND, nid)
        flush_cancels(conn)
        if st is None:
            return 0
        if st[0] == -errno.ENOENT:
            said += " (withdrawn)"
        elif st[0] != 0:
            raise ProtocolError("SEND failed: %s" % errname(st[0]))
        print("%d: pid %d %s %s(%s): %s"
              % (nid, pid, abi, name, ", ".join("%#x" % a for a in args[:3]),
                 said), flush=True)


def flush_cancels(conn):
    for cid, reason in conn.cancels:
        print("%d: cancelled (%s)" % (cid, CANCEL_REASONS.get(reason, "?")),
              flush=True)
    conn.cancels.clear()


def main():
    ap = argparse.ArgumentParser(
        description="Answer a sandbox-run target's notifications by rules.")
    ap.add_argument("-w", "--wait", type=float, default=5,
                    help="seconds to wait for SOCKET to appear (default 5)")
    ap.add_argument("--hold", type=float, default=0, metavar="SECONDS",
                    help="wait this long before each answer")
    ap.add_argument("--sandbox-bpf", help="the sandbox-bpf program")
    ap.add_argument("socket")
    ap.add_argument("rules", nargs="+", metavar="RULE",
                    help="deny=NAME:ERRNO, fake=NAME:VALUE or allow=NAME")
    opts = ap.parse_args()

    rules = []
    for text in opts.rules:
        try:
            rules.append(parse_rule(text))
        except ValueError as e:
            die("%s: %s" % (text, e), 2)
    names = Names(find_sandbox_bpf(opts.sandbox_bpf))
    try:
        for rname, _ in rules:
            if names.number(host_abi(), rname) is None:
                die("%s: no such system call for %s" % (rname, host_abi()),
                    2)
    except (OSError, subprocess.CalledProcessError) as e:
        die("cannot list system calls with sandbox-bpf: %s" % e)

    try:
        conn = Conn(opts.socket, opts.wait)
    except OSError as e:
        die("%s: %s" % (opts.socket, e.strerror))
    try:
        # calls no rule names run: CONTINUE is a must
        if not conn.hello() & FEATURE_CONTINUE:
            raise ProtocolError("the supervisor cannot CONTINUE")
        return serve(conn, names, rules, opts.hold)
    except ProtocolError as e:
        die("protocol error: %s" % e)
    except (ConnectionResetError, BrokenPipeError):
        return 0  # the supervisor is gone: the sandbox ended


if __name__ == "__main__":
    sys.exit(main())
