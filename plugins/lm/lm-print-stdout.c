// SPDX-License-Identifier: GPL-2.0-or-later
/* The normal output backend: text for a reader. */
#include <inttypes.h>
#include <string.h>

#include "lm-cmd.h"
#include "lm-copy.h"
#include "lm-ctrl-state.h"
#include "lm-discover.h"
#include "lm-lowlevel.h"
#include "lm-ops.h"
#include "lm-mig-report.h"
#include "lm-print.h"
#include "lm-profile.h"
#include "lm-track.h"

/* "Label               : text", one line each. */
static void print_fields(FILE *f, const struct lm_fields *l)
{
	const struct lm_field *x;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		x = &l->f[i];
		if (x->label)
			fprintf(f, "%-*s: %s\n", LM_LABEL_WIDTH, x->label,
				x->type == LM_FIELD_STR ? x->str : x->text);
	}
}

static void sq_attr_str(char *buf, size_t len, uint16_t a)
{
	snprintf(buf, len, "%s, priority %s",
		 (a & LM_IOSQA_PC) ? "contiguous" : "not contiguous",
		 lm_sq_prio_name(a));
}

static void cq_attr_str(char *buf, size_t len, uint32_t a)
{
	snprintf(buf, len, "%s, interrupts %s, slot-0 phase %u, vector %u",
		 (a & LM_IOCQA_PC) ? "contiguous" : "not contiguous",
		 (a & LM_IOCQA_IEN) ? "on" : "off",
		 (a & LM_IOCQA_S0PT) ? 1 : 0, LM_IOCQA_IV(a));
}

static void print_queues(FILE *f, const struct lm_ctrl_state *st)
{
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	char attr[96];
	unsigned int i;

	for (i = 0; i < st->niosq; i++) {
		lm_ctrl_state_sq(st, i, &sq);
		sq_attr_str(attr, sizeof(attr), sq.attr);
		fprintf(f, "  SQ %-5u cqid %-5u entries %-5u head %-5u tail %-5u prp1 0x%016" PRIx64 " attr 0x%04x (%s)\n",
			sq.qid, sq.cqid, lm_queue_entries(sq.qsize), sq.head,
			sq.tail, sq.prp1, sq.attr, attr);
	}
	for (i = 0; i < st->niocq; i++) {
		lm_ctrl_state_cq(st, i, &cq);
		cq_attr_str(attr, sizeof(attr), cq.attr);
		fprintf(f, "  CQ %-5u            entries %-5u head %-5u tail %-5u prp1 0x%016" PRIx64 " attr 0x%08x (%s)\n",
			cq.qid, lm_queue_entries(cq.qsize), cq.head, cq.tail,
			cq.prp1, cq.attr, attr);
	}
}

static void print_state(FILE *f, const char *name, const struct lm_sf_hdr *h,
			const struct lm_ctrl_state *st, size_t len,
			const char *queue_check)
{
	struct lm_fields l = { .n = 0 };

	if (h)
		lm_fields_container(&l, name, h);
	else
		fprintf(f, "%-*s: %s (bare controller state)\n", LM_LABEL_WIDTH,
			"State file", name);
	print_fields(f, &l);
	if (!st) {
		fprintf(f, "%-*s: opaque (vendor profile), %zu bytes\n",
			LM_LABEL_WIDTH, "Controller state", len);
		return;
	}
	l.n = 0;
	lm_fields_state(&l, st);
	fprintf(f, "Controller state\n");
	print_fields(f, &l);
	if (st->nvme_len && !st->nvme_decoded)
		fprintf(f, "NVMe controller state version %u: not decoded\n",
			st->nvme_ver);
	if (st->nvme_len && st->nvme_decoded) {
		fprintf(f, "NVMe controller state version %u: %u I/O SQs, %u I/O CQs\n",
			st->nvme_ver, st->niosq, st->niocq);
		print_queues(f, st);
	}
	fprintf(f, "%-*s: %s\n", LM_LABEL_WIDTH, "Queue check", queue_check);
}

static const char *trattr_str(uint8_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", (a & LM_TRATTR_TUDCS) ? " track-user-data" : "",
		 (a & LM_TRATTR_THMCS) ? " track-host-memory" : "",
		 (a & LM_TRATTR_MRTLL) ? " mrtll" : "");
	if (!*buf)
		snprintf(buf, len, " none");
	return buf;
}

static const char *suspended_str(int s)
{
	return s > 0 ? "suspended" : s == 0 ? "running" : "-";
}

