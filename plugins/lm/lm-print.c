// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The printing layer's front: which backend prints a format, and what the
 * backends share (the field lists, decoding a state before it is shown).
 * Nothing here prints.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

/*
 * LM_HAVE_JSONC: whether the JSON backend is built in. meson's answer
 * (plugins/lm/meson.build) inside nvme-cli; outside it (unit tests,
 * fuzzing), whether json-c is there.
 */
#if __has_include("plugins/lm/lm-config.h")
#include "plugins/lm/lm-config.h"
#elif __has_include(<json-c/json.h>)
#define LM_HAVE_JSONC 1
#endif

#include "lm-ctrl-state.h"
#include "lm-discover.h"
#include "lm-print.h"
#include "lm-profile.h"
#include "lm-state-file.h"

int lm_fmt_parse(const char *s, enum lm_fmt *fmt, char *err, size_t errlen)
{
	if (!strcmp(s, "normal")) {
		*fmt = LM_FMT_NORMAL;
		return 0;
	}
	if (strcmp(s, "json")) {
		snprintf(err, errlen, "unknown output format '%s': use normal or json", s);
		return -EINVAL;
	}
#ifdef LM_HAVE_JSONC
	*fmt = LM_FMT_JSON;
	return 0;
#else
	snprintf(err, errlen,
		 "output format json: this nvme was built without json-c; use normal, or rebuild nvme-cli with json-c (libjson-c-dev)");
	return -EINVAL;
#endif
}

const struct lm_print_ops *lm_print_backend(enum lm_fmt fmt)
{
#ifdef LM_HAVE_JSONC
	if (fmt == LM_FMT_JSON)
		return lm_print_json_ops();
#endif
	return lm_print_stdout_ops();
}

int lm_print_state(FILE *f, enum lm_fmt fmt, const char *name,
		   const struct lm_sf_hdr *h, const void *payload, size_t len,
		   char *err, size_t errlen)
{
	struct lm_ctrl_state st;
	char problem[256];
	int ret;

	/* Only the TP4159 profile's state has a public layout. */
	if (h && h->id.profile != LM_PROFILE_TP4159) {
		lm_print(fmt, state, f, name, h, NULL, len, NULL);
		return 0;
	}
	/* Nothing is printed for a state that does not decode. */
	ret = lm_ctrl_state_parse(payload, len, &st, err, errlen);
	if (ret)
		return ret;
	if (!lm_ctrl_state_check_queues(&st, problem, sizeof(problem)))
		snprintf(problem, sizeof(problem), "ok");
	lm_print(fmt, state, f, name, h, &st, len, problem);
	return 0;
}

/* "2024-05-01T12:00:00Z" for a time in seconds since the epoch. */
static void print_time(char *buf, size_t len, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRIu64, t);
}

/* ---- field lists ---- */

static struct lm_field *field_add(struct lm_fields *l, const char *label,
				  const char *key, enum lm_field_type type)
{
	struct lm_field *f;

	/* A list outgrowing LM_FIELDS_MAX is a bug that tests show at once. */
	if (l->n == LM_FIELDS_MAX)
		return NULL;
	f = &l->f[l->n++];
	memset(f, 0, sizeof(*f));
	f->label = label;
	f->key = key;
	f->type = type;
	return f;
}

void lm_field_str(struct lm_fields *l, const char *label, const char *key,
		  const char *s)
{
	struct lm_field *f = field_add(l, label, key, LM_FIELD_STR);

	if (f)
		f->str = s;
}

void lm_field_num(struct lm_fields *l, const char *label, const char *key,
		  enum lm_field_type type, uint64_t v, const char *fmt, ...)
{
	struct lm_field *f = field_add(l, label, key, type);
	va_list ap;

	if (!f)
		return;
	f->num = v;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

void lm_field_json(struct lm_fields *l, const char *key,
		   enum lm_field_type type, uint64_t v)
{
	struct lm_field *f = field_add(l, NULL, key, type);

