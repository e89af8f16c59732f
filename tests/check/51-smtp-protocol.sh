#!/bin/sh
# ecconfd ESMTP protocol edges that swaks cannot send, through
# sendexpect: AUTH order and syntax, base64 errors, cancel, empty
# responses, line limits, pipelining, a client gone mid-AUTH, and the
# transaction commands with the spool.
NAME=51-smtp-protocol
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
SMTP2=$(free_port)
HTTP=$(free_port)
make_conf "$SCEN/smtp.conf" smtp.conf
cp "$SCEN/passwd" "$SCEN/passwd.digest" "$T/"
start_daemon smtp.conf

converse "$SMTP" "EHLO advertisement" <<'S'
< 220 mx.test ESMTP
> EHLO client.test
< 250 SIZE 2000
> HELO client.test
< 250 mx.test
> QUIT
< 221 2.0.0
eof
S
"$SENDEXPECT" -v 127.0.0.1 "$SMTP" - 2>&1 <<'S' | grep -q '^S: 250-AUTH LOGIN PLAIN CRAM-MD5$' ||
< 220
> EHLO client.test
< 250
S
    fail "EHLO does not list AUTH LOGIN PLAIN CRAM-MD5 on one line"
pass

converse "$SMTP" "AUTH before EHLO, unknown command, syntax" <<'S'
< 220
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 503 5.5.1
> MAIL FROM:<a@example.test>
< 503 5.5.1
> FROB
< 500 5.5.2
> EHLO client.test
< 250
> AUTH
< 501 5.5.4
> AUTH PLAIN a b
< 501 5.5.4
> AUTH DIGEST-MD5
< 504 5.5.4
> AUTH XLOGIN
< 504 5.5.4 Unrecognized authentication type
S

converse "$SMTP" "AUTH twice" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 235 2.7.0
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 503 5.5.1 Already authenticated
S

converse "$SMTP" "bad base64 and malformed PLAIN" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN not*base64
< 501 5.5.2
> AUTH PLAIN AGJvYgBzZWNyZXQ
< 501 5.5.2
> AUTH PLAIN YWJj
< 501 5.5.2
> AUTH PLAIN AABzZWNyZXQ=
< 501 5.5.2
> AUTH LOGIN
< 334 VXNlcm5hbWU6
> Test User
< 501 5.5.2
> AUTH PLAIN eABib2IAc2VjcmV0
< 535 5.7.8
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 235
S

converse "$SMTP" "cancel with *, empty with =" <<'S'
< 220
> EHLO client.test
< 250
> AUTH LOGIN
< 334 VXNlcm5hbWU6
> *
< 501 5.7.0
> AUTH LOGIN Ym9i
< 334 UGFzc3dvcmQ6
> *
< 501 5.7.0
> AUTH PLAIN
< 334
> *
< 501 5.7.0
> AUTH PLAIN =
< 501 5.5.2
> AUTH PLAIN
< 334
> =
< 501 5.5.2
> AUTH LOGIN =
< 334 UGFzc3dvcmQ6
> c2VjcmV0
< 535 5.7.8
> AUTH CRAM-MD5 Ym9i
< 501 5.7.0
> AUTH LOGIN Ym9i
< 334 UGFzc3dvcmQ6
> c2VjcmV0
< 235 2.7.0
S

converse "$SMTP" "over-long lines" <<'S'
< 220
long 600 NOOP 
< 500 5.5.6
> NOOP
< 250 2.0.0
> EHLO client.test
< 250
long 13000 AUTH PLAIN 
< 500 5.5.6
> AUTH LOGIN
< 334
long 20000 
< 500 5.5.6
long 200000 
< 500 5.5.6
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 235
S

