// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON output backend, printed as nvme-cli prints JSON. The one file
 * that uses json-c: plugins/lm/meson.build builds it only where nvme-cli
 * found json-c.
 */
#include <inttypes.h>

#include <json-c/json.h>

#include "lm-copy.h"
#include "lm-mig-remote.h"
#include "lm-mig-report.h"
#include "lm-ctrl-state.h"
#include "lm-discover.h"
#include "lm-ops.h"
#include "lm-print.h"
#include "lm-profile.h"
#include "lm-track.h"

/* Print an object the way nvme-cli prints JSON, and free it. */
static void json_emit(FILE *f, struct json_object *o)
{
	fprintf(f, "%s\n", json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void jadd_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void jadd_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void jadd_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

/* Seconds to the microsecond: the clock says no more than that. */
static void jadd_seconds(struct json_object *o, const char *k, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.6f", v);
	json_object_object_add(o, k, json_object_new_double_s(v, buf));
}

static struct json_object *json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

static void jadd_hex(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_hex(v));
}

static struct json_object *json_field(const struct lm_field *x)
{
	if (x->type == LM_FIELD_STR)
		return json_object_new_string(x->str);
	if (x->type == LM_FIELD_BOOL)
		return json_object_new_boolean(x->num);
	if (x->type == LM_FIELD_HEX)
		return json_hex(x->num);
	return json_object_new_int64(x->num);
}

/* Every field with a key, in order. */
static struct json_object *json_fields(struct json_object *o,
				       const struct lm_fields *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->f[i].key)
			json_object_object_add(o, l->f[i].key, json_field(&l->f[i]));
	return o;
}

/* What submission and completion queues both have, between QID and their own. */
static void jadd_queue(struct json_object *q, uint16_t qsize, uint16_t head,
		       uint16_t tail, uint64_t prp1, uint32_t attr, bool pc)
{
	jadd_int(q, "qsize", qsize);
	jadd_int(q, "entries", lm_queue_entries(qsize));
	jadd_int(q, "head", head);
	jadd_int(q, "tail", tail);
	jadd_hex(q, "prp1", prp1);
	jadd_int(q, "attributes", attr);
	jadd_bool(q, "contiguous", pc);
}

static struct json_object *json_queues(const struct lm_ctrl_state *st,
				       struct json_object *nvme)
{
	struct json_object *arr, *q;
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	unsigned int i;

	arr = json_object_new_array();
	for (i = 0; i < st->niosq; i++) {
		lm_ctrl_state_sq(st, i, &sq);
		q = json_object_new_object();
		jadd_int(q, "qid", sq.qid);
		jadd_int(q, "cqid", sq.cqid);
		jadd_queue(q, sq.qsize, sq.head, sq.tail, sq.prp1, sq.attr,
			   sq.attr & LM_IOSQA_PC);
		jadd_str(q, "priority", lm_sq_prio_name(sq.attr));
		json_object_array_add(arr, q);
	}
	json_object_object_add(nvme, "sqs", arr);

	arr = json_object_new_array();
	for (i = 0; i < st->niocq; i++) {
		lm_ctrl_state_cq(st, i, &cq);
		q = json_object_new_object();
		jadd_int(q, "qid", cq.qid);
		jadd_queue(q, cq.qsize, cq.head, cq.tail, cq.prp1, cq.attr,
			   cq.attr & LM_IOCQA_PC);
		jadd_bool(q, "interrupts", cq.attr & LM_IOCQA_IEN);
		jadd_int(q, "slot0_phase", (cq.attr & LM_IOCQA_S0PT) ? 1 : 0);
		jadd_int(q, "vector", LM_IOCQA_IV(cq.attr));
		json_object_array_add(arr, q);
	}
	json_object_object_add(nvme, "cqs", arr);
	return nvme;
}

static struct json_object *json_state(const struct lm_ctrl_state *st)
{
	struct lm_fields l = { .n = 0 };
	struct json_object *o, *nvme;

