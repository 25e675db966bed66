// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nvme lm: live migration of SR-IOV virtual functions, driven from the PF.
 * The handlers parse options, check what must hold, and print; encoding,
 * transfers, file formats and decoding live in the lm-*.c files beside
 * this one.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lm-compat.h"

#include "lm-args.h"
#include "lm-cdq-mem.h"
#include "lm-cleanup.h"
#include "lm-crc32c.h"
#include "lm-ctrl-state.h"
#include "lm-dev.h"
#include "lm-discover.h"
#include "lm-file.h"
#include "lm-lowlevel.h"
#include "lm-mig-remote.h"
#include "lm-mig-report.h"
#include "lm-migrate.h"
#include "lm-policy.h"
#include "lm-ops.h"
#include "lm-print.h"
#include "lm-profile.h"
#include "lm-progress.h"
#include "lm-signals.h"
#include "lm-state-file.h"
#include "lm-state-io.h"
#include "lm-sysfs.h"
#include "lm-track.h"

#define CREATE_CMD
#include "lm-nvme.h"

#define LM_ERR_LEN 512

static const char *output_format_help = "Output format: normal|json";
static const char *vf_help = "VF number (VFN in the PF's secondary controller list, 1-based)";
static const char *cntlid_help = "the VF's controller identifier, instead of --vf";
static const char *verbose_help = "print every admin command and its status on stderr";
static const char *timeout_help = "admin command timeout in milliseconds (0: the kernel's)";
static const char *profile_help = "command set: auto|tp4159|intel-2022 (auto: what Identify says)";
static const char *dry_run_help = "print the admin commands that would be sent, send none of them (only Identify, to look the VF up)";
static const char *csvi_help = "controller state version index to use instead of the one CNS 20h lists for NVMe state version 0 (1-based)";
static const char *allow_unbound_help = "accept a VF bound to no driver (never one bound to another driver than vfio, nor one whose driver sysfs does not tell)";
static const char *ignore_compat_help = "load a state from another model or profile (integrity, the state format and the driver check still hold)";

/*
 * Options every device command shares. The numbers are taken as text and
 * parsed strictly (lm-args.c): argconfig's integers wrap and accept
 * trailing garbage, which must never pick the wrong VF.
 */
struct lm_common {
	char *vf;
	char *cntlid;
	char *output_format;
	bool verbose;
	char *timeout;
	char *profile;
	bool dry_run;
	char *csvi;
};

#define LM_COMMON_INIT { .output_format = "normal", .profile = "auto" }

/* Longest admin command timeout we accept: an hour. */
#define LM_MAX_TIMEOUT_MS	3600000

#define LM_COMMON_OPTS(c, fmt_short)						\
	OPT_STR("vf", 0, &(c).vf, vf_help),					\
	OPT_STR("cntlid", 'c', &(c).cntlid, cntlid_help),			\
	OPT_FMT("output-format", fmt_short, &(c).output_format, output_format_help), \
	OPT_FLAG("verbose", 'v', &(c).verbose, verbose_help),			\
	OPT_STR("timeout", 't', &(c).timeout, timeout_help),			\
	OPT_STR("profile", 'p', &(c).profile, profile_help),			\
	OPT_FLAG("dry-run", 'n', &(c).dry_run, dry_run_help)

/* What a device command has once its options are checked and its VF found. */
struct lm_ctx {
	const char *cmd;
	struct lm_dev dev;
	struct lm_target t;
	enum lm_fmt fmt;
	char err[LM_ERR_LEN];
};

static void lm_ctx_done(struct lm_ctx *x)
{
	lm_dev_close(&x->dev);
}

/*
 * Track's "changes lost, a full copy is required": a handler's return that
 * lm_ret() turns into exit status LM_TRACK_EXIT_LOST. Positive, so neither
 * an errno nor (being above 0xffff) an NVMe status.
 */
#define LM_RET_CHANGES_LOST	0x10000

/*
 * The one -ENOTTY mapping: nvme-cli answers -ENOTTY with its general help
 * instead of our message, so it never leaves a handler.
 */
static int no_enotty(int ret)
{
	return ret == -ENOTTY ? -EINVAL : ret;
}

/*
 * A handler's last word to nvme-cli, which turns any nonzero return into
 * exit status 1. LM_RET_CHANGES_LOST must stand out from every other
 * failure: it exits with LM_TRACK_EXIT_LOST, the one place the plugin exits
 * by itself (after the handler has cleaned up).
 */
static int lm_ret(int ret)
{
	if (ret == LM_RET_CHANGES_LOST) {
		fflush(NULL);
		exit(LM_TRACK_EXIT_LOST);
	}
	return no_enotty(ret);
}

/*
 * Say what went wrong, once, as "CMD: why", and return the error to pass
 * on (0 is no error code: -EINVAL).
 */
static int __attribute__((format(printf, 3, 4)))
lm_err(const char *cmd, int ret, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return ret ? no_enotty(ret) : -EINVAL;
}

/*
 * An output file that exists is refused unless the user said to replace
 * it, before anything is asked of the device. "-" is standard output.
 */
static int refuse_existing(const char *cmd, const char *path, bool overwrite,
			   const char *why, const char *nothing)
{
	if (overwrite || !strcmp(path, "-") || access(path, F_OK))
		return 0;
	return lm_err(cmd, -EEXIST, "%s exists%s: give --overwrite to replace it, or another name; %s",
		      path, why, nothing);
}

/* A device command's error, said in x->err. */
static int fail(struct lm_ctx *x, int ret)
{
	return lm_err(x->cmd, ret, "%s", x->err);
}

/*
 * Check the common options, open the PF, and (want_vf) find the VF. The
 * device is the one positional argument.
 */
static int lm_begin(struct lm_ctx *x, const char *cmd, int argc, char **argv,
		    const struct lm_common *c, bool want_vf)
{
	struct lm_select sel;
	int64_t vf, cntlid, timeout, csvi;
	int profile, ret;

	memset(x, 0, sizeof(*x));
	x->cmd = cmd;
	x->dev.fd = -1;
	if (lm_fmt_parse(c->output_format, &x->fmt, x->err, sizeof(x->err)) ||
	    lm_parse_opt_num("--vf", c->vf, 1, 0xffff, &vf, x->err, sizeof(x->err)) ||
	    lm_parse_opt_num("--cntlid", c->cntlid, 0, 0xffff, &cntlid, x->err, sizeof(x->err)) ||
	    lm_parse_opt_num("--timeout", c->timeout, 0, LM_MAX_TIMEOUT_MS, &timeout,
			     x->err, sizeof(x->err)) ||
	    lm_parse_opt_num("--csvi", c->csvi, 1, 255, &csvi, x->err, sizeof(x->err)))
		return fail(x, -EINVAL);
	profile = lm_profile_parse(c->profile);
	if (profile < 0) {
		snprintf(x->err, sizeof(x->err),
			 "unknown profile '%s': use auto, tp4159 or intel-2022", c->profile);
		return fail(x, -EINVAL);
	}
	sel = (struct lm_select){ .vf = vf, .cntlid = cntlid, .csvi = csvi,
				  .profile = profile };
	if (optind != argc - 1) {
		snprintf(x->err, sizeof(x->err),
			 "expected one device, the PF's controller (/dev/nvmeX); see 'nvme lm %s --help'",
			 cmd);
		return fail(x, -EINVAL);
	}
	x->dev.dry_run = c->dry_run;
	x->dev.verbose = c->verbose;
	x->dev.timeout_ms = timeout < 0 ? 0 : timeout;
	ret = lm_dev_open(&x->dev, argv[optind], x->err, sizeof(x->err));
	if (ret)
		return fail(x, ret);
	if (!want_vf)
		return 0;
	ret = lm_target_resolve(&x->dev, &sel, &x->t, x->err, sizeof(x->err));
	if (ret) {
		lm_ctx_done(x);
		return fail(x, ret);
	}
	return 0;
}

