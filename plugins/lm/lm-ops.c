// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lm-ctrl-state.h"
#include "lm-ops.h"
#include "lm-profile.h"
#include "lm-state-file.h"
#include "lm-status.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The 2022 vendor RFC's opcodes, not TP4159's. */
static bool is_intel_2022(const struct lm_target *t)
{
	return t->profile == LM_PROFILE_INTEL_2022;
}

/* Send one command for VF t, and turn a failure into the message a user needs. */
static int send_for_vf(struct lm_dev *d, const struct lm_target *t,
		       struct lm_cmd *c, uint32_t *result, char *err,
		       size_t errlen)
{
	char why[320];
	int ret = lm_dev_submit(d, c, result);

	if (!ret)
		return 0;
	lm_dev_error(why, sizeof(why), c, ret);
	if (lm_status_is_cmd(ret, LM_SC_CTRL_NOT_SUSPENDED))
		snprintf(err, errlen,
			 "VF %u (CNTLID 0x%x) is not suspended: suspend it first (nvme lm suspend %s --vf %u); %s",
			 t->vfn, t->cntlid, d->path, t->vfn, why);
	else
		snprintf(err, errlen, "VF %u (CNTLID 0x%x): %s", t->vfn,
			 t->cntlid, why);
	return ret;
}

int lm_op_suspend(struct lm_dev *d, const struct lm_target *t, bool notify,
		  bool dudmq, char *err, size_t errlen)
{
	struct lm_cmd c;

	int ret;

	if (is_intel_2022(t))
		lm_enc_vs_suspend(&c, t->vfn);
	else
		lm_enc_suspend(&c, t->cntlid,
			       notify ? LM_STYPE_NOTIFY : LM_STYPE_SUSPEND, dudmq);
	ret = send_for_vf(d, t, &c, NULL, err, errlen);
	if (lm_status_is_cmd(ret, LM_SC_CTRL_SUSPENDED))
		snprintf(err, errlen,
			 "VF %u (CNTLID 0x%x) is already suspended: nothing changed; save its state (nvme lm save %s --vf %u) or resume it (nvme lm resume %s --vf %u)",
			 t->vfn, t->cntlid, d->path, t->vfn, d->path, t->vfn);
	return ret;
}

int lm_op_resume(struct lm_dev *d, const struct lm_target *t, char *err,
		 size_t errlen)
{
	struct lm_cmd c;

	int ret;

	if (is_intel_2022(t))
		lm_enc_vs_resume(&c, t->vfn);
	else
		lm_enc_resume(&c, t->cntlid);
	ret = send_for_vf(d, t, &c, NULL, err, errlen);
	if (lm_status_is_cmd(ret, LM_SC_CTRL_NOT_SUSPENDED))
		snprintf(err, errlen,
			 "VF %u (CNTLID 0x%x) is already running: nothing to resume, nothing changed",
			 t->vfn, t->cntlid);
	return ret;
}

int lm_op_is_suspended(struct lm_dev *d, const struct lm_target *t)
{
	struct lm_state_xfer x = { .cntlid = t->cntlid, .csvi = t->csvi,
				   .len = LM_CS_HDR_LEN };
	uint8_t hdr[LM_CS_HDR_LEN] = { 0 };
	uint32_t dw0 = 0;
	struct lm_cmd c;
	int ret;

	if (is_intel_2022(t) || d->dry_run)
		return -EOPNOTSUPP;
	x.buf = hdr;
	lm_enc_get_state(&c, &x);
	ret = lm_dev_submit(d, &c, &dw0);
	if (lm_status_is_cmd(ret, LM_SC_CTRL_NOT_SUSPENDED))
		return 0;
	if (ret)
		return -EIO;
	return lm_state_says_suspended(dw0, hdr);
}

static int save_intel_2022(struct lm_dev *d, const struct lm_target *t,
		       void **state, uint64_t *len, struct lm_xfer_stats *st,
		       char *err, size_t errlen)
{
	uint32_t size = 0;
	struct lm_cmd c;
	void *buf;
	int ret;

	lm_enc_vs_query_size(&c, t->vfn);
	ret = send_for_vf(d, t, &c, &size, err, errlen);
	if (ret)
		return ret;
	if (!size || size > t->max_xfer) {
		snprintf(err, errlen,
			 "VF %u: state size %u cannot be saved in one transfer (limit %u bytes)",
			 t->vfn, size, t->max_xfer);
		return -EMSGSIZE;
	}
	buf = malloc(size);
	if (!buf) {
		snprintf(err, errlen, "out of memory for %u bytes of state", size);
		return -ENOMEM;
	}
	lm_enc_vs_save(&c, t->vfn, buf, size);
	ret = send_for_vf(d, t, &c, NULL, err, errlen);
	if (ret) {
		free(buf);
		return ret;
	}
	*state = buf;
	*len = size;
	st->bytes = size;
	st->chunks = 1;
	return 0;
}

