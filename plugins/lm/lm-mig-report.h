/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration report: what the print backends need of a migration (the
 * JSON document, README "JSON output", and a few lines for a person), and
 * the report file.
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

/*
 * The JSON report written whole or not at all; replace: an existing file
 * may go. The caller checked that this build has JSON output.
 */
int lm_mig_report_write(const struct lm_mig_report_ctx *c, const char *path,
			bool replace, char *err, size_t errlen);

#endif /* LM_MIG_REPORT_H */