/* The driver check, but a dry run changes nothing it could guard. */
static int check_vfio(struct lm_ctx *x, bool allow_unbound)
{
	if (x->dev.dry_run)
		return 0;
	return lm_check_vfio(&x->t, x->dev.name, allow_unbound, x->err, sizeof(x->err));
}

static int lm_info(int argc, char **argv, struct command *cmd,
		   struct plugin *plugin)
{
	const char *desc =
		"Show the PF's live-migration support: OACS.HMLMS and the TP4159 "
		"Identify fields, supported controller state formats, the profile "
		"in use, and every secondary controller (VF number, CNTLID, state, "
		"VQ/VI resources, PCI address and bound driver from sysfs).";
	struct lm_common c = LM_COMMON_INIT;
	struct lm_cdq_limits limits = { 0 };
	struct lm_vf_status *vfs = NULL;
	struct lm_hugepages hp;
	struct lm_pf *pf = NULL;
	struct lm_ctx x;
	int i, ret;

	/* info is about the PF: no VF to name, nothing to dry-run. */
	OPT_ARGS(opts) = {
		OPT_FMT("output-format", 'o', &c.output_format, output_format_help),
		OPT_FLAG("verbose", 'v', &c.verbose, verbose_help),
		OPT_STR("timeout", 't', &c.timeout, timeout_help),
		OPT_STR("profile", 'p', &c.profile, profile_help),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	ret = lm_begin(&x, "info", argc, argv, &c, false);
	if (ret)
		return ret;
	pf = calloc(1, sizeof(*pf));
	vfs = calloc(LM_MAX_SEC, sizeof(*vfs));
	if (!pf || !vfs) {
		snprintf(x.err, sizeof(x.err), "out of memory");
		ret = fail(&x, -ENOMEM);
		goto out;
	}
	ret = lm_pf_probe(&x.dev, lm_profile_parse(c.profile), false, pf, x.err,
			  sizeof(x.err));
	if (ret) {
		ret = fail(&x, ret);
		goto out;
	}
	for (i = 0; i < pf->nsec; i++) {
		vfs[i].suspended = -1;
		if (*pf->addr &&
		    !lm_sysfs_vf_addr(pf->addr, pf->sec[i].vfn, vfs[i].addr,
				      sizeof(vfs[i].addr)))
			lm_sysfs_driver(vfs[i].addr, vfs[i].driver,
					sizeof(vfs[i].driver));
		/* Get Controller State's header: read-only, TP4159 only. */
		if (pf->supported && pf->profile == LM_PROFILE_TP4159) {
			struct lm_target t = {
				.profile = pf->profile, .cntlid = pf->sec[i].scid,
				.vfn = pf->sec[i].vfn,
				.csvi = lm_formats_csvi(&pf->formats, LM_CS_NVME_VERSION),
			};

			vfs[i].suspended = lm_op_is_suspended(&x.dev, &t);
			if (vfs[i].suspended < 0)
				vfs[i].suspended = -1;
		}
	}
	lm_hugepages_read(&hp);
	limits.page_entries = LM_CDQ_PAGE_LEN / LM_CDQ_ENTRY_LEN;
	limits.max_entries = lm_cdq_mem_max_entries(&hp, lm_mdts_bytes(pf->id.mdts, 4096));
	limits.hugepages_free = hp.free;
	lm_print(x.fmt, info, stdout, x.dev.name, pf, vfs, &limits);
out:
	free(pf);
	free(vfs);
	lm_ctx_done(&x);
	return ret;
}

static int lm_suspend(int argc, char **argv, struct command *cmd,
		      struct plugin *plugin)
{
	const char *desc =
		"Suspend a VF (Migration Send, Suspend): the controller completes "
		"what it fetched and fetches nothing more. --notify only tells it a "
		"suspend is coming; --delete-cdq deletes its user data migration "
		"queue as part of the suspend (DUDMQ).";
	struct lm_common c = LM_COMMON_INIT;
	bool notify = false, dudmq = false;
	struct lm_ctx x;
	int ret;

	OPT_ARGS(opts) = {
		LM_COMMON_OPTS(c, 'o'),
		OPT_FLAG("notify", 'N', &notify, "suspend notification only (STYPE 0)"),
		OPT_FLAG("delete-cdq", 'd', &dudmq, "delete the VF's user data migration queue (DUDMQ)"),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	ret = lm_begin(&x, "suspend", argc, argv, &c, true);
	if (ret)
		return ret;
	ret = lm_op_suspend(&x.dev, &x.t, notify, dudmq, x.err, sizeof(x.err));
	if (ret)
		ret = fail(&x, ret);
	else if (!x.dev.dry_run)
		lm_print(x.fmt, step, stdout, "suspend", x.dev.name, &x.t,
			 notify ? "suspend notified" : "suspended");
	lm_ctx_done(&x);
	return ret;
}

static int lm_resume(int argc, char **argv, struct command *cmd,
		     struct plugin *plugin)
{
	const char *desc =
		"Resume a suspended VF (Migration Send, Resume). Refused unless the "
		"VF is bound to vfio-pci or a VFIO variant driver (LM_VFIO_DRIVERS "
		"adds one): a resumed VF may DMA wherever its state points. An "
		"unbound VF only with --allow-unbound; one bound to the host's nvme "
		"driver, or whose driver sysfs does not tell, never.";
	struct lm_common c = LM_COMMON_INIT;
	bool allow_unbound = false;
	struct lm_ctx x;
	int ret;

	OPT_ARGS(opts) = {
		LM_COMMON_OPTS(c, 'o'),
		OPT_FLAG("allow-unbound", 0, &allow_unbound, allow_unbound_help),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	ret = lm_begin(&x, "resume", argc, argv, &c, true);
	if (ret)
		return ret;
	ret = check_vfio(&x, allow_unbound);
	if (!ret)
		ret = lm_op_resume(&x.dev, &x.t, x.err, sizeof(x.err));
	if (ret)
		ret = fail(&x, ret);
	else if (!x.dev.dry_run)
		lm_print(x.fmt, step, stdout, "resume", x.dev.name, &x.t, "resumed");
	lm_ctx_done(&x);
	return ret;
}

/* The summary goes where the data does not. */
static FILE *summary_stream(const char *path)
{
	return strcmp(path, "-") ? stdout : stderr;
}

static int lm_save(int argc, char **argv, struct command *cmd,
		   struct plugin *plugin)
{
	const char *desc =
		"Save a suspended VF's controller state (Get Controller State, in "
		"chunks within MDTS until the state's header is satisfied) to a "
		"state file: a container with the source's identity and CRC32C "
		"checksums (see 'nvme lm state-show'). The file appears only when "
		"complete (temporary file, fsync, rename), never over an existing "
		"file unless --overwrite. -f - writes to stdout, so a state can be "
		"piped to 'nvme lm restore -f -'. On a terminal, a large state shows "
		"its progress on stderr.";
	struct lm_common c = LM_COMMON_INIT;
	_lm_free_ void *state = NULL;
	struct lm_progress pg;
	struct lm_xfer_stats st;
	char *output = NULL;
	bool raw = false, overwrite = false;
	struct lm_ctx x;
	uint64_t len;
	int ret;

