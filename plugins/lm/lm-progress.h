/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A one-line progress bar for long transfers (a large state saved or
 * restored, a namespace copied): bytes, rate and time left, redrawn on
 * standard error at most ten times a second. Only where someone watches:
 * never with JSON output, never when standard error is not a terminal.
 */
#ifndef LM_PROGRESS_H
#define LM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct lm_progress {
	bool on;
	const char *what;	/* "save", "restore", "copy-ranges" */
	uint64_t total;		/* bytes, 0 if not known yet */
	double start, drawn;
	double after;		/* seconds before the bar appears */
	FILE *out;
};

/*
 * on: whether to draw at all (the caller knows the output format). The bar
 * appears once a transfer has run half a second, or LM_PROGRESS_DELAY_MS.
 */
void lm_progress_init(struct lm_progress *p, const char *what, bool on);
void lm_progress_total(struct lm_progress *p, uint64_t total);
void lm_progress_update(struct lm_progress *p, uint64_t done);
/* Clear the line, so what follows starts on a clean one. */
void lm_progress_end(struct lm_progress *p);

/* "12.0 MiB / 64.0 MiB  35.2 MiB/s  2 s left", for tests and the bar. */
void lm_progress_format(char *buf, size_t len, uint64_t done, uint64_t total,
			double seconds);

#endif /* LM_PROGRESS_H */