/* The TP4159 Identify fields and what this host can give a change queue. */
static void print_tp4159(FILE *f, const struct lm_pf *pf,
			 const struct lm_cdq_limits *lim)
{
	const struct lm_ctrl_info *id = &pf->id;
	char tr[64], vers[128] = "";
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < pf->formats.nv && n < sizeof(vers); i++)
		n += snprintf(vers + n, sizeof(vers) - n, "%sversion %u", i ? ", " : "",
			      pf->formats.ver[i]);
	fprintf(f, "CMMRTD / NMMRTD     : %u / %u\n", id->cmmrtd, id->nmmrtd);
	fprintf(f, "MINMRTG / MAXMRTG   : %u / %u\n", id->minmrtg, id->maxmrtg);
	fprintf(f, "TRATTR              : 0x%x (%s)\n", id->trattr, 1 +
		trattr_str(id->trattr, tr, sizeof(tr)));
	fprintf(f, "MCUDMQ / MNSUDMQ    : %u / %u\n", id->mcudmq, id->mnsudmq);
	fprintf(f, "MCMR / NMCMR        : %u / %u\n", id->mcmr, id->nmcmr);
	fprintf(f, "MCDQPC              : %u\n", id->mcdqpc);
	fprintf(f, "State formats       : %s\n", *vers ? vers : "not reported");
	fprintf(f, "Change queue        : up to %u entries here (%u in one page; more need a free hugepage: %lu free)\n",
		lim->max_entries, lim->page_entries, lim->hugepages_free);
}

static void print_info(FILE *f, const char *dev, const struct lm_pf *pf,
		       const struct lm_vf_status *vfs,
		       const struct lm_cdq_limits *lim)
{
	struct lm_fields l = { .n = 0 };
	int i;

	lm_fields_info(&l, dev, pf);
	print_fields(f, &l);
	if (pf->id.hmlms)
		print_tp4159(f, pf, lim);
	fprintf(f, "Secondary controllers: %d\n", pf->nsec);
	fprintf(f, "  %-4s %-7s %-8s %-9s %-4s %-4s %-13s %s\n", "VF", "CNTLID",
		"STATE", "MIGRATION", "VQ", "VI", "PCI", "DRIVER");
	for (i = 0; i < pf->nsec; i++)
		fprintf(f, "  %-4u 0x%-5x %-8s %-9s %-4u %-4u %-13s %s\n",
			pf->sec[i].vfn, pf->sec[i].scid,
			(pf->sec[i].scs & 1) ? "online" : "offline",
			suspended_str(vfs[i].suspended),
			pf->sec[i].nvq, pf->sec[i].nvi,
			*vfs[i].addr ? vfs[i].addr : "-",
			*vfs[i].driver ? vfs[i].driver : "(none)");
}

static void print_step(FILE *f, const char *op, const char *dev,
		       const struct lm_target *t, const char *what)
{
	(void)op;
	fprintf(f, "%s: VF %u (CNTLID 0x%x): %s\n", dev, t->vfn, t->cntlid, what);
}

static void print_xfer(FILE *f, const char *op, const char *dev,
		       const struct lm_target *t, const struct lm_xfer_stats *st,
		       const char *file, uint32_t crc)
{
	fprintf(f, "%s: VF %u (CNTLID 0x%x) %s %s: %" PRIu64 " bytes in %u chunk%s, CRC32C 0x%08x, %.3f s\n",
		dev, t->vfn, t->cntlid, !strcmp(op, "save") ? "saved to" : "restored from",
		file, st->bytes, st->chunks, st->chunks == 1 ? "" : "s", crc,
		st->seconds);
}

static void print_track(FILE *f, const char *dev, const struct lm_target *t,
			const struct lm_track_result *r, const uint64_t *copied)
{
	fprintf(f, "%s: VF %u (CNTLID 0x%x): %" PRIu64 " entries, %" PRIu64 " ranges, %" PRIu64 " blocks",
		dev, t->vfn, t->cntlid, r->entries, r->ranges, r->blocks);
	if (copied)
		fprintf(f, ", %" PRIu64 " bytes copied", *copied);
	fprintf(f, "; ended: %s\n", r->why);
}

static void print_copy(FILE *f, const char *src, const char *dst,
		       const struct lm_copier *c, double seconds)
{
	(void)seconds;
	fprintf(f, "copy-ranges: %" PRIu64 " ranges, %" PRIu64 " bytes copied from %s to %s",
		c->ranges, c->bytes, src, dst);
	if (c->foreign)
		fprintf(f, "; %" PRIu64 " ranges of other namespaces left alone", c->foreign);
	fprintf(f, "\n");
}

