/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration report: one JSON document (the vocabulary scripts and
 * tests read, README "JSON output"), and its few lines for a person.
 */
#ifndef LM_MIG_REPORT_H
#define LM_MIG_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lm-migrate.h"
#include "lm-print.h"

struct lm_mig_report_ctx {
	const struct lm_mig_side *src, *dst;
	const struct lm_mig_opts *o;
	const struct lm_mig_report *r;
};

/* The JSON document, or NULL out of memory; free with json_object_put. */
struct json_object *lm_mig_report_json(const struct lm_mig_report_ctx *c);

/* Written whole or not at all; replace: an existing file may go. */
int lm_mig_report_write(const struct lm_mig_report_ctx *c, const char *path,
			bool replace, char *err, size_t errlen);

/* The JSON document, or a few lines for a person. */
void lm_mig_report_print(FILE *f, enum lm_fmt fmt,
			 const struct lm_mig_report_ctx *c);

#endif /* LM_MIG_REPORT_H */