converse "$SMTP" "pipelining" <<'S'
< 220
+ EHLO client.test
+ AUTH PLAIN AGJvYgBzZWNyZXQ=
+ MAIL FROM:<a@example.test> SIZE=100
+ RCPT TO:<b@example.test>
+ RCPT TO:<c@example.test>
+ DATA
flush
< 250
< 235
< 250 2.1.0
< 250 2.1.5
< 250 2.1.5
< 354
+ Subject: pipelined
+
+ ..leading dot
+ .
+ NOOP
+ QUIT
flush
< 250 2.0.0 OK queued as
< 250 2.0.0
< 221
eof
S
msg=$(ls "$T/spool/new" | head -n 1)
[ -n "$msg" ] || fail "no message in the spool"
grep -q '^\.leading dot' "$T/spool/new/$msg" || fail "dot-unstuffing"
grep -q '^X-Ecconf-Rcpt-To: <c@example.test>' "$T/spool/new/$msg" ||
    fail "spool envelope"
[ -z "$(ls "$T/spool/tmp")" ] || fail "spool/tmp not empty"
pass

converse "$SMTP" "transaction order and size" <<'S'
< 220
> EHLO client.test
< 250
> RCPT TO:<b@example.test>
< 503 5.5.1
> DATA
< 503 5.5.1
> MAIL FROM:<a@example.test>
< 530 5.7.0 Authentication required
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 235
> MAIL FROM:<a@example.test> SIZE=5000
< 552 5.3.4
> MAIL FROM:<a@example.test>
< 250 2.1.0
> MAIL FROM:<a@example.test>
< 503 5.5.1
> AUTH LOGIN
< 503 5.5.1
> RSET
< 250 2.0.0
> MAIL FROM:<a@example.test>
< 250
> RCPT TO:<b@example.test>
< 250
> DATA
< 354
long 3000 x
> .
< 552 5.3.4
> NOOP
< 250
> QUIT
< 221
S

# No AUTH on the second Listen: MAIL is taken, RCPT is relaying; the
# Peer 127.0.0.3 is a relay host there.
converse "$SMTP2" "relay denied without AUTH" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 503 5.5.1 AUTH not available
> MAIL FROM:<a@example.test>
< 250
> RCPT TO:<b@example.test>
< 550 5.7.1
S
printf '< 220\n> EHLO c\n< 250\n> MAIL FROM:<a@x.test>\n< 250\n> RCPT TO:<b@x.test>\n< 250 2.1.5\n' > "$T/relay.se"
python3 - "$SMTP2" "$T/relay.se" <<'PY' || fail "Relay_Hosts peer"
import socket, sys
s = socket.socket()
s.bind(("127.0.0.3", 0))
s.connect(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rwb")
for line in open(sys.argv[2]):
    kind, text = line[0], line[2:].rstrip("\n")
    if kind == ">":
        f.write(text.encode() + b"\r\n"); f.flush()
    else:
        while True:
            got = f.readline().decode()
            if got[3:4] != "-":
                break
        if not got.startswith(text):
            sys.exit("expected %s, got %s" % (text, got.strip()))
PY
pass

# A client that disconnects mid-AUTH costs only its session.
for i in 1 2 3 4 5 6 7 8; do
    "$SENDEXPECT" 127.0.0.1 "$SMTP" - > /dev/null 2>&1 <<'S'
< 220
> EHLO client.test
< 250
> AUTH LOGIN
< 334
> Ym9i
< 334
close
S
done
converse "$SMTP" "after mid-AUTH disconnects" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN AGJvYgBzZWNyZXQ=
< 235
S
# The server frees a session when it reads the client's close, which can
# be after the client has exited, so poll /status for up to 5 s. The HTTP
# connection that fetches the status counts as one session of its own
# Listen, so only the ESMTP Listens must reach 0.
i=0
while curl -s -u bob:secret "http://127.0.0.1:$HTTP/status" \
          > "$T/status.json"
      sessions=$(jq '[.listeners[] | select(.listener == "ESMTP_Listener")
          | .sessions] | add' "$T/status.json")
      [ "$sessions" != 0 ]
do
    i=$((i + 1))
    [ "$i" -gt 100 ] &&
        fail "ESMTP sessions still open after 5 s: $sessions"
    sleep 0.05
done
pass

stop_daemon
done_ok