	lm_fields_state(&l, st);
	o = json_fields(json_object_new_object(), &l);
	if (!st->nvme_len)
		return o;
	nvme = json_object_new_object();
	jadd_int(nvme, "version", st->nvme_ver);
	jadd_bool(nvme, "decoded", st->nvme_decoded);
	json_object_object_add(o, "nvme", nvme);
	if (st->nvme_decoded)
		json_queues(st, nvme);
	return o;
}

static void print_state(FILE *f, const char *name, const struct lm_sf_hdr *h,
			const struct lm_ctrl_state *st, size_t len,
			const char *queue_check)
{
	struct json_object *root = json_object_new_object();
	struct lm_fields l = { .n = 0 };

	(void)len;
	if (h) {
		lm_fields_container(&l, name, h);
		json_object_object_add(root, "container",
				       json_fields(json_object_new_object(), &l));
	} else {
		jadd_str(root, "file", name);
	}
	if (st) {
		json_object_object_add(root, "state", json_state(st));
		jadd_str(root, "queue_check", queue_check);
	} else {
		jadd_str(root, "state", "opaque (vendor profile)");
	}
	json_emit(f, root);
}

static struct json_object *json_tp4159(const struct lm_ctrl_info *id)
{
	struct json_object *o = json_object_new_object();

	jadd_int(o, "cmmrtd", id->cmmrtd);
	jadd_int(o, "nmmrtd", id->nmmrtd);
	jadd_int(o, "minmrtg", id->minmrtg);
	jadd_int(o, "maxmrtg", id->maxmrtg);
	jadd_int(o, "trattr", id->trattr);
	jadd_int(o, "mcudmq", id->mcudmq);
	jadd_int(o, "mnsudmq", id->mnsudmq);
	jadd_int(o, "mcmr", id->mcmr);
	jadd_int(o, "nmcmr", id->nmcmr);
	jadd_int(o, "mcdqpc", id->mcdqpc);
	return o;
}

static struct json_object *json_vfs(const struct lm_pf *pf,
				    const struct lm_vf_status *vfs)
{
	struct json_object *arr = json_object_new_array(), *o;
	int i;

	for (i = 0; i < pf->nsec; i++) {
		o = json_object_new_object();
		jadd_int(o, "vf", pf->sec[i].vfn);
		jadd_int(o, "cntlid", pf->sec[i].scid);
		jadd_bool(o, "online", pf->sec[i].scs & 1);
		jadd_int(o, "vq", pf->sec[i].nvq);
		jadd_int(o, "vi", pf->sec[i].nvi);
		jadd_str(o, "pci_address", vfs[i].addr);
		jadd_str(o, "driver", vfs[i].driver);
		/* null: the device cannot tell. */
		json_object_object_add(o, "suspended", vfs[i].suspended < 0 ? NULL :
				       json_object_new_boolean(vfs[i].suspended));
		json_object_array_add(arr, o);
	}
	return arr;
}

static void print_info(FILE *f, const char *dev, const struct lm_pf *pf,
		       const struct lm_vf_status *vfs,
		       const struct lm_cdq_limits *lim)
{
	struct json_object *root = json_object_new_object(), *o, *arr;
	struct lm_fields l = { .n = 0 };
	unsigned int i;

	lm_fields_info(&l, dev, pf);
	json_fields(root, &l);
	json_object_object_add(root, "tp4159", json_tp4159(&pf->id));
	arr = json_object_new_array();
	for (i = 0; i < pf->formats.nv; i++)
		json_object_array_add(arr, json_object_new_int(pf->formats.ver[i]));
	json_object_object_add(root, "state_formats", arr);
	o = json_object_new_object();
	jadd_int(o, "page_entries", lim->page_entries);
	jadd_int(o, "max_entries", lim->max_entries);
	jadd_int(o, "hugepages_free", lim->hugepages_free);
	json_object_object_add(root, "change_queue", o);
	json_object_object_add(root, "secondary_controllers", json_vfs(pf, vfs));
	json_emit(f, root);
}

