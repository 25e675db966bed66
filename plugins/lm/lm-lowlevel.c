// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The low-level commands, one admin command each, under the names and
 * options of upstream nvme-cli's lm plugin, without its defects: every
 * failure exits non-zero, migration-recv keeps every byte it received, a
 * missing file is an error message, and create-cdq never leaves the device
 * writing into memory that is gone.
 *
 * These are not the plugin's handlers (lm-nvme.c) but what they call.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm-cdq.h"
#include "lm-cdq-mem.h"
#include "lm-cleanup.h"
#include "lm-ctrl-state.h"
#include "lm-file.h"
#include "lm-lowlevel.h"
#include "lm-status.h"

static int submit(struct lm_dev *d, struct lm_cmd *c, uint32_t *result,
		  const char *what)
{
	char why[320];
	int ret = lm_dev_submit(d, c, result);

	if (ret) {
		lm_dev_error(why, sizeof(why), c, ret);
		/*
		 * Feature 21h is the controller data queue's: a controller
		 * without live migration calls it an Invalid Field, which
		 * alone does not say why.
		 */
		if ((c->opcode == LM_OPC_GET_FEATURES || c->opcode == LM_OPC_SET_FEATURES) &&
		    (c->cdw10 & 0xff) == LM_FID_CDQ && ret > 0 &&
		    lm_status_sct(ret) == LM_SCT_GENERIC &&
		    lm_status_sc(ret) == LM_SC_INVALID_FIELD)
			fprintf(stderr, "%s: %s: Feature 21h (controller data queue) refused: no such queue, or no live migration on this controller ('nvme lm info' tells)\n",
				what, why);
		else
			fprintf(stderr, "%s: %s\n", what, why);
	}
	return ret;
}

int lm_ll_migration_send(struct lm_dev *d, const struct lm_ll_args *args)
{
	const struct lm_ll_msend *a = &args->msend;
	_lm_free_ void *data = NULL;
	struct lm_state_xfer x = {
		.cntlid = a->cntlid, .csvi = a->csvi, .csuuidi = a->csuuidi,
		.uidx = a->uidx, .offset = a->offset,
	};
	_lm_close_ int fd = -1;
	struct lm_cmd c;
	size_t len;
	ssize_t n;
	int ret;

	switch (a->sel) {
	case LM_MSEND_SUSPEND:
		if (a->stype > 1) {
			fprintf(stderr, "migration-send: --stype is 0 (notification) or 1 (suspend)\n");
			return -EINVAL;
		}
		lm_enc_suspend(&c, a->cntlid, a->stype, a->dudmq);
		break;
	case LM_MSEND_RESUME:
		lm_enc_resume(&c, a->cntlid);
		break;
	case LM_MSEND_SET_STATE:
		if (!a->input || !*a->input || !a->numd || a->seqind > 3) {
			fprintf(stderr, "migration-send: Set Controller State needs --input-file, --numd (dwords) and --seq-ind 0-3\n");
			return -EINVAL;
		}
		len = (size_t)a->numd * 4;
		data = malloc(len);
		fd = strcmp(a->input, "-") ? open(a->input, O_RDONLY | O_CLOEXEC) :
					     dup(STDIN_FILENO);
		if (!data || fd < 0) {
			fprintf(stderr, "migration-send: cannot open %s: %s\n",
				a->input, strerror(errno));
			return -errno;
		}
		n = lm_read_full(fd, data, len);
		if (n != (ssize_t)len) {
			fprintf(stderr, "migration-send: %s holds %zd bytes, --numd %u asks for %zu\n",
				a->input, n, a->numd, len);
			return -EINVAL;
		}
		x.len = len;
		x.buf = data;
		if (lm_enc_set_state(&c, &x, a->seqind)) {
			fprintf(stderr, "migration-send: --offset must be a multiple of 4\n");
			return -EINVAL;
		}
		break;
	default:
		fprintf(stderr, "migration-send: --sel is 0 (suspend), 1 (resume) or 2 (set controller state)\n");
		return -EINVAL;
	}
	ret = submit(d, &c, NULL, "migration-send");
	if (!ret && !d->dry_run)
		printf("migration-send: %s of CNTLID 0x%x: success\n",
		       a->sel == 0 ? "suspend" : a->sel == 1 ? "resume" :
		       "set controller state", a->cntlid);
	return ret;
}

