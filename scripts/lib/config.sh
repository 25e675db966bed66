# shellcheck shell=bash
# scripts/lib/config.sh: the one reader of lm-migrate's and lm-qualify's
# settings, from a config file and from the command line, and the checks
# every value passes before anything touches a device. Sourced; set PROG
# (the script's name, for messages) first.
#
# Config file syntax (README, "Config files"):
#   - one KEY=VALUE per line, no spaces around '='; KEY is one of
#     CFG_KEYS below; blank lines are ignored;
#   - '#' starts a comment at the start of a line or after whitespace,
#     outside quotes (so 'a#b' is a value, 'a #b' is 'a' and a comment);
#   - VALUE is one shell word: 'single quotes' keep everything literally,
#     "double quotes" keep everything but \" \\ \$ \` (backslash escapes),
#     outside quotes a backslash escapes the next character;
#   - nothing is expanded or run: an unquoted or double-quoted $ or `
#     is an error (single-quote it to keep it literally), as are unquoted
#     whitespace inside the value and unquoted ; & | < > ( );
#   - an unknown key, a key set twice, a line that is not KEY=VALUE, an
#     unterminated quote, a DOS line ending: an error naming FILE:LINE,
#     exit status 2.
# Command-line options override the file.

# shellcheck disable=SC2034 # CFG_KEYS is read by the scripts
CFG_KEYS=(SRC_PF SRC_VF DST_PF DST_VF SRC_NS DST_NS SHARED DOWNTIME_LIMIT THRESHOLD MAX_PASSES ON_NO_CONVERGE HANDOVER_TIMEOUT
	PASS_INTERVAL TRACK_ENTRIES HANDOVER REPORT NVME FIO_PREFIX FIO_TARGET
	DST_HOST DST_SSH_CONFIG DST_PREFIX DST_NVME DST_NBD
	SRC_HOST SRC_SSH_CONFIG SRC_PREFIX SRC_NVME SRC_NBD)

declare -gA CFG=() CFG_FROM=()

# die MESSAGE: a usage or configuration error: one line, exit 2.
cfg_die() {
	echo "${PROG:-config}: $*" >&2
	exit 2
}

# cfg_set KEY VALUE ORIGIN: ORIGIN names where it came from in messages
# ("lab.conf:4: SRC_VF", "--src-vf").
cfg_set() {
	CFG[$1]=$2
	CFG_FROM[$1]=$3
}

# cfg_default KEY VALUE: set unless already set.
cfg_default() {
	[ -n "${CFG[$1]+set}" ] || cfg_set "$1" "$2" "$1 (default)"
}

cfg_get() {
	printf '%s' "${CFG[$1]-}"
}

# cfg_unquote TEXT: the value of TEXT (everything after KEY=) in REPLY;
# returns 1 with the reason in CFG_ERR.
cfg_unquote() {
	local s=$1 i=0 n=${#1} c v='' q=''
	REPLY='' CFG_ERR=''
	while [ $i -lt "$n" ]; do
		c=${s:i:1}
		if [ "$q" = "'" ]; then
			if [ "$c" = "'" ]; then q=''; else v+=$c; fi
		elif [ "$q" = '"' ]; then
			case $c in
			'"') q='' ;;
			\\)
				case ${s:i+1:1} in
				'"' | \\ | '$' | '`') v+=${s:i+1:1}; i=$((i + 1)) ;;
				*) v+=$c ;;
				esac ;;
			'$' | '`')
				CFG_ERR="a shell would expand the $c in double quotes; nothing is expanded here: use single quotes to keep it"
				return 1 ;;
			*) v+=$c ;;
			esac
		else
			case $c in
			"'" | '"') q=$c ;;
			\\)
				if [ $((i + 1)) -ge "$n" ]; then
					CFG_ERR="a line ends in a backslash: continuation lines are not supported"
					return 1
				fi
				v+=${s:i+1:1}
				i=$((i + 1)) ;;
			' ' | $'\t')
				# The value ends; only a comment may follow.
				local rest=${s:i}
				rest=${rest#"${rest%%[![:space:]]*}"}
				if [ -n "$rest" ] && [ "${rest:0:1}" != '#' ]; then
					CFG_ERR="unquoted whitespace in the value: quote the whole value"
					return 1
				fi
				break ;;
			'$' | '`')
				CFG_ERR="a shell would expand the unquoted $c; nothing is expanded here: use single quotes to keep it"
				return 1 ;;
			';' | '&' | '|' | '<' | '>' | '(' | ')')
				CFG_ERR="unquoted '$c': quote the value"
				return 1 ;;
			*) v+=$c ;;
			esac
		fi
		i=$((i + 1))
	done
	if [ -n "$q" ]; then
		CFG_ERR="unterminated $q quote"
		return 1
	fi
	REPLY=$v
}