/* What every workflow command's summary starts with. */
static struct json_object *json_target(const char *op, const char *dev,
				       const struct lm_target *t)
{
	struct json_object *o = json_object_new_object();

	jadd_str(o, "command", op);
	jadd_str(o, "device", dev);
	jadd_int(o, "vf", t->vfn);
	jadd_int(o, "cntlid", t->cntlid);
	jadd_str(o, "profile", lm_profile_name(t->profile));
	return o;
}

static void print_step(FILE *f, const char *op, const char *dev,
		       const struct lm_target *t, const char *what)
{
	struct json_object *o = json_target(op, dev, t);

	jadd_str(o, "result", what);
	json_emit(f, o);
}

static void print_xfer(FILE *f, const char *op, const char *dev,
		       const struct lm_target *t, const struct lm_xfer_stats *st,
		       const char *file, uint32_t crc)
{
	struct json_object *o = json_target(op, dev, t);

	jadd_str(o, "file", file);
	jadd_int(o, "bytes", st->bytes);
	jadd_int(o, "chunks", st->chunks);
	jadd_hex(o, "crc32c", crc);
	jadd_seconds(o, "seconds", st->seconds);
	json_emit(f, o);
}

static void print_track(FILE *f, const char *dev, const struct lm_target *t,
			const struct lm_track_result *r, const uint64_t *copied)
{
	struct json_object *o = json_target("track", dev, t);

	jadd_int(o, "entries", r->entries);
	jadd_int(o, "ranges", r->ranges);
	jadd_int(o, "blocks", r->blocks);
	jadd_str(o, "end", r->end ? r->end : "error");
	jadd_str(o, "why", r->why);
	jadd_bool(o, "lost", r->lost);
	if (copied)
		jadd_int(o, "copied_bytes", *copied);
	json_emit(f, o);
}

static void print_copy(FILE *f, const char *src, const char *dst,
		       const struct lm_copier *c, double seconds)
{
	struct json_object *o = json_object_new_object();

	jadd_str(o, "command", "copy-ranges");
	jadd_str(o, "source", src);
	jadd_str(o, "destination", dst);
	jadd_int(o, "nsid", c->nsid);
	jadd_int(o, "ranges", c->ranges);
	jadd_int(o, "bytes", c->bytes);
	jadd_int(o, "foreign_ranges", c->foreign);
	jadd_seconds(o, "seconds", seconds);
	json_emit(f, o);
}

/* ---- migrate: the report ---- */

static struct json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *mig_side(const struct lm_mig_side *s,
				enum lm_vf_state state)
{
	struct json_object *o = json_object_new_object();

	jadd_str(o, "pf", s->dev->path);
	jadd_int(o, "vf", s->t->vfn);
	jadd_int(o, "cntlid", s->t->cntlid);
	json_object_object_add(o, "namespace", str_or_null(s->ns));
	jadd_str(o, "state", lm_vf_state_name(state));
	return o;
}

/* Microseconds as milliseconds with three decimals. */
static struct json_object *ms_of_us(uint64_t us)
{
	return json_object_new_double((double)us / 1000);
}

static struct json_object *mig_phases(const struct lm_mig_report *r)
{
	struct json_object *a = json_object_new_array(), *p;
	int i;

	for (i = 0; i < LM_MIG_NSTEPS; i++) {
		if (!r->steps[i].run)
			continue;
		p = json_object_new_object();
		jadd_str(p, "name", lm_mig_step_name(i));
		json_object_object_add(p, "start_ms", ms_of_us(r->steps[i].start_us));
		json_object_object_add(p, "end_ms", ms_of_us(r->steps[i].end_us));
		jadd_int(p, "start_us", r->steps[i].start_us);
		jadd_int(p, "end_us", r->steps[i].end_us);
		json_object_array_add(a, p);
	}
	return a;
}

static struct json_object *mig_passes(const struct lm_mig_report *r)
{
	struct json_object *a = json_object_new_array(), *p;
	unsigned int i;

