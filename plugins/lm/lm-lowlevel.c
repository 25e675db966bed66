// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The low-level commands, one admin command each, under the names and
 * options of upstream nvme-cli's lm plugin, without its defects: every
 * failure exits non-zero, migration-recv keeps every byte it received, a
 * missing file is an error message, and create-cdq never leaves the device
 * writing into memory that is gone.
 *
 * These are not the plugin's handlers (lm-nvme.c) but what they call:
 * they print nothing, but report what they did, or fail with the reason
 * in err.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm-cdq.h"
#include "lm-cdq-mem.h"
#include "lm-cleanup.h"
#include "lm-ctrl-state.h"
#include "lm-file.h"
#include "lm-le.h"
#include "lm-lowlevel.h"
#include "lm-status.h"

static int submit(struct lm_dev *d, struct lm_cmd *c, uint32_t *result,
		  char *err, size_t errlen)
{
	int ret = lm_dev_submit(d, c, result);
	size_t n;

	if (!ret)
		return 0;
	lm_dev_error(err, errlen, c, ret);
	/*
	 * Feature 21h is the controller data queue's: a controller without
	 * live migration calls it an Invalid Field, which alone does not say
	 * why.
	 */
	n = strlen(err);
	if ((c->opcode == LM_OPC_GET_FEATURES || c->opcode == LM_OPC_SET_FEATURES) &&
	    (c->cdw10 & 0xff) == LM_FID_CDQ && ret > 0 &&
	    lm_status_sct(ret) == LM_SCT_GENERIC &&
	    lm_status_sc(ret) == LM_SC_INVALID_FIELD && n < errlen)
		snprintf(err + n, errlen - n,
			 ": Feature 21h (controller data queue) refused: no such queue, or no live migration on this controller ('nvme lm info' tells)");
	return ret;
}

/* Send c, and once it did what it says (not in a dry run) report r. */
static int send_report(struct lm_dev *d, struct lm_cmd *c,
		       const struct lm_ll_report *r, lm_ll_report_fn report,
		       char *err, size_t errlen)
{
	int ret = submit(d, c, NULL, err, errlen);

	if (!ret && !d->dry_run)
		report(r);
	return ret;
}

