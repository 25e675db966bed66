// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "lm-ctrl-state.h"
#include "lm-discover.h"
#include "lm-ops.h"
#include "lm-print.h"
#include "lm-profile.h"
#include "lm-track.h"

int lm_fmt_parse(const char *s)
{
	if (!strcmp(s, "normal"))
		return LM_FMT_NORMAL;
	if (!strcmp(s, "json"))
		return LM_FMT_JSON;
	return -1;
}

static void fmt_time(char *buf, size_t len, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRIu64, t);
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

/* ---- normal ---- */

static void normal_container(FILE *f, const char *name,
			     const struct lm_sf_hdr *h)
{
	char when[40];

	fmt_time(when, sizeof(when), h->id.created);
	fprintf(f, "State file          : %s\n", name);
	fprintf(f, "Container version   : %u\n", h->version);
	fprintf(f, "Profile             : %s\n", lm_profile_name(h->id.profile));
	fprintf(f, "Source PCI vendor   : 0x%04x\n", h->id.vid);
	fprintf(f, "Source CNTLID       : 0x%x\n", h->id.cntlid);
	fprintf(f, "Source VF           : %u\n", h->id.vfn);
	fprintf(f, "Model               : %s\n", h->id.mn);
	fprintf(f, "Firmware            : %s\n", h->id.fr);
	fprintf(f, "Serial              : %s\n", h->id.sn);
	fprintf(f, "State format version: %u\n", h->id.csver);
	fprintf(f, "Created             : %s\n", when);
	fprintf(f, "Payload             : %" PRIu64 " bytes, CRC32C 0x%08x\n",
		h->payload_len, h->payload_crc);
}