/* Room for len bytes in b, kept if it has it already. */
static int state_room(struct lm_state_buf *b, uint64_t len)
{
	void *p;

	if (b->cap >= len)
		return 0;
	p = realloc(b->p, len);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = len;
	return 0;
}

int lm_state_buf_reserve(struct lm_state_buf *b, uint64_t cap)
{
	if (state_room(b, cap))
		return -ENOMEM;
	/* Faulted in now, not when the device writes it in a stop section. */
	memset(b->p, 0, b->cap);
	return 0;
}

int lm_op_save_into(struct lm_dev *d, const struct lm_target *t,
		    struct lm_state_buf *b, struct lm_xfer_stats *st,
		    struct lm_progress *pg, char *err, size_t errlen)
{
	struct lm_state_xfer x = { .cntlid = t->cntlid, .csvi = t->csvi };
	uint64_t total = 0, off;
	uint8_t *buf;
	double start = now();
	struct lm_ctrl_state cs;
	uint32_t first, dw0 = 0;
	struct lm_cmd c;
	char why[256];
	int ret;

	memset(st, 0, sizeof(*st));
	st->failed_chunk = -1;
	b->len = 0;
	if (is_intel_2022(t)) {
		void *state;

		ret = save_intel_2022(d, t, &state, &b->len, st, err, errlen);
		if (!ret) {
			free(b->p);
			b->p = state;
			b->cap = b->len;
		}
		st->seconds = now() - start;
		return ret;
	}

	if (!t->csvi && !d->dry_run) {
		lm_formats_str(&t->formats, why, sizeof(why));
		snprintf(err, errlen,
			 "VF %u: the PF does not list NVMe controller state version %u in Identify CNS 20h (it lists: %s), so no CSVI selects it; pass --csvi N to use the Nth listed version",
			 t->vfn, LM_CS_NVME_VERSION, why);
		return -EOPNOTSUPP;
	}
	/* The header says how much there is; fetch it with the first chunk. */
	first = t->max_xfer < 4096 ? t->max_xfer : 4096;
	if (state_room(b, first)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	buf = b->p;
	x.buf = buf;
	x.len = first;
	lm_enc_get_state(&c, &x);
	ret = send_for_vf(d, t, &c, &dw0, err, errlen);
	if (ret)
		goto fail;
	st->chunks = 1;
	/* Some devices answer a running controller instead of refusing it. */
	if (!d->dry_run && !lm_state_says_suspended(dw0, buf)) {
		snprintf(err, errlen,
			 "VF %u (CNTLID 0x%x) is running (CSUP and CSATTR.suspended clear): suspend it first (nvme lm suspend %s --vf %u); nothing was saved",
			 t->vfn, t->cntlid, d->path, t->vfn);
		ret = -EBUSY;
		goto fail;
	}
	if (d->dry_run) {
		printf("dry-run: the rest of the state would follow in chunks within MDTS, as many as its header demands\n");
		return 0;
	}
	if (lm_ctrl_state_total(buf, first, &total, why, sizeof(why)) ||
	    total > LM_SF_MAX_PAYLOAD || total < LM_CS_HDR_LEN) {
		snprintf(err, errlen, "VF %u: the controller returned a state header that cannot be right: %s",
			 t->vfn, total > LM_SF_MAX_PAYLOAD ? "larger than 1 GiB" : why);
		ret = -EPROTO;
		goto fail;
	}
	if (state_room(b, total)) {
		snprintf(err, errlen, "out of memory for %" PRIu64 " bytes of state", total);
		ret = -ENOMEM;
		goto fail;
	}
	buf = b->p;
	if (b->landed && b->landed(b->arg, first < total ? first : total, total))
		goto gave_up;
	if (pg)
		lm_progress_total(pg, total);
	for (off = first; off < total; off += x.len) {
		lm_progress_update(pg, off);
		x.offset = off;
		x.len = total - off < t->max_xfer ? total - off : t->max_xfer;
		x.buf = buf + off;
		lm_enc_get_state(&c, &x);
		ret = send_for_vf(d, t, &c, NULL, err, errlen);
		if (ret)
			goto fail;
		st->chunks++;
		if (b->landed && b->landed(b->arg, off + x.len, total))
			goto gave_up;
	}
	lm_progress_update(pg, total);
	if (lm_ctrl_state_parse(buf, total, &cs, why, sizeof(why))) {
		snprintf(err, errlen, "VF %u: the controller returned a state that does not parse: %s; nothing was saved",
			 t->vfn, why);
		ret = -EPROTO;
		goto fail;
	}
	if (!cs.nvme_len) {
		snprintf(err, errlen,
			 "VF %u: the controller returned a state with an empty NVMe part (header only, CSVI %u): that is no state to restore; nothing was saved",
			 t->vfn, t->csvi);
		ret = -EPROTO;
		goto fail;
	}
	b->len = total;
	st->bytes = total;
	st->seconds = now() - start;
	return 0;
fail:
	st->seconds = now() - start;
	return ret;
gave_up:
	snprintf(err, errlen, "VF %u: the save was stopped after %u chunks: what it fed gave up",
		 t->vfn, st->chunks);
	st->seconds = now() - start;
	return -ECANCELED;
}

int lm_op_save(struct lm_dev *d, const struct lm_target *t, void **state,
	       uint64_t *len, struct lm_xfer_stats *st,
	       struct lm_progress *pg, char *err, size_t errlen)
{
	struct lm_state_buf b = { 0 };
	int ret = lm_op_save_into(d, t, &b, st, pg, err, errlen);