static void hexdump(const uint8_t *p, size_t len, uint64_t base)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%08" PRIx64 ":", base + i);
		printf(" %02x%s", p[i], i % 16 == 15 || i + 1 == len ? "\n" : "");
	}
}

int lm_ll_migration_recv(struct lm_dev *d, const struct lm_ll_args *args)
{
	const struct lm_ll_mrecv *a = &args->mrecv;
	struct lm_state_xfer x = {
		.cntlid = a->cntlid, .csvi = a->csvi, .csuuidi = a->csuuidi,
		.uidx = a->uidx, .offset = a->offset,
	};
	_lm_free_ uint8_t *data = NULL;
	struct lm_atomic out;
	struct lm_cmd c;
	uint32_t dw0 = 0;
	size_t len;
	int ret;

	if (a->sel != 0) {
		fprintf(stderr, "migration-recv: --sel 0 (get controller state) is the only operation\n");
		return -EINVAL;
	}
	/* NUMD is 0's-based: --numd N receives N + 1 dwords, and keeps them all. */
	len = ((size_t)a->numd + 1) * 4;
	data = calloc(1, len);
	if (!data) {
		fprintf(stderr, "migration-recv: out of memory\n");
		return -ENOMEM;
	}
	x.len = len;
	x.buf = data;
	if (lm_enc_get_state(&c, &x)) {
		fprintf(stderr, "migration-recv: --offset must be a multiple of 4\n");
		return -EINVAL;
	}
	ret = submit(d, &c, &dw0, "migration-recv");
	if (ret || d->dry_run)
		return ret;
	/* The header's CSATTR counts only when this transfer carried it. */
	fprintf(a->output ? stdout : stderr,
		"migration-recv: CNTLID 0x%x: %zu bytes at offset %" PRIu64 "; controller %s (CDW0 0x%x)\n",
		a->cntlid, len, a->offset,
		lm_state_says_suspended(dw0, !a->offset && len >= LM_CS_HDR_LEN ? data : NULL) ?
		"suspended" : a->offset ? "suspended: unknown (CSUP clear, no header in this transfer)" :
		"not suspended", dw0);
	if (a->output && *a->output) {
		if (lm_atomic_open(&out, a->output, true)) {
			fprintf(stderr, "migration-recv: cannot create %s: %s\n",
				a->output, strerror(errno));
			return -errno;
		}
		if (lm_write_full(out.fd, data, len) < 0 || lm_atomic_commit(&out)) {
			fprintf(stderr, "migration-recv: cannot write %s: %s\n",
				a->output, strerror(errno));
			lm_atomic_abort(&out);
			return -EIO;
		}
		return 0;
	}
	hexdump(data, len, a->offset);
	return 0;
}

/* Set by SIGINT/SIGTERM while create-cdq --hold waits. */
static volatile sig_atomic_t lm_ll_stop;

static void on_stop(int sig)
{
	(void)sig;
	lm_ll_stop = 1;
}