static void normal_state(FILE *f, const struct lm_ctrl_state *st)
{
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	char attr[96];
	unsigned int i;

	fprintf(f, "Controller state\n");
	fprintf(f, "  version           : %u\n", st->ver);
	fprintf(f, "  attributes        : 0x%02x (%s)\n", st->csattr,
		(st->csattr & LM_CSATTR_SUSPENDED) ? "suspended" : "running");
	fprintf(f, "  NVMe part         : %" PRIu64 " bytes\n", st->nvme_len);
	fprintf(f, "  vendor part       : %" PRIu64 " bytes\n", st->vendor_len);
	if (!st->nvme_len)
		return;
	if (!st->nvme_decoded) {
		fprintf(f, "NVMe controller state version %u: not decoded\n",
			st->nvme_ver);
		return;
	}
	fprintf(f, "NVMe controller state version %u: %u I/O SQs, %u I/O CQs\n",
		st->nvme_ver, st->niosq, st->niocq);
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

/* ---- json ---- */

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

/* Seconds to the microsecond: the clock says no more than that. */
static void jadd_seconds(struct json_object *o, const char *k, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.6f", v);
	json_object_object_add(o, k, json_object_new_double_s(v, buf));
}

static void jadd_hex(struct json_object *o, const char *k, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jadd_str(o, k, buf);
}

static struct json_object *json_container(const char *name,
					  const struct lm_sf_hdr *h)
{
	struct json_object *o = json_object_new_object();
	char when[40];

	fmt_time(when, sizeof(when), h->id.created);
	jadd_str(o, "file", name);
	jadd_int(o, "container_version", h->version);
	jadd_str(o, "profile", lm_profile_name(h->id.profile));
	jadd_int(o, "vid", h->id.vid);
	jadd_int(o, "cntlid", h->id.cntlid);
	jadd_int(o, "vf", h->id.vfn);
	jadd_str(o, "model", h->id.mn);
	jadd_str(o, "firmware", h->id.fr);
	jadd_str(o, "serial", h->id.sn);
	jadd_int(o, "state_format_version", h->id.csver);
	jadd_str(o, "created", when);
	jadd_int(o, "bytes", h->payload_len);
	jadd_hex(o, "crc32c", h->payload_crc);
	return o;
}

static struct json_object *json_state(const struct lm_ctrl_state *st)
{
	struct json_object *o = json_object_new_object();
	struct json_object *nvme, *arr, *q;
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	unsigned int i;

	jadd_int(o, "version", st->ver);
	jadd_int(o, "csattr", st->csattr);
	json_object_object_add(o, "suspended",
		json_object_new_boolean(st->csattr & LM_CSATTR_SUSPENDED));
	jadd_int(o, "nvme_bytes", st->nvme_len);
	jadd_int(o, "vendor_bytes", st->vendor_len);
	if (!st->nvme_len)
		return o;

	nvme = json_object_new_object();
	jadd_int(nvme, "version", st->nvme_ver);
	json_object_object_add(nvme, "decoded",
			       json_object_new_boolean(st->nvme_decoded));
	json_object_object_add(o, "nvme", nvme);
	if (!st->nvme_decoded)
		return o;

	arr = json_object_new_array();
	for (i = 0; i < st->niosq; i++) {
		lm_ctrl_state_sq(st, i, &sq);
		q = json_object_new_object();
		jadd_int(q, "qid", sq.qid);
		jadd_int(q, "cqid", sq.cqid);
		jadd_int(q, "qsize", sq.qsize);
		jadd_int(q, "entries", lm_queue_entries(sq.qsize));
		jadd_int(q, "head", sq.head);
		jadd_int(q, "tail", sq.tail);
		jadd_hex(q, "prp1", sq.prp1);
		jadd_int(q, "attributes", sq.attr);
		json_object_object_add(q, "contiguous",
			json_object_new_boolean(sq.attr & LM_IOSQA_PC));
		jadd_str(q, "priority", lm_sq_prio_name(sq.attr));
		json_object_array_add(arr, q);
	}
	json_object_object_add(nvme, "sqs", arr);

	arr = json_object_new_array();
	for (i = 0; i < st->niocq; i++) {
		lm_ctrl_state_cq(st, i, &cq);
		q = json_object_new_object();
		jadd_int(q, "qid", cq.qid);
		jadd_int(q, "qsize", cq.qsize);
		jadd_int(q, "entries", lm_queue_entries(cq.qsize));
		jadd_int(q, "head", cq.head);
		jadd_int(q, "tail", cq.tail);
		jadd_hex(q, "prp1", cq.prp1);
		jadd_int(q, "attributes", cq.attr);
		json_object_object_add(q, "contiguous",
			json_object_new_boolean(cq.attr & LM_IOCQA_PC));
		json_object_object_add(q, "interrupts",
			json_object_new_boolean(cq.attr & LM_IOCQA_IEN));
		jadd_int(q, "slot0_phase", (cq.attr & LM_IOCQA_S0PT) ? 1 : 0);
		jadd_int(q, "vector", LM_IOCQA_IV(cq.attr));
		json_object_array_add(arr, q);
	}
	json_object_object_add(nvme, "cqs", arr);
	return o;
}

int lm_print_state(FILE *f, enum lm_fmt fmt, const char *name,
		   const struct lm_sf_hdr *h, const void *payload, size_t len,
		   char *err, size_t errlen)
{
	struct json_object *root = NULL;
	struct lm_ctrl_state st;
	char problem[256] = "";
	bool tp4159 = !h || h->id.profile == LM_PROFILE_TP4159;
	int ret, nproblems = 0;

	/* Nothing is printed for a state that does not decode. */
	if (tp4159) {
		ret = lm_ctrl_state_parse(payload, len, &st, err, errlen);
		if (ret)
			return ret;
		nproblems = lm_ctrl_state_check_queues(&st, problem,
						       sizeof(problem));
	}

	if (fmt == LM_FMT_JSON) {
		root = json_object_new_object();
		if (h)
			json_object_object_add(root, "container",
					       json_container(name, h));
		else
			jadd_str(root, "file", name);
		if (tp4159) {
			json_object_object_add(root, "state", json_state(&st));
			jadd_str(root, "queue_check",
				 nproblems ? problem : "ok");
		} else {
			jadd_str(root, "state", "opaque (vendor profile)");
		}
		json_emit(f, root);
		return 0;
	}

	if (h)
		normal_container(f, name, h);
	else
		fprintf(f, "State file          : %s (bare controller state)\n",
			name);
	if (!tp4159) {
		fprintf(f, "Controller state    : opaque (vendor profile), %zu bytes\n",
			len);
		return 0;
	}
	normal_state(f, &st);
	fprintf(f, "Queue check         : %s\n", nproblems ? problem : "ok");
	return 0;
}

/* ---- workflow summaries ---- */

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

void lm_print_info(FILE *f, enum lm_fmt fmt, const char *dev,
		   const struct lm_pf *pf, const struct lm_vf_status *vfs,
		   const struct lm_cdq_limits *lim)
{
	const struct lm_ctrl_info *id = &pf->id;
	struct json_object *root, *o, *arr;
	char tr[64], vers[128] = "";
	size_t n = 0;
	int i;

	for (i = 0; i < (int)pf->formats.nv && n < sizeof(vers); i++)
		n += snprintf(vers + n, sizeof(vers) - n, "%sversion %u", i ? ", " : "",
			      pf->formats.ver[i]);
	if (fmt == LM_FMT_JSON) {
		root = json_object_new_object();
		jadd_str(root, "device", dev);
		jadd_str(root, "pci_address", pf->addr);
		jadd_str(root, "model", id->mn);
		jadd_str(root, "firmware", id->fr);
		jadd_str(root, "serial", id->sn);
		jadd_int(root, "vid", id->vid);
		jadd_int(root, "cntlid", id->cntlid);
		jadd_str(root, "profile", pf->supported ? lm_profile_name(pf->profile) : "none");
		json_object_object_add(root, "live_migration",
				       json_object_new_boolean(pf->supported));
		json_object_object_add(root, "hmlms", json_object_new_boolean(id->hmlms));
		json_object_object_add(root, "vendor_lm", json_object_new_boolean(id->vendor_lm));
		jadd_int(root, "mdts_bytes", lm_mdts_bytes(id->mdts, 4096));
		o = json_object_new_object();
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
		json_object_object_add(root, "tp4159", o);
		arr = json_object_new_array();
		for (i = 0; i < (int)pf->formats.nv; i++)
			json_object_array_add(arr, json_object_new_int(pf->formats.ver[i]));
		json_object_object_add(root, "state_formats", arr);
		o = json_object_new_object();
		jadd_int(o, "page_entries", lim->page_entries);
		jadd_int(o, "max_entries", lim->max_entries);
		jadd_int(o, "hugepages_free", lim->hugepages_free);
		json_object_object_add(root, "change_queue", o);
		arr = json_object_new_array();
		for (i = 0; i < pf->nsec; i++) {
			o = json_object_new_object();
			jadd_int(o, "vf", pf->sec[i].vfn);
			jadd_int(o, "cntlid", pf->sec[i].scid);
			json_object_object_add(o, "online",
				json_object_new_boolean(pf->sec[i].scs & 1));
			jadd_int(o, "vq", pf->sec[i].nvq);
			jadd_int(o, "vi", pf->sec[i].nvi);
			jadd_str(o, "pci_address", vfs[i].addr);
			jadd_str(o, "driver", vfs[i].driver);
			json_object_object_add(o, "suspended", vfs[i].suspended < 0 ? NULL :
					       json_object_new_boolean(vfs[i].suspended));
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "secondary_controllers", arr);
		json_emit(f, root);
		return;
	}
	fprintf(f, "Device              : %s (%s)\n", dev, *pf->addr ? pf->addr : "no PCI function in sysfs");
	fprintf(f, "Model               : %s\n", id->mn);
	fprintf(f, "Firmware            : %s\n", id->fr);
	fprintf(f, "Serial              : %s\n", id->sn);
	fprintf(f, "Live migration      : %s%s%s\n",
		id->hmlms ? "TP4159 (OACS.HMLMS)" : "",
		id->vendor_lm ? (id->hmlms ? ", intel-2022 vendor flag" : "intel-2022 vendor flag") : "",
		!id->hmlms && !id->vendor_lm ? "not supported (OACS bit 11 clear, no vendor flag)" : "");
	fprintf(f, "Profile             : %s\n", pf->supported ? lm_profile_name(pf->profile) : "none");
	fprintf(f, "Max transfer (MDTS) : %u bytes\n", lm_mdts_bytes(id->mdts, 4096));
	if (id->hmlms) {
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

void lm_print_step(FILE *f, enum lm_fmt fmt, const char *op, const char *dev,
		   const struct lm_target *t, const char *what)
{
	struct json_object *o;

	if (fmt == LM_FMT_JSON) {
		o = json_target(op, dev, t);
		jadd_str(o, "result", what);
		json_emit(f, o);
		return;
	}
	fprintf(f, "%s: VF %u (CNTLID 0x%x): %s\n", dev, t->vfn, t->cntlid, what);
}

void lm_print_xfer(FILE *f, enum lm_fmt fmt, const char *op, const char *dev,
		   const struct lm_target *t, const struct lm_xfer_stats *st,
		   const char *file, uint32_t crc)
{
	struct json_object *o;

	if (fmt == LM_FMT_JSON) {
		o = json_target(op, dev, t);
		jadd_str(o, "file", file);
		jadd_int(o, "bytes", st->bytes);
		jadd_int(o, "chunks", st->chunks);
		jadd_hex(o, "crc32c", crc);
		jadd_seconds(o, "seconds", st->seconds);
		json_emit(f, o);
		return;
	}
	fprintf(f, "%s: VF %u (CNTLID 0x%x) %s %s: %" PRIu64 " bytes in %u chunk%s, CRC32C 0x%08x, %.3f s\n",
		dev, t->vfn, t->cntlid, !strcmp(op, "save") ? "saved to" : "restored from",
		file, st->bytes, st->chunks, st->chunks == 1 ? "" : "s", crc,
		st->seconds);
}

void lm_print_track(FILE *f, enum lm_fmt fmt, const char *dev,
		    const struct lm_target *t, const struct lm_track_result *r,
		    const uint64_t *copied)
{
	struct json_object *o;

	if (fmt == LM_FMT_JSON) {
		o = json_target("track", dev, t);
		jadd_int(o, "entries", r->entries);
		jadd_int(o, "ranges", r->ranges);
		jadd_int(o, "blocks", r->blocks);
		jadd_str(o, "end", r->end ? r->end : "error");
		jadd_str(o, "why", r->why);
		json_object_object_add(o, "lost", json_object_new_boolean(r->lost));
		if (copied)
			jadd_int(o, "copied_bytes", *copied);
		json_emit(f, o);
		return;
	}
	fprintf(f, "%s: VF %u (CNTLID 0x%x): %" PRIu64 " entries, %" PRIu64 " ranges, %" PRIu64 " blocks",
		dev, t->vfn, t->cntlid, r->entries, r->ranges, r->blocks);
	if (copied)
		fprintf(f, ", %" PRIu64 " bytes copied", *copied);
	fprintf(f, "; ended: %s\n", r->why);
}

void lm_print_copy(FILE *f, enum lm_fmt fmt, const char *src, const char *dst,
		   const struct lm_copier *c, double seconds)
{
	struct json_object *o;

	if (fmt == LM_FMT_JSON) {
		o = json_object_new_object();
		jadd_str(o, "command", "copy-ranges");
		jadd_str(o, "source", src);
		jadd_str(o, "destination", dst);
		jadd_int(o, "nsid", c->nsid);
		jadd_int(o, "ranges", c->ranges);
		jadd_int(o, "bytes", c->bytes);
		jadd_int(o, "foreign_ranges", c->foreign);
		jadd_seconds(o, "seconds", seconds);
		json_emit(f, o);
		return;
	}
	fprintf(f, "copy-ranges: %" PRIu64 " ranges, %" PRIu64 " bytes copied from %s to %s",
		c->ranges, c->bytes, src, dst);
	if (c->foreign)
		fprintf(f, "; %" PRIu64 " ranges of other namespaces left alone", c->foreign);
	fprintf(f, "\n");
}
