# shellcheck shell=bash
# scripts/lib/remote.sh: commands on another host, for lm-migrate (the
# destination's host) and lm-qualify (and its way back). Sourced after
# config.sh, whose checks the values passed here went through; set PROG.
#
#   remote_setup HOST SSH_CONFIG PREFIX
#                       REMOTE: the words that run a command on that host:
#                       ssh -T to HOST over one ControlMaster connection of
#                       this process's own (a control socket in a private
#                       directory under /tmp, REMOTE_SSH_DIR), or PREFIX's
#                       words as they are
#   remote_connect ERRFILE
#                       make that directory and the first connection (ssh's
#                       master), checking that the host answers: 1 with
#                       ssh's last words in REMOTE_ERR when it does not
#   remote_end          close the master connection, remove the directory
#   nbd_serve SPEC ADDR NS LOG [PREFIX...]
#                       nbdkit serving NS where PREFIX runs a command (here
#                       without one), on SPEC (PORT or ADDRESS:PORT; ADDR
#                       when it names none), in the foreground of its own
#                       connection: NBD_URI, where the other host reaches
#                       it; 1 when it did not start (LOG says why)
#   nbd_unserve         stop it (through the same PREFIX)
#
# Every word crosses a remote shell as it is: config.sh's checks allow no
# blanks or quoting in them.

# shellcheck disable=SC2034 # REMOTE_ERR, NBD_URI: read by the scripts

REMOTE=()
REMOTE_HOST=''
REMOTE_SSH_DIR=''
REMOTE_ERR=''
NBD_URI=''
NBD_PID=''
NBD_PIDFILE=''
NBD_PREFIX=()

remote_setup() {
	REMOTE_HOST=$1
	if [ -n "$REMOTE_HOST" ]; then
		# Named here, made (mode 0700, failing if it exists) by
		# remote_connect, once the caller's exit trap is set. A Unix
		# socket's path must fit 108 bytes: a deep work directory overran.
		REMOTE_SSH_DIR=$(mktemp -u /tmp/lm-ssh.XXXXXX)
		# A dead host is given up after seconds, not minutes.
		REMOTE=(ssh -T -o BatchMode=yes -o ControlMaster=auto -o "ControlPath=$REMOTE_SSH_DIR/%C"
			-o ControlPersist=60 -o ConnectTimeout=10 -o ServerAliveInterval=5
			-o ServerAliveCountMax=3)
		[ -z "$2" ] || REMOTE+=(-F "$2")
		REMOTE+=("$REMOTE_HOST")
	else
		read -r -a REMOTE <<<"$3"
	fi
}

remote_connect() {
	local rc=0
	if [ -n "$REMOTE_SSH_DIR" ] && ! mkdir -m 700 "$REMOTE_SSH_DIR"; then
		REMOTE_SSH_DIR=''
		REMOTE_ERR="cannot create a directory for ssh's control socket in /tmp"
		return 1
	fi
	"${REMOTE[@]}" true </dev/null >/dev/null 2>"$1" || rc=$?
	[ $rc = 0 ] && return 0
	REMOTE_ERR="${REMOTE[*]} true: exit $rc$(tail -n 1 "$1" | sed 's/^./: &/')"
	return 1
}

remote_end() {
	[ -n "$REMOTE_HOST" ] || return 0
	"${REMOTE[@]:0:${#REMOTE[@]}-1}" -O exit "$REMOTE_HOST" >/dev/null 2>&1 || true
	[ -z "$REMOTE_SSH_DIR" ] || rm -rf "$REMOTE_SSH_DIR"
	REMOTE_SSH_DIR=''
}

nbd_serve() {
	local spec=$1 addr=$2 ns=$3 log=$4 port uri_addr
	shift 4
	NBD_PREFIX=("$@")
	[[ $spec =~ ^(([^:]+|\[[^]]+\]):)?([0-9]+)$ ]]
	[ -z "${BASH_REMATCH[2]}" ] || addr=${BASH_REMATCH[2]}
	port=${BASH_REMATCH[3]}
	uri_addr=$addr
	addr=${addr#[}
	addr=${addr%]}
	NBD_PIDFILE=/tmp/$PROG-nbdkit.$(hostname).$$.pid
	"${NBD_PREFIX[@]}" nbdkit -f --exit-with-parent -i "$addr" -p "$port" -P "$NBD_PIDFILE" \
		file "$ns" </dev/null >"$log" 2>&1 &
	NBD_PID=$!
	for _ in $(seq 1 100); do
		"${NBD_PREFIX[@]}" test -s "$NBD_PIDFILE" </dev/null 2>/dev/null && break
		kill -0 "$NBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! kill -0 "$NBD_PID" 2>/dev/null; then
		wait "$NBD_PID" 2>/dev/null || true
		NBD_PID=''
		return 1
	fi
	NBD_URI="nbd://$uri_addr:$port/"
}

nbd_unserve() {
	[ -n "$NBD_PID" ] || return 0
	"${NBD_PREFIX[@]}" pkill -F "$NBD_PIDFILE" </dev/null >/dev/null 2>&1 || true
	for _ in $(seq 1 50); do
		kill -0 "$NBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$NBD_PID" 2>/dev/null || true
	wait "$NBD_PID" 2>/dev/null || true
	"${NBD_PREFIX[@]}" rm -f "$NBD_PIDFILE" </dev/null >/dev/null 2>&1 || true
	NBD_PID=''
}