static void hexdump(FILE *f, const uint8_t *p, size_t len, uint64_t base)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(f, "%08" PRIx64 ":", base + i);
		fprintf(f, " %02x%s", p[i], i % 16 == 15 || i + 1 == len ? "\n" : "");
	}
}

static const char *msend_name(uint8_t sel)
{
	switch (sel) {
	case LM_MSEND_SUSPEND:
		return "suspend";
	case LM_MSEND_RESUME:
		return "resume";
	default:
		return "set controller state";
	}
}

static void print_ll(FILE *f, const struct lm_ll_report *r)
{
	switch (r->event) {
	case LM_LL_SENT:
		fprintf(f, "migration-send: %s of CNTLID 0x%x: success\n",
			msend_name(r->sel), r->cntlid);
		break;
	case LM_LL_RECEIVED:
		/* Without a file the data is the output, the summary beside it. */
		fprintf(r->written ? f : stderr,
			"migration-recv: CNTLID 0x%x: %zu bytes at offset %" PRIu64 "; controller %s (CDW0 0x%x)\n",
			r->cntlid, r->len, r->offset,
			r->suspended > 0 ? "suspended" : r->suspended < 0 ?
			"suspended: unknown (CSUP clear, no header in this transfer)" :
			"not suspended", r->dw0);
		if (!r->written)
			hexdump(f, r->data, r->len, r->offset);
		break;
	case LM_LL_CDQ_CREATED:
		fprintf(f, "create-cdq: CDQID 0x%04x for CNTLID 0x%x, %u entries; holding its memory until interrupted\n",
			r->cdqid, r->cntlid, r->entries);
		break;
	case LM_LL_CDQ_RELEASED:
		fprintf(f, "create-cdq: CDQID 0x%04x deleted\n", r->cdqid);
		break;
	case LM_LL_CDQ_DELETED:
		fprintf(f, "delete-cdq: CDQID 0x%04x deleted\n", r->cdqid);
		break;
	case LM_LL_TRACK_SENT:
		fprintf(f, "track-send: logging %s on CDQID 0x%04x\n",
			r->start ? "started" : "stopped", r->cdqid);
		break;
	case LM_LL_CDQ_HEAD_SET:
		fprintf(f, "set-cdq: CDQID 0x%04x head %u%s\n", r->cdqid, r->head,
			r->tpt_set ? ", tail pointer trigger set" : "");
		break;
	case LM_LL_CDQ_HEAD:
		fprintf(f, "get-cdq: CDQID 0x%04x head %u tail pointer trigger %u\n",
			r->cdqid, r->head, r->tpt);
		break;
	}
}

static void print_migrate(FILE *f, const struct lm_mig_report_ctx *c)
{
	const struct lm_mig_report *r = c->r;
	unsigned int i, pre = 0;
	uint64_t final = 0;

	for (i = 0; i < r->nrounds; i++) {
		if (r->rounds[i].final)
			final = r->rounds[i].bytes;
		else if (i)
			pre++;
	}
	fprintf(f, "outcome        : %s\n", lm_mig_outcome_name(r->outcome));
	fprintf(f, "source         : %s VF %u, %s\n", c->src->dev->path, c->src->t->vfn,
		lm_vf_state_name(r->src_state));
	fprintf(f, "destination    : %s VF %u, %s\n", c->dst->dev->path, c->dst->t->vfn,
		lm_vf_state_name(r->dst_state));
	if (r->downtime_us)
		fprintf(f, "downtime       : %.3f ms (suspend to resume)\n",
			r->downtime_us / 1000.0);
	if (!c->o->shared)
		fprintf(f, "copied         : %" PRIu64 " bytes: full copy, %u pre-copy round(s), final %" PRIu64 " bytes%s\n",
			r->bytes_copied, pre, final,
			r->changes_lost ? " (changes lost: the whole namespace while stopped)" : "");
	if (r->state_bytes)
		fprintf(f, "state          : %" PRIu64 " bytes\n", r->state_bytes);
	fprintf(f, "total          : %.1f ms\n", r->total_us / 1000.0);
	if (*r->error)
		fprintf(f, "failed in      : %s: %s\n", lm_mig_step_name(r->failed_step), r->error);
	if (*r->recovery)
		fprintf(f, "now            : %s\n", r->recovery);
}

static const struct lm_print_ops stdout_ops = {
	.state = print_state, .info = print_info, .step = print_step,
	.xfer = print_xfer, .track = print_track, .copy = print_copy,
	.migrate = print_migrate, .ll = print_ll,
};

const struct lm_print_ops *lm_print_stdout_ops(void)
{
	return &stdout_ops;
}