/* The reason, and the error to return with it. */
static int __attribute__((format(printf, 4, 5)))
refuse(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

int lm_ll_migration_send(struct lm_dev *d, const struct lm_ll_args *args,
			 lm_ll_report_fn report, char *err, size_t errlen)
{
	const struct lm_ll_msend *a = &args->msend;
	_lm_free_ void *data = NULL;
	struct lm_state_xfer x = {
		.cntlid = a->cntlid, .csvi = a->csvi, .csuuidi = a->csuuidi,
		.uidx = a->uidx, .offset = a->offset,
	};
	struct lm_ll_report r = {
		.event = LM_LL_SENT, .sel = a->sel, .cntlid = a->cntlid,
	};
	_lm_close_ int fd = -1;
	struct lm_cmd c;
	size_t len;
	ssize_t n;

	switch (a->sel) {
	case LM_MSEND_SUSPEND:
		if (a->stype > 1)
			return refuse(-EINVAL, err, errlen,
				      "--stype is 0 (notification) or 1 (suspend)");
		lm_enc_suspend(&c, a->cntlid, a->stype, a->dudmq);
		break;
	case LM_MSEND_RESUME:
		lm_enc_resume(&c, a->cntlid);
		break;
	case LM_MSEND_SET_STATE:
		if (!a->input || !*a->input || !a->numd || a->seqind > 3)
			return refuse(-EINVAL, err, errlen,
				      "Set Controller State needs --input-file, --numd (dwords) and --seq-ind 0-3");
		len = (size_t)a->numd * 4;
		data = malloc(len);
		fd = strcmp(a->input, "-") ? open(a->input, O_RDONLY | O_CLOEXEC) :
					     dup(STDIN_FILENO);
		if (!data || fd < 0)
			return refuse(-errno, err, errlen, "cannot open %s: %s",
				      a->input, strerror(errno));
		n = lm_read_full(fd, data, len);
		if (n != (ssize_t)len)
			return refuse(-EINVAL, err, errlen,
				      "%s holds %zd bytes, --numd %u asks for %zu",
				      a->input, n, a->numd, len);
		x.len = len;
		x.buf = data;
		if (lm_enc_set_state(&c, &x, a->seqind))
			return refuse(-EINVAL, err, errlen,
				      "--offset must be a multiple of 4");
		break;
	default:
		return refuse(-EINVAL, err, errlen,
			      "--sel is 0 (suspend), 1 (resume) or 2 (set controller state)");
	}
	return send_report(d, &c, &r, report, err, errlen);
}

int lm_ll_migration_recv(struct lm_dev *d, const struct lm_ll_args *args,
			 lm_ll_report_fn report, char *err, size_t errlen)
{
	const struct lm_ll_mrecv *a = &args->mrecv;
	struct lm_state_xfer x = {
		.cntlid = a->cntlid, .csvi = a->csvi, .csuuidi = a->csuuidi,
		.uidx = a->uidx, .offset = a->offset,
	};
	struct lm_ll_report r = {
		.event = LM_LL_RECEIVED, .cntlid = a->cntlid, .offset = a->offset,
		.written = a->output && *a->output,
	};
	_lm_free_ uint8_t *data = NULL;
	struct lm_atomic out;
	struct lm_cmd c;
	size_t len;
	int ret;

	if (a->sel != 0)
		return refuse(-EINVAL, err, errlen,
			      "--sel 0 (get controller state) is the only operation");
	/* NUMD is 0's-based: --numd N receives N + 1 dwords, and keeps them all. */
	len = ((size_t)a->numd + 1) * 4;
	data = calloc(1, len);
	if (!data)
		return refuse(-ENOMEM, err, errlen, "out of memory");
	x.len = len;
	x.buf = data;
	if (lm_enc_get_state(&c, &x))
		return refuse(-EINVAL, err, errlen, "--offset must be a multiple of 4");
	ret = submit(d, &c, &r.dw0, err, errlen);
	if (ret || d->dry_run)
		return ret;
	/* The header's CSATTR counts only when this transfer carried it. */
	r.suspended = lm_state_says_suspended(r.dw0, !a->offset && len >= LM_CS_HDR_LEN ?
					      data : NULL) ? 1 : a->offset ? -1 : 0;
	r.data = data;
	r.len = len;
	if (r.written) {
		if (lm_atomic_open(&out, a->output, true))
			return refuse(-errno, err, errlen, "cannot create %s: %s",
				      a->output, strerror(errno));
		if (lm_write_full(out.fd, data, len) < 0 || lm_atomic_commit(&out)) {
			ret = refuse(-EIO, err, errlen, "cannot write %s: %s",
				     a->output, strerror(errno));
			lm_atomic_abort(&out);
			return ret;
		}
	}
	report(&r);
	return 0;
}

/* Set by SIGINT/SIGTERM while create-cdq --hold waits. */
static volatile sig_atomic_t lm_ll_stop;

static void on_stop(int sig)
{
	(void)sig;
	lm_ll_stop = 1;
}

int lm_ll_create_cdq(struct lm_dev *d, const struct lm_ll_args *args,
		     lm_ll_report_fn report, char *err, size_t errlen)
{
	const struct lm_ll_cdq *a = &args->cdq;
	struct sigaction sa = { .sa_handler = on_stop };
	struct lm_ll_report r = {
		.event = LM_LL_CDQ_CREATED, .cntlid = a->cntlid,
		.entries = a->size_dw / (LM_CDQ_ENTRY_LEN / 4),
	};
	struct lm_cdq_mem mem;
	struct lm_cmd c;
	uint32_t cdqid = 0;
	char why[320];
	int ret;

	if (!a->hold && !d->dry_run)
		return refuse(-EINVAL, err, errlen,
			      "the controller writes the queue long after this command returns, into memory that dies with this process; "
			      "--hold keeps it mapped and locked until interrupted (then deletes the queue), or use 'nvme lm track'");
	if (a->size_dw < 8 || a->queue_type != LM_CDQ_QT_USER_DATA)
		return refuse(-EINVAL, err, errlen,
			      "--size is in dwords, at least 8 (one entry is 8); --queue-type 0 is the only type");
	if (a->size_dw % (LM_CDQ_ENTRY_LEN / 4))
		return refuse(-EINVAL, err, errlen,
			      "--size %u is not a whole number of 32-byte entries (a multiple of 8 dwords)",
			      a->size_dw);
	/* PC = 1: one page or one hugepage, never scattered pages. */
	ret = lm_cdq_mem_alloc(&mem, r.entries, err, errlen);
	if (ret)
		return ret;
	lm_enc_cdq_create(&c, a->cntlid, a->queue_type, true, a->size_dw, mem.addr);
	ret = submit(d, &c, &cdqid, err, errlen);
	if (ret || d->dry_run)
		goto out;
	r.cdqid = cdqid & 0xffff;
	report(&r);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!lm_ll_stop)
		pause();
	/* The memory may only go once the device no longer writes it. */
	lm_enc_cdq_delete(&c, r.cdqid);
	ret = submit(d, &c, NULL, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen,
			 "CDQ 0x%04x could not be deleted on exit (%s): its memory stays locked until this process ends",
			 r.cdqid, why);
		goto out;
	}
	r.event = LM_LL_CDQ_RELEASED;
	report(&r);