	OPT_ARGS(opts) = {
		LM_COMMON_OPTS(c, 'o'),
		OPT_FILE("file", 'f', &output, "state file to write, - for stdout"),
		OPT_FLAG("raw", 'r', &raw, "write the bare controller state (upstream nvme-cli's format), no container"),
		OPT_FLAG("overwrite", 0, &overwrite, "replace the state file if it exists (refused otherwise)"),
		OPT_STR("csvi", 0, &c.csvi, csvi_help),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	if (!output || !*output) {
		return lm_err("save", -EINVAL, "no state file given: -f FILE, or -f - for stdout");
	}
	/* A saved state may be the only copy of a stopped VM's device. */
	ret = refuse_existing("save", output, overwrite,
			      " and may be the only copy of a VF's state",
			      "nothing was read");
	if (ret)
		return ret;
	if (!strcmp(output, "-") && isatty(STDOUT_FILENO)) {
		return lm_err("save", -EINVAL, "standard output is a terminal: a state is binary; redirect it to a file or a pipe, or give a file name");
	}
	ret = lm_begin(&x, "save", argc, argv, &c, true);
	if (ret)
		return ret;
	lm_progress_init(&pg, "save", x.fmt != LM_FMT_JSON);
	ret = lm_op_save(&x.dev, &x.t, &state, &len, &st, &pg, x.err, sizeof(x.err));
	lm_progress_end(&pg);
	if (ret) {
		ret = fail(&x, ret);
		goto out;
	}
	if (x.dev.dry_run)
		goto out;
	ret = lm_state_write(output, &x.t, raw, overwrite, state, len, x.err,
			     sizeof(x.err));
	if (ret) {
		ret = fail(&x, ret);
		goto out;
	}
	lm_print(x.fmt, xfer, summary_stream(output), "save", x.dev.name, &x.t,
		 &st, output, lm_crc32c(0, state, len));
out:
	lm_ctx_done(&x);
	return ret;
}

static int lm_restore(int argc, char **argv, struct command *cmd,
		      struct plugin *plugin)
{
	const char *desc =
		"Load a saved controller state into a suspended VF (Set Controller "
		"State, one entire transfer or first/middle/last chunks within "
		"MDTS). The file is checked in full first (integrity, then "
		"compatibility: model, profile, state format; --ignore-compat "
		"overrides model and profile only). The VF must be bound to "
		"vfio-pci or a VFIO variant driver, as for resume. A failure "
		"part-way leaves the VF suspended, and says so.";
	struct lm_common c = LM_COMMON_INIT;
	_lm_free_ void *state = NULL;
	struct lm_progress pg;
	struct lm_xfer_stats st;
	struct lm_held_signals held = { 0 };
	struct lm_sf_hdr h;
	char *input = NULL;
	bool raw = false, ignore_compat = false, allow_unbound = false;
	struct lm_ctx x;
	uint64_t len = 0;
	int ret;

	OPT_ARGS(opts) = {
		LM_COMMON_OPTS(c, 'o'),
		OPT_FILE("file", 'f', &input, "state file to load, - for stdin"),
		OPT_FLAG("raw", 'r', &raw, "the input is a bare controller state (no container)"),
		OPT_FLAG("ignore-compat", 0, &ignore_compat, ignore_compat_help),
		OPT_FLAG("allow-unbound", 0, &allow_unbound, allow_unbound_help),
		OPT_STR("csvi", 0, &c.csvi, csvi_help),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	if (!input || !*input) {
		return lm_err("restore", -EINVAL, "no state file given: -f FILE, or -f - for stdin");
	}
	ret = lm_begin(&x, "restore", argc, argv, &c, true);
	if (ret)
		return ret;
	/* The state to load, checked in full before the device sees a byte. */
	ret = lm_state_read(input, raw, x.t.profile, &h, &state, &len, x.err,
			    sizeof(x.err));
	if (!ret && !raw && !ignore_compat && !x.dev.dry_run)
		ret = lm_check_compat(&h.id, &x.t, "--ignore-compat", x.err, sizeof(x.err));
	/* --csvi names the index by hand; a dry run may have no device. */
	if (!ret && !(c.csvi && *c.csvi) && !(x.dev.dry_run && x.dev.fd < 0))
		ret = lm_pick_restore_csvi(&x.t, x.dev.name, state, len, x.err,
					   sizeof(x.err));
	if (!ret)
		ret = check_vfio(&x, allow_unbound);
	if (!ret && !x.dev.dry_run && lm_op_is_suspended(&x.dev, &x.t) == 0) {
		snprintf(x.err, sizeof(x.err),
			 "VF %u (CNTLID 0x%x) is running: suspend the destination first (nvme lm suspend %s --vf %u); nothing was sent",
			 x.t.vfn, x.t.cntlid, x.dev.path, x.t.vfn);
		ret = -EBUSY;
	}
	if (ret) {
		ret = fail(&x, ret);
		goto out;
	}
	if (raw)
		fprintf(stderr, "restore: %s is a bare state: its source and compatibility are unknown and not checked\n",
			input);
	/*
	 * Set Controller State is a sequence: stopped half-way, it leaves a
	 * partial state in a suspended VF. Hold SIGINT/SIGTERM/SIGHUP until it
	 * is done, then say what the VF holds before the signal takes effect.
	 */
	lm_signals_hold(&held);
	lm_progress_init(&pg, "restore", x.fmt != LM_FMT_JSON);
	ret = lm_op_restore(&x.dev, &x.t, state, len, &st, &pg, x.err, sizeof(x.err));
	lm_progress_end(&pg);
	if (lm_signals_pending(&held))
		fprintf(stderr, "restore: interrupted: the transfer was %s first; VF %u (CNTLID 0x%x) stays suspended with %s state: %s\n",
			ret ? "stopped by an error" : "completed", x.t.vfn, x.t.cntlid,
			ret ? "a partial" : "the whole",
			ret ? "restore again, or reset it" : "resume it when its VM is ready (nvme lm resume)");
	if (ret) {
		if (st.failed_chunk > 0)
			snprintf(x.err + strlen(x.err), sizeof(x.err) - strlen(x.err),
				 "; VF %u stays suspended with a partial state: restore again or reset it",
				 x.t.vfn);
		else
			snprintf(x.err + strlen(x.err), sizeof(x.err) - strlen(x.err),
				 "; VF %u stays suspended", x.t.vfn);
		ret = fail(&x, ret);
		goto out;
	}
	if (!x.dev.dry_run)
		lm_print(x.fmt, xfer, stdout, "restore", x.dev.name, &x.t, &st,
			 input, lm_crc32c(0, state, len));
out:
	lm_ctx_done(&x);
	fflush(NULL);
	lm_signals_release(&held);
	return ret;
}

static int lm_track(int argc, char **argv, struct command *cmd,
		    struct plugin *plugin)
{
	const char *desc =
		"Log a VF's user data changes and stream the changed LBA ranges, "
		"coalesced, to -f FILE|- (text \"NSID SLBA NLB\", jsonl, or binary; "
		"an existing file only with --overwrite), "
		"handing the queue's head back as it goes. The queue lives in "
		"memory this process keeps locked and mapped until it ends. It ends "
		"by itself on the controller's final entry: suspended -> exit 0; "
		"queue full or VF reset -> exit 3, changes lost, a full copy is "
		"required. SIGINT/SIGTERM stop logging, delete the queue, flush the "
		"output. --copy SRC:DST copies each changed range from the source "
		"namespace to the destination as it streams; DST may be an NBD URI "
		"(nbd://host/export) on another host. The device writes the "
		"queue long after the create command, which only works where the "
		"PF's IOMMU group is identity (passthrough): checked in sysfs, "
		"--force skips the check.";
	struct lm_common c = LM_COMMON_INIT;
	char *output = NULL, *format = "text", *copy = NULL;
	bool overwrite = false, created = false;
	char src[1024], dst[1024];
	char *entries_s = NULL, *interval_s = NULL;
	char why[LM_ERR_LEN];
	uint64_t entries = 0, interval = 10;
	struct lm_hugepages hp;
	struct lm_copier copier;
	struct lm_track_opts o = { 0 };
	struct lm_track_result r;
	bool force = false;
	struct lm_ctx x;
	int fmt, ret, fd;