	if (f)
		f->num = v;
}

void lm_field_text(struct lm_fields *l, const char *label, const char *key,
		   const char *fmt, ...)
{
	struct lm_field *f = field_add(l, label, key, LM_FIELD_STR);
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	f->str = f->text;
}

void lm_fields_container(struct lm_fields *l, const char *name,
			 const struct lm_sf_hdr *h)
{
	char created[40];

	lm_field_str(l, "State file", "file", name);
	lm_field_int(l, "Container version", "container_version", "%u", h->version);
	lm_field_str(l, "Profile", "profile", lm_profile_name(h->id.profile));
	lm_field_int(l, "Source PCI vendor", "vid", "0x%04x", h->id.vid);
	lm_field_int(l, "Source CNTLID", "cntlid", "0x%x", h->id.cntlid);
	lm_field_int(l, "Source VF", "vf", "%u", h->id.vfn);
	lm_field_str(l, "Model", "model", h->id.mn);
	lm_field_str(l, "Firmware", "firmware", h->id.fr);
	lm_field_str(l, "Serial", "serial", h->id.sn);
	lm_field_int(l, "State format version", "state_format_version", "%u",
		     h->id.csver);
	print_time(created, sizeof(created), h->id.created);
	lm_field_text(l, "Created", "created", "%s", created);
	lm_field_text(l, "Payload", NULL, "%" PRIu64 " bytes, CRC32C 0x%08x",
		      h->payload_len, h->payload_crc);
	lm_field_json(l, "bytes", LM_FIELD_INT, h->payload_len);
	lm_field_json(l, "crc32c", LM_FIELD_HEX, h->payload_crc);
}

/* The state's header; the queues each backend shows its own way. */
void lm_fields_state(struct lm_fields *l, const struct lm_ctrl_state *st)
{
	bool suspended = st->csattr & LM_CSATTR_SUSPENDED;

	lm_field_int(l, "  version", "version", "%u", st->ver);
	lm_field_num(l, "  attributes", "csattr", LM_FIELD_INT, st->csattr,
		     "0x%02x (%s)", st->csattr, suspended ? "suspended" : "running");
	lm_field_json(l, "suspended", LM_FIELD_BOOL, suspended);
	lm_field_int(l, "  NVMe part", "nvme_bytes", "%" PRIu64 " bytes", st->nvme_len);
	lm_field_int(l, "  vendor part", "vendor_bytes", "%" PRIu64 " bytes",
		     st->vendor_len);
}

/* The PF's identity and support; its limits and VFs follow per backend. */
void lm_fields_info(struct lm_fields *l, const char *dev, const struct lm_pf *pf)
{
	const struct lm_ctrl_info *id = &pf->id;

	lm_field_text(l, "Device", NULL, "%s (%s)", dev,
		      *pf->addr ? pf->addr : "no PCI function in sysfs");
	lm_field_str(l, NULL, "device", dev);
	lm_field_str(l, NULL, "pci_address", pf->addr);
	lm_field_str(l, "Model", "model", id->mn);
	lm_field_str(l, "Firmware", "firmware", id->fr);
	lm_field_str(l, "Serial", "serial", id->sn);
	lm_field_json(l, "vid", LM_FIELD_INT, id->vid);
	lm_field_json(l, "cntlid", LM_FIELD_INT, id->cntlid);
	lm_field_text(l, "Live migration", NULL, "%s%s%s",
		      id->hmlms ? "TP4159 (OACS.HMLMS)" : "",
		      id->vendor_lm ? (id->hmlms ? ", intel-2022 vendor flag" :
				       "intel-2022 vendor flag") : "",
		      !id->hmlms && !id->vendor_lm ?
		      "not supported (OACS bit 11 clear, no vendor flag)" : "");
	lm_field_str(l, "Profile", "profile",
		     pf->supported ? lm_profile_name(pf->profile) : "none");
	lm_field_json(l, "live_migration", LM_FIELD_BOOL, pf->supported);
	lm_field_json(l, "hmlms", LM_FIELD_BOOL, id->hmlms);
	lm_field_json(l, "vendor_lm", LM_FIELD_BOOL, id->vendor_lm);
	lm_field_int(l, "Max transfer (MDTS)", "mdts_bytes", "%u bytes",
		     lm_mdts_bytes(id->mdts, 4096));
}