int lm_ll_create_cdq(struct lm_dev *d, const struct lm_ll_args *args)
{
	const struct lm_ll_cdq *a = &args->cdq;
	struct sigaction sa = { .sa_handler = on_stop };
	struct lm_cdq_mem mem;
	struct lm_cmd c;
	uint32_t cdqid = 0;
	char why[320];
	int ret;

	if (!a->hold && !d->dry_run) {
		fprintf(stderr,
			"create-cdq: the controller writes the queue long after this command returns, into memory that dies with this process; "
			"--hold keeps it mapped and locked until interrupted (then deletes the queue), or use 'nvme lm track'\n");
		return -EINVAL;
	}
	if (a->size_dw < 8 || a->queue_type != LM_CDQ_QT_USER_DATA) {
		fprintf(stderr, "create-cdq: --size is in dwords, at least 8 (one entry is 8); --queue-type 0 is the only type\n");
		return -EINVAL;
	}
	if (a->size_dw % (LM_CDQ_ENTRY_LEN / 4)) {
		fprintf(stderr, "create-cdq: --size %u is not a whole number of 32-byte entries (a multiple of 8 dwords)\n",
			a->size_dw);
		return -EINVAL;
	}
	/* PC = 1: one page or one hugepage, never scattered pages. */
	ret = lm_cdq_mem_alloc(&mem, a->size_dw / (LM_CDQ_ENTRY_LEN / 4), why, sizeof(why));
	if (ret) {
		fprintf(stderr, "create-cdq: %s\n", why);
		return ret;
	}
	lm_enc_cdq_create(&c, a->cntlid, a->queue_type, true, a->size_dw, mem.addr);
	ret = submit(d, &c, &cdqid, "create-cdq");
	if (ret || d->dry_run)
		goto out;
	cdqid &= 0xffff;
	printf("create-cdq: CDQID 0x%04x for CNTLID 0x%x, %u entries; holding its memory until interrupted\n",
	       cdqid, a->cntlid, a->size_dw / 8);
	fflush(stdout);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!lm_ll_stop)
		pause();
	/* The memory may only go once the device no longer writes it. */
	lm_enc_cdq_delete(&c, cdqid);
	ret = submit(d, &c, NULL, "create-cdq: delete on exit");
	if (ret)
		fprintf(stderr, "create-cdq: CDQ 0x%04x could not be deleted: its memory stays locked until exit\n",
			cdqid);
	else
		printf("create-cdq: CDQID 0x%04x deleted\n", cdqid);
out:
	lm_cdq_mem_free(&mem);
	return ret;
}

int lm_ll_delete_cdq(struct lm_dev *d, const struct lm_ll_args *a)
{
	uint16_t cdqid = a->cdqid;
	struct lm_cmd c;
	int ret;

	lm_enc_cdq_delete(&c, cdqid);
	ret = submit(d, &c, NULL, "delete-cdq");
	if (!ret && !d->dry_run)
		printf("delete-cdq: CDQID 0x%04x deleted\n", cdqid);
	return ret;
}

int lm_ll_track_send(struct lm_dev *d, const struct lm_ll_args *args)
{
	const struct lm_ll_track *a = &args->track;
	uint8_t lact = a->mos & 0xf;
	struct lm_cmd c;
	int ret;

	if (a->sel != LM_TRACK_USER_DATA) {
		fprintf(stderr, "track-send: --sel 0 (log user data changes) is the only one supported; Track Memory Changes has no public layout\n");
		return -EINVAL;
	}
	if (a->start && a->stop) {
		fprintf(stderr, "track-send: --start or --stop, not both\n");
		return -EINVAL;
	}
	if (a->start)
		lact = LM_LACT_START;
	else if (a->stop)
		lact = LM_LACT_STOP;
	lm_enc_track_user_data(&c, a->cdqid, lact);
	ret = submit(d, &c, NULL, "track-send");
	if (!ret && !d->dry_run)
		printf("track-send: logging %s on CDQID 0x%04x\n",
		       lact == LM_LACT_START ? "started" : "stopped", a->cdqid);
	return ret;
}

int lm_ll_set_cdq(struct lm_dev *d, const struct lm_ll_args *a)
{
	uint16_t cdqid = a->cdqid;
	uint32_t hp = a->hp;
	int64_t tpt = a->tpt;
	struct lm_cmd c;
	int ret;

	lm_enc_cdq_set_head(&c, cdqid, hp, tpt >= 0, tpt >= 0 ? (uint32_t)tpt : 0);
	ret = submit(d, &c, NULL, "set-cdq");
	if (!ret && !d->dry_run)
		printf("set-cdq: CDQID 0x%04x head %u%s\n", cdqid, hp,
		       tpt >= 0 ? ", tail pointer trigger set" : "");
	return ret;
}

int lm_ll_get_cdq(struct lm_dev *d, const struct lm_ll_args *a)
{
	uint16_t cdqid = a->cdqid;
	uint8_t buf[8] = { 0 };
	struct lm_cmd c;
	int ret;

	lm_enc_cdq_get(&c, cdqid, buf);
	ret = submit(d, &c, NULL, "get-cdq");
	if (!ret && !d->dry_run)
		printf("get-cdq: CDQID 0x%04x head %u tail pointer trigger %u\n",
		       cdqid, buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24,
		       buf[4] | buf[5] << 8 | buf[6] << 16 | (uint32_t)buf[7] << 24);
	return ret;
}