	OPT_ARGS(opts) = {
		LM_COMMON_OPTS(c, 'o'),
		OPT_FILE("file", 'f', &output, "where the changed ranges go, - for stdout"),
		OPT_FLAG("overwrite", 0, &overwrite, "replace the change file if it exists (refused otherwise)"),
		OPT_FMT("format", 'F', &format, "ranges as text, jsonl or binary"),
		OPT_STR("entries", 'e', &entries_s, "queue entries (32 bytes each): up to 128 fit one page; more need a free hugepage; default: the most that fits"),
		OPT_STR("interval", 'i', &interval_s, "milliseconds between looks at the queue, default 10"),
		OPT_STR("copy", 'C', &copy, "SRC:DST namespaces (DST may be an NBD URI): copy each changed range as it streams"),
		OPT_FLAG("force", 0, &force, "skip the IOMMU identity check"),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	fmt = lm_chg_fmt_parse(format);
	if (!output || !*output) {
		return lm_err("track", -EINVAL, "no change file given: -f FILE, or -f - for stdout");
	}
	ret = refuse_existing("track", output, overwrite, "", "nothing was started");
	if (ret)
		return ret;
	if (fmt < 0) {
		return lm_err("track", -EINVAL, "unknown --format '%s': use text, jsonl or binary", format);
	}
	if ((entries_s && lm_parse_num("--entries", entries_s, 4, 1u << 24, &entries,
				       why, sizeof(why))) ||
	    (interval_s && lm_parse_num("--interval", interval_s, 1, 60000, &interval,
					why, sizeof(why)))) {
		return lm_err("track", -EINVAL, "%s", why);
	}
	if (c.dry_run) {
		return lm_err("track", -EINVAL, "--dry-run: tracking cannot be simulated without a queue; use the low-level commands with --dry-run");
	}
	if (copy && lm_copy_spec(copy, src, dst, sizeof(src))) {
		return lm_err("track", -EINVAL, "--copy takes SRC:DST, two namespace devices (DST may be an NBD URI)");
	}
	ret = lm_begin(&x, "track", argc, argv, &c, true);
	if (ret)
		return ret;
	lm_hugepages_read(&hp);
	ret = lm_track_check(&x.t, x.dev.name, &hp, force, &entries, x.err,
			     sizeof(x.err));
	if (ret) {
		ret = fail(&x, ret);
		goto out;
	}
	if (copy) {
		ret = lm_copier_open(&copier, src, dst, x.err, sizeof(x.err));
		if (ret) {
			ret = fail(&x, ret);
			goto out;
		}
		o.copier = &copier;
	}
	if (!strcmp(output, "-")) {
		o.out = stdout;
	} else {
		/* Opened only now, with everything checked; never through a link. */
		bool existed = !access(output, F_OK);

		fd = open(output, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
			  (overwrite ? 0 : O_EXCL), 0644);
		o.truncate_late = overwrite;
		created = fd >= 0 && !existed;
		o.out = fd < 0 ? NULL : fdopen(fd, "w");
		if (!o.out) {
			snprintf(x.err, sizeof(x.err), "cannot create %s: %s", output, strerror(errno));
			if (o.copier)
				lm_copier_close(o.copier, x.err, 0);
			ret = fail(&x, -errno);
			goto out;
		}
	}
	o.entries = entries;
	o.interval_ms = interval;
	o.fmt = fmt;
	ret = lm_track_run(&x.dev, &x.t, &o, &r, x.err, sizeof(x.err));
	if (o.out != stdout && fclose(o.out) && !ret) {
		snprintf(x.err, sizeof(x.err), "cannot complete %s: %s", output, strerror(errno));
		ret = -EIO;
	}
	/* A track that failed before logging anything leaves no file behind. */
	if (ret && created && !r.entries)
		unlink(output);
	if (o.copier && lm_copier_close(o.copier, ret ? NULL : x.err, ret ? 0 : sizeof(x.err)) &&
	    !ret)
		ret = -EIO;
	if (ret) {
		ret = fail(&x, ret);
		goto out;
	}
	lm_print(x.fmt, track, summary_stream(output), x.dev.name, &x.t, &r,
		 o.copier ? &copier.bytes : NULL);
	if (r.lost) {
		fflush(NULL);
		ret = lm_err("track", LM_RET_CHANGES_LOST,
			     "changes lost: a full copy is required (%s)", r.why);
	}
out:
	lm_ctx_done(&x);
	return lm_ret(ret);
}

static int lm_copy_ranges(int argc, char **argv, struct command *cmd,
			  struct plugin *plugin)
{
	const char *desc =
		"Copy the LBA ranges of a change file (written by 'nvme lm track', "
		"any of its formats) from the SRC namespace to DST: large aligned "
		"requests, several in flight, only the source's own namespace ID. "
		"SRC and DST must be two different namespaces (or files standing in "
		"for them); DST may be an NBD export instead, by its URI "
		"(nbd://host[:port]/export, nbd+unix:///export?socket=PATH, nbds:// "
		"with TLS), checked before the first write. A change file whose "
		"ranges all belong to another namespace is an error, not an empty "
		"copy.";
	struct lm_chg chg = { 0 };
	struct lm_progress pg;
	char *changes = NULL, *format = "normal";
	struct lm_copier copier;
	char err[LM_ERR_LEN];
	bool verbose = false;
	struct timespec t0, t1;
	size_t i;
	FILE *f;
	enum lm_fmt fmt;
	int ret;

