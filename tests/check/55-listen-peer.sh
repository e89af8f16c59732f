#!/bin/sh
# ecconfd settings per Listen and Peer: Banner_Hostname and Hostname,
# Max_Message_Size, Idle_Time and Open_Relay from the most specific
# scope that sets them, Enable = false on a Listen (Momentum has no
# Enable in a Peer, so ecconf rejects one there), and HTTP
# Listener_Sessions answering 503 while the only allowed connection is
# open.
NAME=55-listen-peer
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
SMTP2=$(free_port)
SMTP3=$(free_port)
HTTP=$(free_port)
make_conf "$SCEN/peers.conf" peers.conf
start_daemon peers.conf

# Connect from SRC to PORT, read the banner, send each further argument
# as a command line and print every reply line.
smtp_from() {
    python3 - "$@" <<'PY'
import socket, sys
src, port, cmds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
s = socket.socket()
s.settimeout(5)
s.bind((src, 0))
s.connect(("127.0.0.1", port))
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline().decode("latin-1").rstrip("\r\n")
        print(line)
        if len(line) < 4 or line[3] != "-":
            return
reply()
for c in cmds:
    s.sendall(c.encode() + b"\r\n")
    reply()
PY
}

expect_line() {
    grep -q -- "$2" "$T/out" || fail "$1: expected \"$2\", got: $(tr '\n' '|' < "$T/out")"
    pass
}

# Banner and SIZE: the Listen's /8 Peer, then the more specific /32.
smtp_from 127.0.0.1 "$SMTP" "EHLO c" QUIT > "$T/out"
expect_line "Listen banner" "^220 listen.test ESMTP"
expect_line "Listen /8 Peer size" "^250[- ]SIZE 3000$"
smtp_from 127.0.0.2 "$SMTP" "EHLO c" QUIT > "$T/out"
expect_line "Peer banner" "^220 peer.test ESMTP"
expect_line "Peer /32 size" "^250[- ]SIZE 5000$"

# Idle_Time = 1 in a Peer; everyone else keeps the listener's 30 s.
smtp_from 127.0.0.5 "$SMTP" "EHLO c" "NOOP" > "$T/out"
expect_line "Peer idle time banner" "^220 "
python3 - "$SMTP" <<'PY' > "$T/out"
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.5", 0))
s.connect(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
t0 = time.time()
data = b""
while not data.endswith(b"\r\n") or b"421" not in data:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.decode().replace("\r\n", "|"), "after %.1f s" % (time.time() - t0))
PY
expect_line "Peer idle time" "421 4.4.2 .* after [12]\."

# The listener-level Peer: its Banner_Hostname is the banner on a Listen
# without one, and its Open_Relay lets RCPT through.
smtp_from 127.0.0.3 "$SMTP2" "EHLO c" "MAIL FROM:<a@b.test>" \
    "RCPT TO:<x@elsewhere.test>" QUIT > "$T/out"
expect_line "listener Peer banner" "^220 listener-peer.test ESMTP"
expect_line "listener Peer open relay" "^250 2.1.5"
expect_line "listener size" "^250[- ]SIZE 1000$"
smtp_from 127.0.0.1 "$SMTP2" "EHLO c" "MAIL FROM:<a@b.test>" \
    "RCPT TO:<x@elsewhere.test>" QUIT > "$T/out"
expect_line "global Hostname" "^220 global.test ESMTP"
expect_line "no relay" "^550 5.7.1"

# Enable = false on a Listen: no socket.
python3 -c 'import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2).close()
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)' "$SMTP3" || fail "disabled Listen accepted a connection"
pass

# HTTP Listener_Sessions = 1: hold one keep-alive connection open, a
# second client gets 503 with Retry-After; after the first closes, 200.
URL=http://127.0.0.1:$HTTP/status
mkfifo "$T/hold"
python3 - "$HTTP" "$T/hold" <<'PY' > "$T/hold.out" 2>&1 &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(b"GET /status HTTP/1.1\r\nHost: t\r\n\r\n")
print(s.recv(4096).split(b"\r\n")[0].decode(), flush=True)
open(sys.argv[2]).read()
s.close()
PY
HOLD=$!
i=0
until grep -q "HTTP/1.1 200" "$T/hold.out"; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "held HTTP connection: $(cat "$T/hold.out")"
    sleep 0.05
done
code=$(curl -s -o /dev/null -D "$T/headers" -w '%{http_code}' "$URL")
[ "$code" = 503 ] || fail "HTTP over Listener_Sessions: $code, expected 503"
grep -qi '^Retry-After: 30' "$T/headers" || fail "503 without Retry-After"
pass
echo > "$T/hold"
wait "$HOLD"
i=0
while code=$(curl -s -o "$T/body" -w '%{http_code}' "$URL")
      [ "$code" != 200 ]; do
    i=$((i + 1))
    [ "$i" -gt 40 ] && fail "HTTP after the held connection closed: $code"
    sleep 0.05
done
python3 - "$T/body" "127.0.0.1:$HTTP" <<'PY' ||
import json, sys
for l in json.load(open(sys.argv[1]))["listeners"]:
    if l["listen"] == sys.argv[2]:
        sys.exit(0 if l["rejected"] == 1 and l["sessions"] == 1 else 1)
sys.exit(1)
PY
    fail "status of the HTTP Listen: $(cat "$T/body")"
pass

stop_daemon
done_ok