	for (i = 0; i < r->nrounds; i++) {
		const struct lm_mig_round *x = &r->rounds[i];

		p = json_object_new_object();
		jadd_int(p, "pass", i);
		jadd_bool(p, "final", x->final);
		jadd_int(p, "ranges", x->ranges);
		jadd_int(p, "bytes", x->bytes);
		json_object_object_add(p, "ms", ms_of_us(x->us));
		jadd_int(p, "us", x->us);
		jadd_int(p, "flush_us", x->flush_us);
		json_object_array_add(a, p);
	}
	return a;
}

static void print_migrate(FILE *f, const struct lm_mig_report_ctx *c)
{
	const struct lm_mig_report *r = c->r;
	const struct lm_mig_opts *o = c->o;
	struct json_object *j = json_object_new_object(), *dst;
	bool ok = r->outcome == LM_MIG_MIGRATED;
	bool downtime = r->steps[LM_MIG_RESUME].end_us && r->downtime_us;

	if (!j)
		return;
	jadd_str(j, "status", ok ? "ok" : "failed");
	jadd_str(j, "outcome", lm_mig_outcome_name(r->outcome));
	json_object_object_add(j, "failed_phase", ok ? NULL :
			       json_object_new_string(lm_mig_step_name(r->failed_step)));
	json_object_object_add(j, "error", str_or_null(r->error));
	json_object_object_add(j, "recovery", str_or_null(r->recovery));
	jadd_bool(j, "interrupted", r->interrupted);
	json_object_object_add(j, "source", mig_side(c->src, r->src_state));
	dst = mig_side(c->dst, r->dst_state);
	/* The --to-host prefix that reached it; null: the engine's own host. */
	json_object_object_add(dst, "host", c->dst->remote ?
			       json_object_new_string(c->dst->remote->where) : NULL);
	json_object_object_add(j, "destination", dst);
	jadd_str(j, "profile", lm_profile_name(c->src->t->profile));
	jadd_bool(j, "shared_namespace", o->shared);
	jadd_bool(j, "changes_lost", r->changes_lost);
	jadd_bool(j, "converged", r->converged);
	jadd_int(j, "tracker_restarts", r->restarts);
	json_object_object_add(j, "logging_confirmed_by", str_or_null(r->logging_confirmed_by));
	jadd_int(j, "threshold_bytes", o->threshold);
	jadd_int(j, "downtime_limit_us", o->downtime_limit_us);
	jadd_int(j, "max_rounds", o->max_rounds);
	jadd_str(j, "on_no_converge", o->on_no_converge == LM_MIG_ABORT ? "abort" : "proceed");
	json_object_object_add(j, "phases", mig_phases(r));
	json_object_object_add(j, "passes", mig_passes(r));
	jadd_int(j, "bytes_copied", r->bytes_copied);
	jadd_int(j, "state_bytes", r->state_bytes);
	jadd_int(j, "copy_rate_bps", (int64_t)r->copy_bps);
	jadd_int(j, "dirty_rate_bps", (int64_t)r->dirty_bps);
	json_object_object_add(j, "downtime_ms", downtime ? ms_of_us(r->downtime_us) : NULL);
	json_object_object_add(j, "downtime_us", downtime ?
			       json_object_new_int64(r->downtime_us) : NULL);
	json_object_object_add(j, "total_ms", ms_of_us(r->total_us));
	jadd_int(j, "start_epoch_ms", r->t0_epoch_ms);
	json_object_object_add(j, "handover", str_or_null(o->handover));
	json_emit(f, j);
}

/* No .ll: the low-level commands print normal text only. */
static const struct lm_print_ops json_ops = {
	.state = print_state, .info = print_info, .step = print_step,
	.xfer = print_xfer, .track = print_track, .copy = print_copy,
	.migrate = print_migrate,
};

const struct lm_print_ops *lm_print_json_ops(void)
{
	return &json_ops;
}