	OPT_ARGS(opts) = {
		OPT_FILE("changes", 'c', &changes, "change file, - for stdin"),
		OPT_FMT("output-format", 'o', &format, output_format_help),
		OPT_FLAG("verbose", 'v', &verbose, "list each range copied on stderr"),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	if (lm_fmt_parse(format, &fmt, err, sizeof(err)))
		return lm_err("copy-ranges", -EINVAL, "%s", err);
	if (!changes || !*changes || optind != argc - 2) {
		return lm_err("copy-ranges", -EINVAL, "usage: nvme lm copy-ranges --changes FILE SRC DST|NBD-URI");
	}
	f = strcmp(changes, "-") ? fopen(changes, "r") : stdin;
	if (!f) {
		return lm_err("copy-ranges", -errno, "cannot open %s: %s", changes, strerror(errno));
	}
	ret = lm_chg_read(f, &chg, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (ret) {
		ret = lm_err("copy-ranges", ret, "%s: %s", changes, err);
		goto out;
	}
	lm_chg_coalesce(&chg);
	ret = lm_copier_open(&copier, argv[optind], argv[optind + 1], err, sizeof(err));
	if (ret) {
		ret = lm_err("copy-ranges", ret, "%s", err);
		goto out;
	}
	if (verbose)
		for (i = 0; i < chg.n; i++)
			if (!copier.nsid || chg.r[i].nsid == copier.nsid)
				fprintf(stderr, "copy-ranges: nsid %u slba %llu nlb %llu\n",
					chg.r[i].nsid, (unsigned long long)chg.r[i].slba,
					(unsigned long long)chg.r[i].nlb);
	lm_progress_init(&pg, "copy-ranges", fmt != LM_FMT_JSON);
	copier.progress = &pg;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = lm_copier_copy(&copier, &chg, err, sizeof(err));
	lm_progress_end(&pg);
	if (lm_copier_close(&copier, ret ? NULL : err, ret ? 0 : sizeof(err)) && !ret)
		ret = -EIO;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!ret && !copier.ranges && copier.foreign) {
		snprintf(err, sizeof(err),
			 "every range in %s belongs to namespace %u, and %s is namespace %u: nothing copied; give the change file of this namespace",
			 changes, copier.foreign_nsid, argv[optind], copier.nsid);
		ret = -EINVAL;
	}
	if (ret) {
		ret = lm_err("copy-ranges", ret, "%s", err);
		goto out;
	}
	lm_print(fmt, copy, stdout, argv[optind], argv[optind + 1], &copier,
		 (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
out:
	lm_chg_free(&chg);
	return ret;
}

/* Default downtime budget for the final copy, and the hand-over's limit. */
#define LM_MIG_DEFAULT_LIMIT_MS		5
#define LM_MIG_DEFAULT_HANDOVER_S	60
/* The longest wait on the destination's helper, unless its commands may take longer. */
#define LM_MIG_DEFAULT_REMOTE_MS	30000
/* What an admin command may take without --timeout: Linux's admin_timeout default. */
#define LM_KERNEL_ADMIN_TIMEOUT_MS	60000

static int lm_migrate(int argc, char **argv, struct command *cmd,
		      struct plugin *plugin)
{
	const char *desc =
		"Migrate a VF live to a VF of another PF, in one process: both PFs "
		"and namespaces opened once; change logging started and confirmed "
		"by the device before the full copy; changed ranges copied as they "
		"are logged, round after round, until the rest fits "
		"--downtime-limit; then suspend the source, read its change queue "
		"to the final entry, copy the rest, save, restore into the "
		"(suspended) destination, resume it, and run --handover. Any "
		"failure before the destination resumes rolls back: the source is "
		"resumed and keeps serving. Every step is timestamped in the "
		"report (-o json on stdout, --report FILE). Exit 0 only when "
		"migrated and handed over.";
	struct lm_common c = LM_COMMON_INIT;
	char *to = NULL, *to_vf = NULL, *to_cntlid = NULL, *src_ns = NULL, *dst_ns = NULL;
	char *limit_s = NULL, *threshold_s = NULL, *rounds_s = NULL, *policy = "proceed";
	char *entries_s = NULL, *handover = NULL, *handover_to_s = NULL, *report = NULL;
	char *to_host = NULL, *to_nvme = "nvme", *remote_to_s = NULL;
	struct lm_mig_remote remote = { 0 };
	uint64_t remote_to;
	bool shared = false, overwrite = false, ignore_iommu = false, quiet = false;
	struct lm_mig_opts o = { 0 };
	struct lm_mig_report r;
	struct lm_mig_side src, dst;
	struct lm_mig_report_ctx rc;
	struct lm_target dst_t;
	struct lm_dev dst_dev = { .fd = -1 };
	struct lm_hugepages hp;
	struct lm_select sel;
	uint64_t limit = LM_MIG_DEFAULT_LIMIT_MS, threshold = 0, rounds = 8;
	uint64_t entries = 0, handover_to = LM_MIG_DEFAULT_HANDOVER_S;
	int64_t dvf, dcntlid;
	struct lm_ctx x;
	char why[LM_ERR_LEN];
	int ret;

	OPT_ARGS(opts) = {
		LM_COMMON_OPTS(c, 'o'),
		OPT_STR("to", 'T', &to, "the destination PF's controller (/dev/nvmeY)"),
		OPT_STR("to-vf", 0, &to_vf, "the destination VF's number on --to"),
		OPT_STR("to-cntlid", 0, &to_cntlid, "the destination VF's controller identifier, instead of --to-vf"),
		OPT_STR("to-host", 0, &to_host, "the destination is on another host: a command prefix that runs a command there ('ssh -T root@host'); --to names its PF there, --dst-ns is an nbd:// URI"),
		OPT_STR("to-nvme", 0, &to_nvme, "nvme with the lm plugin on that host (default: nvme)"),
		OPT_STR("remote-timeout", 0, &remote_to_s, "milliseconds to wait on the helper there for an answer before its connection counts as broken (default: --timeout plus 5000, at least 30000; without --timeout 65000, Linux's admin time-out plus 5000; 0: no limit)"),
		OPT_STR("src-ns", 0, &src_ns, "the VF's namespace as the source PF's host sees it (/dev/nvmeXnY, or a file)"),
		OPT_STR("dst-ns", 0, &dst_ns, "the same on the destination"),
		OPT_FLAG("shared", 0, &shared, "source and destination share the namespace: no tracking, no copy"),
		OPT_STR("downtime-limit", 'D', &limit_s, "milliseconds the final copy may take; pre-copy goes on until the rest fits (default 5)"),
		OPT_STR("threshold", 0, &threshold_s, "or stop pre-copy once at most this many bytes are left (default 0)"),
		OPT_STR("max-rounds", 'R', &rounds_s, "pre-copy rounds before --on-no-converge applies (default 8)"),
		OPT_STR("on-no-converge", 0, &policy, "proceed (stop and copy the rest) or abort (the source keeps serving)"),
		OPT_STR("entries", 'e', &entries_s, "change queue entries (default: one page, or a free hugepage)"),
		OPT_FLAG("ignore-iommu", 0, &ignore_iommu, "skip the check that the PF's IOMMU group is identity"),
		OPT_STR("handover", 'H', &handover, "sh -c command once the destination runs (LM_SRC_PF, LM_SRC_VF, LM_DST_PF, LM_DST_VF set)"),
		OPT_STR("handover-timeout", 0, &handover_to_s, "seconds the hand-over may take before it is killed (default 60, 0: no limit)"),
		OPT_FILE("report", 'r', &report, "write the JSON report to this file (whatever the outcome)"),
		OPT_FLAG("overwrite", 0, &overwrite, "replace an existing --report file"),
		OPT_FLAG("quiet", 'q', &quiet, "no progress lines on stderr"),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	/* Everything the user gave is checked before a device is touched. */
	if (!to || !*to)
		return lm_err("migrate", -EINVAL, "no destination: --to /dev/nvmeY, the destination PF");
	if ((!to_vf || !*to_vf) == (!to_cntlid || !*to_cntlid))
		return lm_err("migrate", -EINVAL, "name the destination VF: --to-vf N or --to-cntlid ID (one of them)");
	if (lm_parse_opt_num("--to-vf", to_vf, 1, 0xffff, &dvf, why, sizeof(why)) ||
	    lm_parse_opt_num("--to-cntlid", to_cntlid, 0, 0xffff, &dcntlid, why, sizeof(why)) ||
	    (limit_s && lm_parse_num("--downtime-limit", limit_s, 1, 3600000, &limit, why, sizeof(why))) ||
	    (threshold_s && lm_parse_num("--threshold", threshold_s, 0, UINT64_MAX, &threshold, why, sizeof(why))) ||
	    (rounds_s && lm_parse_num("--max-rounds", rounds_s, 0, 1000000, &rounds, why, sizeof(why))) ||
	    (entries_s && lm_parse_num("--entries", entries_s, 4, 1u << 24, &entries, why, sizeof(why))) ||
	    (handover_to_s && lm_parse_num("--handover-timeout", handover_to_s, 0, 86400, &handover_to, why, sizeof(why))) ||
	    (remote_to_s && lm_parse_num("--remote-timeout", remote_to_s, 0, LM_MAX_TIMEOUT_MS, &remote_to, why, sizeof(why))))
		return lm_err("migrate", -EINVAL, "%s", why);
	if (remote_to_s && (!to_host || !*to_host))
		return lm_err("migrate", -EINVAL, "--remote-timeout is for a destination on another host (--to-host)");
	if (strcmp(policy, "proceed") && strcmp(policy, "abort"))
		return lm_err("migrate", -EINVAL, "unknown --on-no-converge '%s': use proceed or abort", policy);
	if (shared && (src_ns || dst_ns))
		return lm_err("migrate", -EINVAL, "--shared copies nothing: drop --src-ns and --dst-ns");
	if (!shared && (!src_ns || !*src_ns || !dst_ns || !*dst_ns))
		return lm_err("migrate", -EINVAL, "give the namespaces to copy (--src-ns and --dst-ns), or --shared if both PFs see one namespace");
	if (c.dry_run)
		return lm_err("migrate", -EINVAL, "--dry-run: a migration cannot be simulated step by step; dry-run each command instead (nvme lm suspend --dry-run, ...)");
	if (report && *report) {
		enum lm_fmt json;

		/* The report is JSON: a build without json-c cannot write it. */
		if (lm_fmt_parse("json", &json, why, sizeof(why)))
			return lm_err("migrate", -EINVAL, "--report: %s", why);
		ret = refuse_existing("migrate", report, overwrite, "", "nothing was started");
		if (ret)
			return ret;
	}
	ret = lm_begin(&x, "migrate", argc, argv, &c, true);
	if (ret)
		return ret;
	dst_dev.verbose = x.dev.verbose;
	dst_dev.timeout_ms = x.dev.timeout_ms;
	sel = (struct lm_select){ .vf = dvf, .cntlid = dcntlid, .csvi = -1,
				  .profile = lm_profile_parse(c.profile) };
	if (to_host && *to_host) {
		/* Only its name here: the helper there holds the PF. */
		memset(&dst_t, 0, sizeof(dst_t));
		snprintf(dst_dev.path, sizeof(dst_dev.path), "%s", to);
		snprintf(dst_dev.name, sizeof(dst_dev.name), "%s",
			 strrchr(to, '/') ? strrchr(to, '/') + 1 : to);
		/*
		 * Long enough for one of its commands to time out there (a
		 * restore's helper reports each chunk, each a new wait).
		 */
		if (!remote_to_s) {
			uint32_t cmd_ms = dst_dev.timeout_ms ? dst_dev.timeout_ms :
					  LM_KERNEL_ADMIN_TIMEOUT_MS;

			remote_to = cmd_ms + 5000 > LM_MIG_DEFAULT_REMOTE_MS ?
				    cmd_ms + 5000 : LM_MIG_DEFAULT_REMOTE_MS;
		}
		ret = lm_remote_open(&remote, to_host, to_nvme, to, dvf, dcntlid,
				     c.profile, dst_dev.timeout_ms, remote_to, &dst_t,
				     x.err, sizeof(x.err));
	} else {
		ret = lm_dev_open(&dst_dev, to, x.err, sizeof(x.err));
		if (!ret)
			ret = lm_target_resolve(&dst_dev, &sel, &dst_t, x.err, sizeof(x.err));
	}
	if (!ret && !to_host && !strcmp(dst_dev.name, x.dev.name) && dst_t.cntlid == x.t.cntlid) {
		snprintf(x.err, sizeof(x.err), "the source and the destination are the same VF: nothing to migrate");
		ret = -EINVAL;
	}
	if (!ret && !shared && x.t.profile == LM_PROFILE_TP4159) {
		lm_hugepages_read(&hp);
		ret = lm_track_check(&x.t, x.dev.name, &hp, ignore_iommu, &entries,
				     x.err, sizeof(x.err));
	}
	if (ret) {
		ret = fail(&x, ret);
		goto out;
	}

	src = (struct lm_mig_side){ .dev = &x.dev, .t = &x.t, .ns = shared ? NULL : src_ns };
	dst = (struct lm_mig_side){ .dev = &dst_dev, .t = &dst_t, .ns = shared ? NULL : dst_ns,
				    .remote = to_host && *to_host ? &remote : NULL };
	o = (struct lm_mig_opts){
		.shared = shared, .downtime_limit_us = limit * 1000,
		.threshold = threshold, .max_rounds = rounds,
		.on_no_converge = strcmp(policy, "abort") ? LM_MIG_PROCEED : LM_MIG_ABORT,
		.entries = entries, .handover = handover && *handover ? handover : NULL,
		.handover_timeout_s = handover_to, .progress = !quiet,
	};
	ret = lm_migrate_run(&src, &dst, &o, &r);
	rc = (struct lm_mig_report_ctx){ .src = &src, .dst = &dst, .o = &o, .r = &r };
	if (report && *report &&
	    lm_mig_report_write(&rc, report, overwrite, why, sizeof(why)))
		fprintf(stderr, "migrate: %s\n", why);
	lm_print(x.fmt, migrate, stdout, &rc);
	if (ret)
		ret = lm_err("migrate", ret, "%s in %s: %s; %s", lm_mig_outcome_name(r.outcome),
			     lm_mig_step_name(r.failed_step), r.error, r.recovery);
	lm_mig_report_free(&r);
out:
	lm_remote_close(&remote);
	lm_dev_close(&dst_dev);
	lm_ctx_done(&x);
	return lm_ret(ret);
}

static int lm_migrate_dst(int argc, char **argv, struct command *cmd,
			  struct plugin *plugin)
{
	const char *desc =
		"The destination's side of a migration to another host, run there "
		"by 'nvme lm migrate' (not by hand): holds the destination PF open, checks the "
		"VF is bound to vfio, says what the migration needs to know, then "
		"suspends, loads a state into, resumes or reports the VF, one "
		"request a line on stdin, one answer a line on stdout.";
	struct lm_common c = LM_COMMON_INIT;
	struct lm_ctx x;
	int ret;

	OPT_ARGS(opts) = {
		LM_COMMON_OPTS(c, 'o'),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	/* Every refusal is one line the engine on the other host can show. */
	if (c.dry_run) {
		printf("error --dry-run: nothing to serve\n");
		return -EINVAL;
	}
	ret = lm_begin(&x, "migrate-dst", argc, argv, &c, true);
	if (ret) {
		printf("error cannot open or find the destination VF (see its stderr)\n");
		return ret;
	}
	ret = lm_check_vfio(&x.t, x.dev.name, false, x.err, sizeof(x.err));
	if (ret) {
		printf("error %s\n", x.err);
		ret = fail(&x, ret);
	} else {
		ret = lm_remote_serve(&x.dev, &x.t, stdin, stdout);
	}
	lm_ctx_done(&x);
	return lm_ret(ret);
}

static int lm_state_show(int argc, char **argv, struct command *cmd,
			 struct plugin *plugin)
{
	const char *desc =
		"Decode a state file written by 'nvme lm save' without a device: "
		"the container (source identity, sizes, checksums), the TP4159 "
		"controller state header, and every I/O submission and completion "
		"queue of the NVMe controller state. The file is checked in full "
		"first; a damaged file is named and rejected. FILE '-' reads stdin.";
	const char *raw = "FILE is a bare controller state (upstream nvme-cli "
			  "migration-recv output), not a container";
	_lm_close_ int fd = -1;
	_lm_free_ void *payload = NULL;
	char err[LM_ERR_LEN] = "";
	struct lm_sf_hdr h;
	enum lm_sf_err sferr;
	const char *path;
	size_t len;
	enum lm_fmt fmt;
	int ret;

	struct config {
		char *output_format;
		bool raw;
	} cfg = {
		.output_format = "normal",
		.raw = false,
	};

	OPT_ARGS(opts) = {
		OPT_FMT("output-format", 'o', &cfg.output_format, output_format_help),
		OPT_FLAG("raw", 'r', &cfg.raw, raw),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	if (lm_fmt_parse(cfg.output_format, &fmt, err, sizeof(err)))
		return lm_err("state-show", -EINVAL, "%s", err);
	if (optind != argc - 1) {
		return lm_err("state-show", -EINVAL, "expected one state file (or '-' for stdin); see 'nvme lm state-show --help'");
	}
	path = argv[optind];
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0) {
		return lm_err("state-show", -errno, "cannot open %s: %s", path,
			strerror(errno));
	}

	if (cfg.raw) {
		ret = lm_read_all(fd, &payload, &len, LM_SF_MAX_PAYLOAD, err, sizeof(err));
		if (ret) {
			return lm_err("state-show", ret, "%s: %s", path, err);
		}
	} else {
		sferr = lm_sf_read_fd(fd, &h, &payload, err, sizeof(err));
		if (sferr) {
			return lm_err("state-show", -EINVAL, "%s: %s", path, err);
		}
		len = h.payload_len;
	}

	ret = lm_print_state(stdout, fmt, path, cfg.raw ? NULL : &h, payload,
			     len, err, sizeof(err));
	if (ret && cfg.raw && len >= LM_SF_MAGIC_LEN &&
	    !memcmp(payload, LM_SF_MAGIC, LM_SF_MAGIC_LEN)) {
		return lm_err("state-show", ret, "%s is an nvme-lm state file, not a bare state: drop --raw",
			path);
	}
	if (ret) {
		return lm_err("state-show", ret, "%s: %s", path, err);
	}
	return 0;
}

/* ---- the low-level commands, upstream's names and options ---- */

struct lm_ll_common {
	bool verbose;
	char *timeout;		/* parsed strictly, as the workflow's */
	bool dry_run;
};

#define LM_LL_OPTS(c)								\
	OPT_FLAG("verbose", 'v', &(c).verbose, verbose_help),			\
	OPT_STR("timeout", 0, &(c).timeout, timeout_help),			\
	OPT_FLAG("dry-run", 0, &(c).dry_run, dry_run_help)

/* Open the one device given (the options are parsed by then). */
static int ll_open(struct lm_dev *d, const char *cmd, int argc, char **argv,
		   const struct lm_ll_common *c)
{
	char err[LM_ERR_LEN];
	int64_t timeout;
	int ret;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if (lm_parse_opt_num("--timeout", c->timeout, 0, LM_MAX_TIMEOUT_MS, &timeout,
			     err, sizeof(err)))
		return lm_err(cmd, -EINVAL, "%s", err);
	if (optind != argc - 1)
		return lm_err(cmd, -EINVAL, "expected one device, the PF's controller (/dev/nvmeX); see 'nvme lm %s --help'",
			      cmd);
	d->verbose = c->verbose;
	d->timeout_ms = timeout < 0 ? 0 : timeout;
	d->dry_run = c->dry_run;
	ret = lm_dev_open(d, argv[optind], err, sizeof(err));
	if (ret)
		return lm_err(cmd, ret, "%s", err);
	return 0;
}

/* What a low-level command did, at once: create-cdq's holds until a signal. */
static void ll_report(const struct lm_ll_report *r)
{
	lm_print(LM_FMT_NORMAL, ll, stdout, r);
	fflush(stdout);
}

/*
 * The seven low-level commands' one shape, once argconfig has parsed their
 * options (ret is what it returned): open the one device, send, close.
 */
static int ll_run(const char *cmd, int ret, int argc, char **argv,
		  const struct lm_ll_common *c, lm_ll_send_fn *send,
		  const struct lm_ll_args *a)
{
	char err[LM_ERR_LEN];
	struct lm_dev d;

	if (!ret)
		ret = ll_open(&d, cmd, argc, argv, c);
	if (ret)
		return ret;
	ret = send(&d, a, ll_report, err, sizeof(err));
	lm_dev_close(&d);
	if (ret)
		return lm_err(cmd, ret, "%s", err);
	return 0;
}

static int lm_migration_send(int argc, char **argv, struct command *cmd,
			     struct plugin *plugin)
{
	const char *desc = "Send one Migration Send command (41h): suspend, resume, or one "
			   "Set Controller State transfer. NUMD counts dwords (not 0's-based).";
	struct lm_ll_common c = { 0 };
	struct lm_ll_args a = { .msend.sel = 0xff };
	unsigned long offset = 0;
	char *input = NULL;
	int ret;

	OPT_ARGS(opts) = {
		OPT_BYTE("sel", 's', &a.msend.sel, "operation: 0 suspend, 1 resume, 2 set controller state"),
		OPT_SHRT("cntlid", 'c', &a.msend.cntlid, "controller identifier of the VF (CDW11 15:0)"),
		OPT_BYTE("stype", 't', &a.msend.stype, "suspend type: 0 notification, 1 suspend"),
		OPT_FLAG("dudmq", 'd', &a.msend.dudmq, "delete the user data migration queue with the suspend"),
		OPT_BYTE("seq-ind", 'S', &a.msend.seqind, "sequence indicator: 0 middle, 1 first, 2 last, 3 entire"),
		OPT_BYTE("csuuidi", 'U', &a.msend.csuuidi, "controller state UUID index (CDW11 31:24)"),
		OPT_BYTE("csvi", 'V', &a.msend.csvi, "controller state version index (CDW11 23:16)"),
		OPT_BYTE("uidx", 'u', &a.msend.uidx, "UUID index (CDW14 6:0)"),
		OPT_LONG("offset", 'o', &offset, "byte offset into the controller state"),
		OPT_UINT("numd", 'n', &a.msend.numd, "dwords to send"),
		OPT_FILE("input-file", 'f', &input, "controller state data to send, - for stdin"),
		LM_LL_OPTS(c),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	a.msend.offset = offset;
	a.msend.input = input;
	return ll_run("migration-send", ret, argc, argv, &c, lm_ll_migration_send, &a);
}

static int lm_migration_recv(int argc, char **argv, struct command *cmd,
			     struct plugin *plugin)
{
	const char *desc = "Send one Migration Receive command (42h, Get Controller State). "
			   "NUMD is 0's-based: --numd N receives N+1 dwords, all of which are "
			   "written to --output-file, or dumped in hex without one.";
	struct lm_ll_common c = { 0 };
	struct lm_ll_args a = { 0 };
	unsigned long offset = 0;
	char *output = NULL;
	int ret;

	OPT_ARGS(opts) = {
		OPT_BYTE("sel", 's', &a.mrecv.sel, "operation: 0 get controller state"),
		OPT_SHRT("cntlid", 'c', &a.mrecv.cntlid, "controller identifier of the VF (CDW11 15:0)"),
		OPT_BYTE("csuuidi", 'U', &a.mrecv.csuuidi, "controller state UUID index (CDW11 23:16)"),
		OPT_BYTE("csvi", 'V', &a.mrecv.csvi, "controller state version index (CDW10 MOS 7:0)"),
		OPT_BYTE("uidx", 'u', &a.mrecv.uidx, "UUID index (CDW14 6:0)"),
		OPT_LONG("offset", 'o', &offset, "byte offset into the controller state"),
		OPT_UINT("numd", 'n', &a.mrecv.numd, "dwords to receive, 0's-based"),
		OPT_FILE("output-file", 'f', &output, "where the data goes (written whole, atomically)"),
		LM_LL_OPTS(c),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	a.mrecv.offset = offset;
	a.mrecv.output = output;
	return ll_run("migration-recv", ret, argc, argv, &c, lm_ll_migration_recv, &a);
}

static int lm_create_cdq(int argc, char **argv, struct command *cmd,
			 struct plugin *plugin)
{
	const char *desc = "Create a Controller Data Queue (45h) for a VF. The controller "
			   "writes the queue for as long as it exists, so this needs --hold: "
			   "the queue memory stays mapped and locked until SIGINT/SIGTERM, and "
			   "the queue is deleted before it is freed. 'nvme lm track' also "
			   "reads it.";
	struct lm_ll_common c = { 0 };
	struct lm_ll_args a = { 0 };
	bool consent = false;

	OPT_ARGS(opts) = {
		OPT_UINT("size", 's', &a.cdq.size_dw, "queue size in dwords (8 per entry)"),
		OPT_SHRT("cntlid", 'c', &a.cdq.cntlid, "the VF whose changes are logged"),
		OPT_BYTE("queue-type", 'q', &a.cdq.queue_type, "0: user data migration queue"),
		OPT_FLAG("hold", 0, &a.cdq.hold, "keep the queue memory alive until interrupted"),
		OPT_FLAG("consent", 0, &consent, "accepted for upstream compatibility; --hold is what makes it safe"),
		LM_LL_OPTS(c),
		OPT_END()
	};

	return ll_run("create-cdq", argconfig_parse(argc, argv, desc, opts), argc, argv,
		      &c, lm_ll_create_cdq, &a);
}

static int lm_delete_cdq(int argc, char **argv, struct command *cmd,
			 struct plugin *plugin)
{
	const char *desc = "Delete a Controller Data Queue (45h).";
	struct lm_ll_common c = { 0 };
	struct lm_ll_args a = { 0 };

	OPT_ARGS(opts) = {
		OPT_SHRT("cdqid", 'C', &a.cdqid, "controller data queue identifier"),
		LM_LL_OPTS(c),
		OPT_END()
	};

	return ll_run("delete-cdq", argconfig_parse(argc, argv, desc, opts), argc, argv,
		      &c, lm_ll_delete_cdq, &a);
}

static int lm_track_send(int argc, char **argv, struct command *cmd,
			 struct plugin *plugin)
{
	const char *desc = "Send one Track Send command (3Dh): start or stop logging user "
			   "data changes into a controller data queue.";
	struct lm_ll_common c = { 0 };
	struct lm_ll_args a = { .track.sel = 0xff };

	OPT_ARGS(opts) = {
		OPT_BYTE("sel", 's', &a.track.sel, "0: log user data changes"),
		OPT_BYTE("mos", 'm', &a.track.mos, "management operation specific (LACT in bits 3:0)"),
		OPT_SHRT("cdqid", 'C', &a.track.cdqid, "controller data queue identifier"),
		OPT_FLAG("start", 0, &a.track.start, "start logging (LACT 1)"),
		OPT_FLAG("stop", 0, &a.track.stop, "stop logging (LACT 0)"),
		LM_LL_OPTS(c),
		OPT_END()
	};

	return ll_run("track-send", argconfig_parse(argc, argv, desc, opts), argc, argv,
		      &c, lm_ll_track_send, &a);
}

static int lm_set_cdq(int argc, char **argv, struct command *cmd,
		      struct plugin *plugin)
{
	const char *desc = "Set Features 21h: hand a controller data queue's head pointer back, "
			   "and optionally set a tail pointer trigger.";
	struct lm_ll_common c = { 0 };
	struct lm_ll_args a = { 0 };
	int tpt = -1, ret;

	OPT_ARGS(opts) = {
		OPT_SHRT("cdqid", 'C', &a.cdqid, "controller data queue identifier"),
		OPT_UINT("hp", 'H', &a.hp, "head pointer: the next entry the host will read"),
		OPT_INT("tpt", 'T', &tpt, "tail pointer trigger (sets ETPT)"),
		LM_LL_OPTS(c),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	a.tpt = tpt;
	return ll_run("set-cdq", ret, argc, argv, &c, lm_ll_set_cdq, &a);
}

static int lm_get_cdq(int argc, char **argv, struct command *cmd,
		      struct plugin *plugin)
{
	const char *desc = "Get Features 21h: a controller data queue's head pointer and tail "
			   "pointer trigger.";
	struct lm_ll_common c = { 0 };
	struct lm_ll_args a = { 0 };

	OPT_ARGS(opts) = {
		OPT_SHRT("cdqid", 'C', &a.cdqid, "controller data queue identifier"),
		LM_LL_OPTS(c),
		OPT_END()
	};

	return ll_run("get-cdq", argconfig_parse(argc, argv, desc, opts), argc, argv,
		      &c, lm_ll_get_cdq, &a);
}
