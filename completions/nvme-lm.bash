#!/usr/bin/env bash
# bash completion for `nvme lm`, layered over nvme-cli's own completion:
# nvme-cli's function keeps completing everything else, and `lm` joins the
# list of plugins. Installed as the `nvme` completion of a prefix that
# bash-completion searches before the distribution's (e.g. /usr/local), it
# loads the distribution's file first.

if ! declare -F _nvme_subcmds >/dev/null; then
	for _nvme_lm_base in "${NVME_LM_BASE_COMPLETION:-}" \
		/usr/share/bash-completion/completions/nvme; do
		# Not this file itself, when it is installed under that name.
		if ! [ -r "$_nvme_lm_base" ] || [ "$_nvme_lm_base" -ef "${BASH_SOURCE[0]}" ]; then
			continue
		fi
		# shellcheck disable=SC1090 # nvme-cli's own, found at run time
		. "$_nvme_lm_base"
		break
	done
	unset _nvme_lm_base
fi

_nvme_lm_cmds="info suspend resume save restore track migrate migrate-dst copy-ranges state-show
	migration-send migration-recv create-cdq delete-cdq track-send set-cdq
	get-cdq lm-suspend lm-save lm-restore lm-track version help"

# The options of each subcommand; tests/completion checks them against
# `nvme lm CMD --help`, so the two cannot drift apart.
_nvme_lm_opts() {
	local common="--vf --cntlid -c --output-format --verbose -v --timeout -t
		--profile -p --dry-run -n"
	local ll="--verbose -v --timeout --dry-run"

	case $1 in
	info) echo "--output-format -o --verbose -v --timeout -t --profile -p" ;;
	suspend | lm-suspend) echo "$common -o --notify -N --delete-cdq -d" ;;
	resume) echo "$common -o --allow-unbound" ;;
	save | lm-save) echo "$common -o --file -f --raw -r --overwrite --csvi" ;;
	restore | lm-restore) echo "$common -o --file -f --raw -r --ignore-compat --allow-unbound --csvi" ;;
	track | lm-track)
		echo "$common -o --file -f --overwrite --format -F --entries -e
			--interval -i --copy -C --force"
		;;
	migrate)
		echo "$common -o --to -T --to-vf --to-cntlid --to-host --to-nvme --remote-timeout --src-ns --dst-ns --shared
			--downtime-limit -D --threshold --max-rounds -R --on-no-converge
			--entries -e --ignore-iommu --handover -H --handover-timeout
			--report -r --overwrite --quiet -q"
		;;
	migrate-dst) echo "$common -o" ;;
	copy-ranges) echo "--changes -c --verbose -v --output-format -o" ;;
	state-show) echo "--output-format -o --raw -r" ;;
	migration-send)
		echo "--sel -s --cntlid -c --stype -t --dudmq -d --seq-ind -S
			--csuuidi -U --csvi -V --uidx -u --offset -o --numd -n
			--input-file -f $ll"
		;;
	migration-recv)
		echo "--sel -s --cntlid -c --csuuidi -U --csvi -V --uidx -u
			--offset -o --numd -n --output-file -f $ll"
		;;
	create-cdq)
		echo "--size -s --cntlid -c --queue-type -q --hold --consent $ll"
		;;
	delete-cdq | get-cdq) echo "--cdqid -C $ll" ;;
	track-send) echo "--sel -s --mos -m --cdqid -C --start --stop $ll" ;;
	set-cdq) echo "--cdqid -C --hp -H --tpt -T $ll" ;;
	esac
}

_nvme_lm_sysfs() {
	echo "${LM_SYSFS_ROOT:-/sys}"
}

# PF controllers: the nvme class devices whose PCI function has VFs.
_nvme_lm_devices() {
	local d sys
	sys=$(_nvme_lm_sysfs)
	for d in "$sys"/class/nvme/nvme*; do
		[ -r "$d/device/sriov_numvfs" ] && echo "/dev/${d##*/}"
	done
}

# VF numbers of the PF named on the command line.
_nvme_lm_vfs() {
	local w n sys
	sys=$(_nvme_lm_sysfs)
	for w in "${words[@]:3}"; do
		if [[ $w == /dev/nvme* ]]; then
			n=$(cat "$sys/class/nvme/${w#/dev/}/device/sriov_numvfs" 2>/dev/null)
			[ -n "$n" ] && [ "$n" -gt 0 ] && seq 1 "$n"
			return
		fi
	done
}

_nvme_lm_complete() {
	local sub=${words[2]}

	if ((cword == 2)); then
		mapfile -t COMPREPLY < <(compgen -W "$_nvme_lm_cmds" -- "$cur")
		return
	fi
	case $prev in
	--output-format) mapfile -t COMPREPLY < <(compgen -W "normal json" -- "$cur"); return ;;
	--profile | -p) mapfile -t COMPREPLY < <(compgen -W "auto tp4159 intel-2022" -- "$cur"); return ;;
	--format | -F) mapfile -t COMPREPLY < <(compgen -W "text jsonl binary" -- "$cur"); return ;;
	--vf) mapfile -t COMPREPLY < <(compgen -W "$(_nvme_lm_vfs)" -- "$cur"); return ;;
	--to | -T) mapfile -t COMPREPLY < <(compgen -W "$(_nvme_lm_devices)" -- "$cur"); return ;;
	--on-no-converge) mapfile -t COMPREPLY < <(compgen -W "proceed abort" -- "$cur"); return ;;
	--src-ns | --dst-ns | --report)
		_filedir
		return
		;;
	--file | --changes | --input-file | --output-file)
		_filedir
		return
		;;
	-o)
		case $sub in
		migration-send | migration-recv) ;;
		*) mapfile -t COMPREPLY < <(compgen -W "normal json" -- "$cur") ;;
		esac
		return
		;;
	-f | -c)
		case $sub in
		save | lm-save | restore | lm-restore | track | lm-track | \
			migration-send | migration-recv | copy-ranges) _filedir; return ;;
		esac
		;;
	esac
	if [[ $cur == -* ]]; then
		# shellcheck disable=SC2046 # a word list
		mapfile -t COMPREPLY < <(compgen -W "$(_nvme_lm_opts "$sub")" -- "$cur")
	elif [[ $sub == copy-ranges || $sub == state-show ]]; then
		_filedir
	else
		mapfile -t COMPREPLY < <(compgen -W "$(_nvme_lm_devices)" -- "$cur")
	fi
}

_nvme_lm() {
	local cur prev words cword
	_init_completion || return

	if [[ ${words[1]} == lm && $cword -ge 2 ]]; then
		_nvme_lm_complete
		return 0
	fi
	if declare -F _nvme_subcmds >/dev/null; then
		_nvme_subcmds
	fi
	if ((cword == 1)) && [[ lm == "$cur"* ]] &&
		! printf '%s\n' "${COMPREPLY[@]}" | grep -qx lm; then
		COMPREPLY+=(lm)
	fi
	return 0
}

complete -o default -F _nvme_lm nvme
