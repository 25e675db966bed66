/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The printing layer: everything the plugin reports on stdout, in normal
 * text or JSON. Each report is one member of struct lm_print_ops; a backend
 * implements them all for its format: lm-print-stdout.c (normal),
 * lm-print-json.c (JSON, the only file that uses json-c, built only where
 * nvme-cli found json-c). A handler prints with
 *
 *	lm_print(fmt, step, stdout, "suspend", dev, &t, "suspended");
 *
 * which takes fmt's backend (lm_print_backend) and calls its member.
 */
#ifndef LM_PRINT_H
#define LM_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lm_copier;
struct lm_ctrl_state;
struct lm_ll_report;
struct lm_mig_report_ctx;
struct lm_pf;
struct lm_sf_hdr;
struct lm_target;
struct lm_track_result;
struct lm_xfer_stats;

enum lm_fmt {
	LM_FMT_NORMAL,
	LM_FMT_JSON,
};

/*
 * The format an --output-format names: 0, or -EINVAL for a name that is
 * neither, or for json in a build without json-c; err says which.
 */
int lm_fmt_parse(const char *s, enum lm_fmt *fmt, char *err, size_t errlen);

/* What info shows of each VF beyond the secondary controller list. */
struct lm_vf_status {
	char addr[32];		/* PCI address, "" when sysfs lacks it */
	char driver[64];	/* bound driver, "" for none */
	int suspended;		/* 1, 0, or -1 when the device cannot tell */
};

/* Change-queue sizes this host can give (lm-cdq-mem.c). */
struct lm_cdq_limits {
	uint32_t page_entries;	/* in one 4 KiB page */
	uint32_t max_entries;	/* with what is free now, within MDTS */
	unsigned long hugepages_free;
};

struct lm_print_ops {
	/*
	 * state-show: the container (h NULL for a bare state), then the
	 * decoded state (st NULL for a vendor profile's opaque len bytes)
	 * and what the queue check found ("ok" or the first problem).
	 */
	void (*state)(FILE *f, const char *name, const struct lm_sf_hdr *h,
		      const struct lm_ctrl_state *st, size_t len,
		      const char *queue_check);
	/* info: the PF, its live-migration support, each VF. */
	void (*info)(FILE *f, const char *dev, const struct lm_pf *pf,
		     const struct lm_vf_status *vfs,
		     const struct lm_cdq_limits *lim);
	/* suspend, resume: what was done to which VF. */
	void (*step)(FILE *f, const char *op, const char *dev,
		     const struct lm_target *t, const char *what);
	/* save, restore: sizes, chunks, checksum, time. */
	void (*xfer)(FILE *f, const char *op, const char *dev,
		     const struct lm_target *t, const struct lm_xfer_stats *st,
		     const char *file, uint32_t crc);
	/* track: entries, ranges, blocks, how it ended; copied NULL without --copy. */
	void (*track)(FILE *f, const char *dev, const struct lm_target *t,
		      const struct lm_track_result *r, const uint64_t *copied);
	/* copy-ranges: what was copied, and what belonged to other namespaces. */
	void (*copy)(FILE *f, const char *src, const char *dst,
		     const struct lm_copier *c, double seconds);
	/*
	 * What one low-level command did (lm-lowlevel.h). Those commands
	 * have no --output-format: only the normal backend has this one.
	 */
	void (*ll)(FILE *f, const struct lm_ll_report *r);
	/* migrate: the report (the JSON one is also what --report writes). */
	void (*migrate)(FILE *f, const struct lm_mig_report_ctx *c);
};

/* The backend of a format that lm_fmt_parse() accepted. */
const struct lm_print_ops *lm_print_backend(enum lm_fmt fmt);

#define lm_print(fmt, name, ...) lm_print_backend(fmt)->name(__VA_ARGS__)

/*
 * state-show: decode a controller state and print it. h is the container
 * header, or NULL for a bare state. Returns 0, or -EINVAL with the problem
 * in err when the state cannot be decoded (then nothing is printed).
 */
int lm_print_state(FILE *f, enum lm_fmt fmt, const char *name,
		   const struct lm_sf_hdr *h, const void *payload, size_t len,
		   char *err, size_t errlen);

/* ---- for the backends ---- */

/*
 * The facts of a report that both formats show field by field, listed
 * once: normal text prints "label: text", the label padded to
 * LM_LABEL_WIDTH; JSON prints "key": value. A field without a label is
 * JSON's alone, one without a key normal text's alone.
 */
#define LM_LABEL_WIDTH	20
#define LM_FIELDS_MAX	24

enum lm_field_type {
	LM_FIELD_STR,		/* str */
	LM_FIELD_INT,		/* num, a JSON integer */
	LM_FIELD_HEX,		/* num, a JSON string "0x..." */
	LM_FIELD_BOOL,		/* num, JSON true or false */
};

struct lm_field {
	const char *label;
	const char *key;
	enum lm_field_type type;
	const char *str;
	uint64_t num;
	char text[256];		/* normal text of a number, or a label's own */
};

struct lm_fields {
	struct lm_field f[LM_FIELDS_MAX];
	unsigned int n;
};

void lm_field_str(struct lm_fields *l, const char *label, const char *key,
		  const char *s);
void lm_field_num(struct lm_fields *l, const char *label, const char *key,
		  enum lm_field_type type, uint64_t v, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* JSON only. */
void lm_field_json(struct lm_fields *l, const char *key,
		   enum lm_field_type type, uint64_t v);
/* A string made from fmt, shown as text in both formats (key NULL: normal only). */
void lm_field_text(struct lm_fields *l, const char *label, const char *key,
		   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A number in both formats: label's text is fmt, key's value v. */
#define lm_field_int(l, label, key, fmt, v) \
	lm_field_num(l, label, key, LM_FIELD_INT, v, fmt, v)

/* The field lists the backends share. */
void lm_fields_container(struct lm_fields *l, const char *name,
			 const struct lm_sf_hdr *h);
void lm_fields_state(struct lm_fields *l, const struct lm_ctrl_state *st);
void lm_fields_info(struct lm_fields *l, const char *dev,
		    const struct lm_pf *pf);

const struct lm_print_ops *lm_print_stdout_ops(void);
/* NULL in a build without json-c. */
const struct lm_print_ops *lm_print_json_ops(void);

#endif /* LM_PRINT_H */