out:
	lm_cdq_mem_free(&mem);
	return ret;
}

int lm_ll_delete_cdq(struct lm_dev *d, const struct lm_ll_args *a,
		     lm_ll_report_fn report, char *err, size_t errlen)
{
	struct lm_ll_report r = { .event = LM_LL_CDQ_DELETED, .cdqid = a->cdqid };
	struct lm_cmd c;

	lm_enc_cdq_delete(&c, a->cdqid);
	return send_report(d, &c, &r, report, err, errlen);
}

int lm_ll_track_send(struct lm_dev *d, const struct lm_ll_args *args,
		     lm_ll_report_fn report, char *err, size_t errlen)
{
	const struct lm_ll_track *a = &args->track;
	struct lm_ll_report r = { .event = LM_LL_TRACK_SENT, .cdqid = a->cdqid };
	uint8_t lact = a->mos & 0xf;
	struct lm_cmd c;

	if (a->sel != LM_TRACK_USER_DATA)
		return refuse(-EINVAL, err, errlen,
			      "--sel 0 (log user data changes) is the only one supported; Track Memory Changes has no public layout");
	if (a->start && a->stop)
		return refuse(-EINVAL, err, errlen, "--start or --stop, not both");
	if (a->start)
		lact = LM_LACT_START;
	else if (a->stop)
		lact = LM_LACT_STOP;
	lm_enc_track_user_data(&c, a->cdqid, lact);
	r.start = lact == LM_LACT_START;
	return send_report(d, &c, &r, report, err, errlen);
}

int lm_ll_set_cdq(struct lm_dev *d, const struct lm_ll_args *a,
		  lm_ll_report_fn report, char *err, size_t errlen)
{
	struct lm_ll_report r = {
		.event = LM_LL_CDQ_HEAD_SET, .cdqid = a->cdqid, .head = a->hp,
		.tpt_set = a->tpt >= 0,
	};
	struct lm_cmd c;

	lm_enc_cdq_set_head(&c, a->cdqid, a->hp, r.tpt_set,
			    r.tpt_set ? (uint32_t)a->tpt : 0);
	return send_report(d, &c, &r, report, err, errlen);
}

int lm_ll_get_cdq(struct lm_dev *d, const struct lm_ll_args *a,
		  lm_ll_report_fn report, char *err, size_t errlen)
{
	struct lm_ll_report r = { .event = LM_LL_CDQ_HEAD, .cdqid = a->cdqid };
	uint8_t buf[8] = { 0 };
	struct lm_cmd c;
	int ret;

	lm_enc_cdq_get(&c, a->cdqid, buf);
	ret = submit(d, &c, NULL, err, errlen);
	r.head = lm_get_le32(buf);
	r.tpt = lm_get_le32(buf + 4);
	if (!ret && !d->dry_run)
		report(&r);
	return ret;
}