	if (ret) {
		free(b.p);
		return ret;
	}
	*state = b.p;
	*len = b.len;
	return 0;
}

int lm_op_restore_chunk(struct lm_dev *d, const struct lm_target *t,
			const void *state, const struct lm_chunk *ch,
			struct lm_xfer_stats *st, char *err, size_t errlen)
{
	struct lm_state_xfer x = { .cntlid = t->cntlid, .csvi = t->csvi,
				   .offset = ch->offset, .len = ch->len,
				   .buf = (uint8_t *)state + ch->offset };
	struct lm_cmd c;
	char why[320];
	int ret;

	lm_enc_set_state(&c, &x, ch->seqind);
	ret = lm_dev_submit(d, &c, NULL);
	if (ret) {
		lm_dev_error(why, sizeof(why), &c, ret);
		st->failed_chunk = st->chunks;
		snprintf(err, errlen,
			 "VF %u (CNTLID 0x%x): Set Controller State failed at chunk %u (offset %" PRIu64 "): %s",
			 t->vfn, t->cntlid, st->chunks + 1, ch->offset, why);
		return ret;
	}
	st->chunks++;
	st->bytes += ch->len;
	return 0;
}

int lm_op_restore(struct lm_dev *d, const struct lm_target *t,
		  const void *state, uint64_t len, struct lm_xfer_stats *st,
		  struct lm_progress *pg, char *err, size_t errlen)
{
	struct lm_chunker it;
	struct lm_chunk ch;
	double start = now();
	struct lm_cmd c;
	int ret;

	memset(st, 0, sizeof(*st));
	st->failed_chunk = -1;
	if (is_intel_2022(t)) {
		if (len > t->max_xfer) {
			snprintf(err, errlen,
				 "VF %u: %" PRIu64 " bytes of state exceed the %u-byte single transfer of the intel-2022 profile",
				 t->vfn, len, t->max_xfer);
			return -EMSGSIZE;
		}
		lm_enc_vs_load(&c, t->vfn, (void *)state, len);
		ret = send_for_vf(d, t, &c, NULL, err, errlen);
		if (ret) {
			st->failed_chunk = 0;
		} else {
			st->bytes = len;
			st->chunks = 1;
		}
		st->seconds = now() - start;
		return ret;
	}
	if (lm_chunker_init(&it, len, t->max_xfer)) {
		snprintf(err, errlen, "a state of %" PRIu64 " bytes cannot be sent in dwords", len);
		return -EINVAL;
	}
	if (pg)
		lm_progress_total(pg, len);
	while (lm_chunker_next(&it, &ch)) {
		lm_progress_update(pg, ch.offset);
		ret = lm_op_restore_chunk(d, t, state, &ch, st, err, errlen);
		if (ret) {
			st->seconds = now() - start;
			return ret;
		}
	}
	st->seconds = now() - start;
	return 0;
}