# cfg_read FILE: read settings from FILE (the syntax above) into CFG.
cfg_read() {
	local file=$1 line key n=0 k known
	local -A seen=()
	if [ -d "$file" ]; then
		cfg_die "$file: is a directory, not a config file"
	elif [ ! -e "$file" ]; then
		cfg_die "$file: no such config file"
	elif [ ! -r "$file" ]; then
		cfg_die "$file: cannot read the config file (permission denied)"
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[[ $line != *$'\r' ]] || cfg_die "$file:$n: a DOS line ending (CR LF): convert the file (dos2unix)"
		[[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
		if [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+= ]]; then
			cfg_die "$file:$n: no spaces around '=': write ${BASH_REMATCH[1]}=VALUE"
		fi
		if [[ ! $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
			cfg_die "$file:$n: expected KEY=VALUE or a # comment"
		fi
		key=${BASH_REMATCH[1]}
		known=0
		for k in "${CFG_KEYS[@]}"; do
			[ "$k" = "$key" ] && known=1
		done
		[ $known = 1 ] || cfg_die "$file:$n: unknown key $key (known: ${CFG_KEYS[*]})"
		[ -z "${seen[$key]-}" ] || cfg_die "$file:$n: $key is set twice (first on line ${seen[$key]})"
		seen[$key]=$n
		cfg_unquote "${BASH_REMATCH[2]}" || cfg_die "$file:$n: $key: $CFG_ERR"
		cfg_set "$key" "$REPLY" "$file:$n: $key"
	done <"$file"
}

# ---- checks: each replaces the value with its normal form or dies ----

cfg_bad() {
	cfg_die "${CFG_FROM[$1]:-$1}: '${CFG[$1]-}' $2"
}

# cfg_check_size KEY: bytes, or with a K, M or G suffix (powers of 1024).
cfg_check_size() {
	local v=${CFG[$1]-} m=1
	[[ $v =~ ^([0-9]{1,15})([KMG]?)$ ]] || cfg_bad "$1" "is not a size (bytes, or a number with K, M or G)"
	case ${BASH_REMATCH[2]} in
	K) m=1024 ;; M) m=$((1024 * 1024)) ;; G) m=$((1024 * 1024 * 1024)) ;;
	esac
	CFG[$1]=$((10#${BASH_REMATCH[1]} * m))
}

# cfg_check_count KEY MIN: a whole number of at least MIN.
cfg_check_count() {
	local v=${CFG[$1]-}
	if [[ ! $v =~ ^[0-9]{1,9}$ ]] || ((10#$v < $2)); then
		cfg_bad "$1" "is not a whole number of at least $2"
	fi
	CFG[$1]=$((10#$v))
}

# cfg_check_vf KEY: a VF number: a positive integer.
cfg_check_vf() {
	local v=${CFG[$1]-}
	if [[ ! $v =~ ^[0-9]{1,5}$ ]] || ((10#$v < 1)); then
		cfg_bad "$1" "is not a VF number (a positive integer)"
	fi
	CFG[$1]=$((10#$v))
}

# cfg_check_seconds KEY: a duration in seconds, decimals allowed.
cfg_check_seconds() {
	[[ ${CFG[$1]-} =~ ^[0-9]{1,6}(\.[0-9]{1,6})?$ ]] || cfg_bad "$1" "is not a number of seconds"
}

# cfg_check_bool KEY: 1/0, yes/no, true/false; normal form 1 or 0.
cfg_check_bool() {
	case ${CFG[$1]-} in
	1 | yes | true) CFG[$1]=1 ;;
	0 | no | false | '') CFG[$1]=0 ;;
	*) cfg_bad "$1" "is not 1/0, yes/no or true/false" ;;
	esac
}

# cfg_check_pf KEY: a PF controller device, /dev/nvmeN (not a namespace).
cfg_check_pf() {
	local v=${CFG[$1]-}
	[[ $v =~ ^/dev/nvme[0-9]+$ ]] && return
	[[ $v =~ ^/dev/nvme[0-9]+n[0-9]+$ ]] && cfg_bad "$1" "is a namespace: name the PF's controller, /dev/nvmeN"
	cfg_bad "$1" "is not a PF controller device (/dev/nvmeN)"
}

# cfg_check_ns KEY [file]: a namespace, /dev/nvmeNnM; with "file", an
# existing regular file is allowed too (tests, images).
cfg_check_ns() {
	local v=${CFG[$1]-}
	[[ $v =~ ^/dev/nvme[0-9]+n[0-9]+$ ]] && return
	[ "${2:-}" = file ] && [ -f "$v" ] && return
	cfg_bad "$1" "is not a namespace (/dev/nvmeNnM${2:+, or an existing regular file})"
}

# cfg_check_program KEY: a command that can be run.
cfg_check_program() {
	command -v -- "${CFG[$1]-}" >/dev/null 2>&1 || cfg_bad "$1" "is not a command that can be run"
}

# cfg_require KEY HOW: KEY must be set and non-empty; HOW says how to set it.
cfg_require() {
	[ -n "${CFG[$1]-}" ] || cfg_die "$2 is required (see --help)"
}

# cfg_check_endpoints: source and destination are not the same VF, and
# (unless shared) not the same namespace.
cfg_check_endpoints() {
	# Names on two hosts may be the same and mean different devices.
	cfg_remote && return 0
	if [ "${CFG[SRC_PF]}" = "${CFG[DST_PF]}" ] && [ "${CFG[SRC_VF]}" = "${CFG[DST_VF]}" ]; then
		cfg_die "the source and the destination are the same VF (${CFG[SRC_PF]} VF ${CFG[SRC_VF]})"
	fi
	if [ "${CFG[SHARED]:-0}" != 1 ] && [ -n "${CFG[SRC_NS]-}" ] &&
		[ "${CFG[SRC_NS]}" = "${CFG[DST_NS]-}" ]; then
		cfg_die "the source and the destination namespace are the same (${CFG[SRC_NS]}); use --shared (SHARED=1) if both VFs see one namespace"
	fi
}

# ---- the destination on another host, and the way back ----

# cfg_remote [SIDE]: whether SIDE's host (DST, the default; SRC) is reached
# through a command prefix: SIDE_HOST or SIDE_PREFIX set.
cfg_remote() {
	local s=${1:-DST}
	[ -n "${CFG[${s}_HOST]-}" ] || [ -n "${CFG[${s}_PREFIX]-}" ]
}

# cfg_check_cmd_words KEY: a word list that a remote shell gets as it is:
# no quoting or shell syntax inside, so that it means the same through
# ssh, 'ip netns exec' or sh -c.
cfg_check_cmd_words() {
	local v=${CFG[$1]-}
	[ -n "${v//[[:space:]]/}" ] || cfg_bad "$1" "is empty"
	case $v in
	*[\;\&\|\<\>\(\)\$\`\'\"\\\*\?\[\]\{\}\~\#]*)
		cfg_bad "$1" "holds shell syntax or quotes: give plain words (a remote shell reads them again)" ;;
	esac
}

# cfg_check_remote [SIDE]: how a migration's engine reaches SIDE's host.
# DST (the default): the destination's host as this one reaches it.
# SRC: this host as the destination's host reaches it, for lm-qualify's
# way back (the engine runs there then); its prefix and ssh_config are
# the destination host's, not checked here. For each side, SIDE_HOST (an
# ssh destination, [user@]host) or SIDE_PREFIX (any command prefix), not
# both; SIDE_SSH_CONFIG (an ssh_config for SIDE_HOST); SIDE_NVME (nvme
# there, words); SIDE_NBD (an NBD URI used as it is, or PORT /
# ADDRESS:PORT where nbdkit on that host serves SIDE_NS). With
# CFG_BOTH_WAYS=1 (lm-qualify) the destination's namespace is read there
# too, on the way back: DST_NS is then required beside a DST_NBD URI.
# Without DST_HOST or DST_PREFIX none of the DST_ keys may be set.
cfg_check_remote() {
	local s=${1:-DST} k nbd here=1
	[ "$s" = DST ] || here=0
	if ! cfg_remote "$s"; then
		[ "$s" = DST ] || cfg_die "SRC_HOST or SRC_PREFIX is required with a destination on another host: how that host reaches this one, for the way back"
		for k in DST_SSH_CONFIG DST_NVME DST_NBD; do
			[ -z "${CFG[$k]-}" ] || cfg_bad "$k" "is for a destination on another host: set DST_HOST or DST_PREFIX too"
		done
		return 0
	fi
	if [ -n "${CFG[${s}_HOST]-}" ] && [ -n "${CFG[${s}_PREFIX]-}" ]; then
		cfg_die "${s}_HOST and ${s}_PREFIX both name how to reach the $(side_name "$s")'s host: set one"
	fi
	if [ -n "${CFG[${s}_HOST]-}" ]; then
		[[ ${CFG[${s}_HOST]} =~ ^([A-Za-z0-9._][A-Za-z0-9._+-]*@)?[A-Za-z0-9_][A-Za-z0-9._-]*$ ]] ||
			cfg_bad "${s}_HOST" "is not an ssh destination ([user@]host)"
	else
		[ -z "${CFG[${s}_SSH_CONFIG]-}" ] || cfg_bad "${s}_SSH_CONFIG" "is for ${s}_HOST (ssh); ${s}_PREFIX is used as it is"
		cfg_check_cmd_words "${s}_PREFIX"
		if [ $here = 1 ]; then
			cfg_words "${s}_PREFIX"
			command -v -- "${WORDS[0]}" >/dev/null 2>&1 || cfg_bad "${s}_PREFIX" "does not start with a command that can be run"
		fi
	fi
	if [ -n "${CFG[${s}_SSH_CONFIG]-}" ]; then
		if [ $here = 1 ]; then
			if [ ! -f "${CFG[${s}_SSH_CONFIG]}" ] || [ ! -r "${CFG[${s}_SSH_CONFIG]}" ]; then
				cfg_bad "${s}_SSH_CONFIG" "is not a readable file"
			fi
		else
			[[ ${CFG[${s}_SSH_CONFIG]} =~ ^[A-Za-z0-9._/+~-]+$ ]] ||
				cfg_bad "${s}_SSH_CONFIG" "is not a path without blanks or quotes (a file on the destination's host)"
		fi
	fi
	[ -n "${CFG[${s}_NVME]+set}" ] || cfg_set "${s}_NVME" nvme "${s}_NVME (default)"
	cfg_check_cmd_words "${s}_NVME"
	[ "${CFG[SHARED]:-0}" = 1 ] && [ -z "${CFG[${s}_NBD]-}" ] && return 0
	[ "${CFG[SHARED]:-0}" != 1 ] || cfg_bad "${s}_NBD" "is set, but SHARED=1 copies nothing"
	nbd=${CFG[${s}_NBD]-}
	[ -n "$nbd" ] || cfg_die "${s}_NBD is required with $(side_name "$s" "a destination on another host" "a way back from the destination's host") (unless SHARED=1): an nbd:// URI, or the PORT (ADDRESS:PORT) where nbdkit $(side_name "$s" there here) serves ${s}_NS"
	if [[ $nbd =~ ^nbds?(\+unix)?:// ]]; then
		[[ $nbd =~ ^[^[:space:]\'\"]+$ ]] || cfg_bad "${s}_NBD" "is a URI with blanks or quotes"
		[ "$s" = SRC ] || [ "${CFG_BOTH_WAYS:-0}" = 1 ] || [ -z "${CFG[DST_NS]-}" ] ||
			cfg_die "DST_NBD is a URI: it is the destination namespace; drop DST_NS"
		[ "${CFG_BOTH_WAYS:-0}" = 1 ] || return 0
	elif [[ ! $nbd =~ ^(([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):)?([0-9]{1,5})$ ]] ||
		((10#${BASH_REMATCH[3]} < 1 || 10#${BASH_REMATCH[3]} > 65535)); then
		cfg_bad "${s}_NBD" "is not an NBD URI (nbd://, nbds://, nbd+unix://), a port (1-65535) or ADDRESS:PORT"
	else
		[ -n "${BASH_REMATCH[1]}" ] || [ -n "${CFG[${s}_HOST]-}" ] ||
			cfg_bad "${s}_NBD" "names no address: with ${s}_PREFIX give ADDRESS:PORT (where $(side_name "$s" "this host reaches nbdkit there" "the destination's host reaches nbdkit here"))"
	fi
	# The source namespace: the caller checks it, here.
	[ "$s" = DST ] || return 0
	[ -n "${CFG[DST_NS]-}" ] || cfg_die "DST_NS is required with DST_NBD=$nbd: the namespace $([ "${CFG_BOTH_WAYS:-0}" = 1 ] && echo "the way back reads and ")nbdkit serves on the destination's host"
	[[ ${CFG[DST_NS]} =~ ^/[A-Za-z0-9._/+-]+$ ]] ||
		cfg_bad DST_NS "is not a path on the destination's host (/dev/nvmeNnM, or an absolute path without blanks)"
}

# side_name SIDE [DST-WORDS SRC-WORDS]: "destination" or "source", or the
# words given for each.
side_name() {
	if [ "$1" = DST ]; then echo "${2:-destination}"; else echo "${3:-source}"; fi
}

# cfg_words KEY: the value split at whitespace, into the array WORDS (for
# FIO_PREFIX and FIO_TARGET: word lists, no quoting inside).
cfg_words() {
	# shellcheck disable=SC2034 # WORDS is the result
	read -r -a WORDS <<<"${CFG[$1]-}"
}

# cfg_print KEY...: the settings that are set, one KEY=VALUE a line, each
# value quoted so that cfg_read reads it back the same.
cfg_print() {
	local k
	for k in "$@"; do
		[ -n "${CFG[$k]+set}" ] || continue
		printf "%s='%s'\n" "$k" "${CFG[$k]//\'/\'\\\'\'}"
	done
}
