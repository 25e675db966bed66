// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lm-file.h"
#include "lm-mig-report.h"

static struct json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *side(const struct lm_mig_side *s,
				enum lm_vf_state state)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pf", json_object_new_string(s->dev->path));
	json_object_object_add(o, "vf", json_object_new_int(s->t->vfn));
	json_object_object_add(o, "cntlid", json_object_new_int(s->t->cntlid));
	json_object_object_add(o, "namespace", str_or_null(s->ns));
	json_object_object_add(o, "state", json_object_new_string(lm_vf_state_name(state)));
	return o;
}

/* Microseconds as milliseconds with three decimals. */
static struct json_object *ms(uint64_t us)
{
	return json_object_new_double((double)us / 1000);
}

static struct json_object *phases(const struct lm_mig_report *r)
{
	struct json_object *a = json_object_new_array(), *p;
	int i;

	for (i = 0; i < LM_MIG_NSTEPS; i++) {
		if (!r->steps[i].run)
			continue;
		p = json_object_new_object();
		json_object_object_add(p, "name", json_object_new_string(lm_mig_step_name(i)));
		json_object_object_add(p, "start_ms", ms(r->steps[i].start_us));
		json_object_object_add(p, "end_ms", ms(r->steps[i].end_us));
		json_object_object_add(p, "start_us", json_object_new_int64(r->steps[i].start_us));
		json_object_object_add(p, "end_us", json_object_new_int64(r->steps[i].end_us));
		json_object_array_add(a, p);
	}
	return a;
}

static struct json_object *passes(const struct lm_mig_report *r)
{
	struct json_object *a = json_object_new_array(), *p;
	unsigned int i;

	for (i = 0; i < r->nrounds; i++) {
		const struct lm_mig_round *x = &r->rounds[i];

		p = json_object_new_object();
		json_object_object_add(p, "pass", json_object_new_int(i));
		json_object_object_add(p, "final", json_object_new_boolean(x->final));
		json_object_object_add(p, "ranges", json_object_new_int64(x->ranges));
		json_object_object_add(p, "bytes", json_object_new_int64(x->bytes));
		json_object_object_add(p, "ms", ms(x->us));
		json_object_object_add(p, "us", json_object_new_int64(x->us));
		json_object_object_add(p, "flush_us", json_object_new_int64(x->flush_us));
		json_object_array_add(a, p);
	}
	return a;
}

struct json_object *lm_mig_report_json(const struct lm_mig_report_ctx *c)
{
	const struct lm_mig_report *r = c->r;
	const struct lm_mig_opts *o = c->o;
	struct json_object *j = json_object_new_object();
	bool ok = r->outcome == LM_MIG_MIGRATED;
	bool downtime = r->steps[LM_MIG_RESUME].end_us && r->downtime_us;

	if (!j)
		return NULL;
	json_object_object_add(j, "status", json_object_new_string(ok ? "ok" : "failed"));
	json_object_object_add(j, "outcome", json_object_new_string(lm_mig_outcome_name(r->outcome)));
	json_object_object_add(j, "failed_phase", ok ? NULL :
			       json_object_new_string(lm_mig_step_name(r->failed_step)));
	json_object_object_add(j, "error", str_or_null(r->error));
	json_object_object_add(j, "recovery", str_or_null(r->recovery));
	json_object_object_add(j, "interrupted", json_object_new_boolean(r->interrupted));
	json_object_object_add(j, "source", side(c->src, r->src_state));
	json_object_object_add(j, "destination", side(c->dst, r->dst_state));
	json_object_object_add(j, "profile", json_object_new_string(lm_profile_name(c->src->t->profile)));
	json_object_object_add(j, "shared_namespace", json_object_new_boolean(o->shared));
	json_object_object_add(j, "changes_lost", json_object_new_boolean(r->changes_lost));
	json_object_object_add(j, "converged", json_object_new_boolean(r->converged));
	json_object_object_add(j, "tracker_restarts", json_object_new_int(r->restarts));
	json_object_object_add(j, "logging_confirmed_by", str_or_null(r->logging_confirmed_by));
	json_object_object_add(j, "threshold_bytes", json_object_new_int64(o->threshold));
	json_object_object_add(j, "downtime_limit_us", json_object_new_int64(o->downtime_limit_us));
	json_object_object_add(j, "max_rounds", json_object_new_int(o->max_rounds));
	json_object_object_add(j, "on_no_converge", json_object_new_string(
			       o->on_no_converge == LM_MIG_ABORT ? "abort" : "proceed"));
	json_object_object_add(j, "phases", phases(r));
	json_object_object_add(j, "passes", passes(r));
	json_object_object_add(j, "bytes_copied", json_object_new_int64(r->bytes_copied));
	json_object_object_add(j, "state_bytes", json_object_new_int64(r->state_bytes));
	json_object_object_add(j, "copy_rate_bps", json_object_new_int64((int64_t)r->copy_bps));
	json_object_object_add(j, "dirty_rate_bps", json_object_new_int64((int64_t)r->dirty_bps));
	json_object_object_add(j, "downtime_ms", downtime ? ms(r->downtime_us) : NULL);
	json_object_object_add(j, "downtime_us", downtime ?
			       json_object_new_int64(r->downtime_us) : NULL);
	json_object_object_add(j, "total_ms", ms(r->total_us));
	json_object_object_add(j, "start_epoch_ms", json_object_new_int64(r->t0_epoch_ms));
	json_object_object_add(j, "handover", str_or_null(o->handover));
	return j;
}

int lm_mig_report_write(const struct lm_mig_report_ctx *c, const char *path,
			bool replace, char *err, size_t errlen)
{
	struct json_object *j = lm_mig_report_json(c);
	struct lm_atomic out;
	const char *s;
	int ret = 0;

	if (!j) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY);
	if (lm_atomic_open(&out, path, replace)) {
		snprintf(err, errlen, "cannot create the report %s: %s", path, strerror(errno));
		ret = -errno;
	} else if (lm_write_full(out.fd, s, strlen(s)) < 0 ||
		   lm_write_full(out.fd, "\n", 1) < 0) {
		snprintf(err, errlen, "cannot write the report %s: %s", path, strerror(errno));
		lm_atomic_abort(&out);
		ret = -EIO;
	} else if (lm_atomic_commit(&out)) {
		snprintf(err, errlen, "cannot complete the report %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	json_object_put(j);
	return ret;
}

static void print_normal(FILE *f, const struct lm_mig_report_ctx *c)
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

void lm_mig_report_print(FILE *f, enum lm_fmt fmt,
			 const struct lm_mig_report_ctx *c)
{
	struct json_object *j;

	if (fmt != LM_FMT_JSON) {
		print_normal(f, c);
		return;
	}
	j = lm_mig_report_json(c);
	if (j)
		fprintf(f, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY));
	json_object_put(j);
}
