// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "lm-progress.h"

#define MIB	(1024.0 * 1024.0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void lm_progress_format(char *buf, size_t len, uint64_t done, uint64_t total,
			double seconds)
{
	double rate = seconds > 0 ? done / seconds : 0;
	size_t n;

	n = snprintf(buf, len, "%.1f MiB", done / MIB);
	if (total && n < len)
		n += snprintf(buf + n, len - n, " / %.1f MiB", total / MIB);
	if (rate > 0 && n < len)
		n += snprintf(buf + n, len - n, "  %.1f MiB/s", rate / MIB);
	if (rate > 0 && total > done && n < len)
		snprintf(buf + n, len - n, "  %.0f s left", (total - done) / rate);
}

void lm_progress_init(struct lm_progress *p, const char *what, bool on)
{
	const char *env;

	p->on = on && isatty(STDERR_FILENO);
	p->what = what;
	p->total = 0;
	p->start = now_s();
	p->drawn = 0;
	p->out = stderr;
	env = getenv("LM_PROGRESS_DELAY_MS");
	p->after = env && *env ? strtoul(env, NULL, 10) / 1000.0 : 0.5;
}

void lm_progress_total(struct lm_progress *p, uint64_t total)
{
	p->total = total;
}

void lm_progress_update(struct lm_progress *p, uint64_t done)
{
	double t;
	char line[128];

	if (!p || !p->on)
		return;
	t = now_s();
	/* A transfer over in half a second needs no bar. */
	if (t - p->start < p->after || (t - p->drawn < 0.1 && done < p->total))
		return;
	p->drawn = t;
	lm_progress_format(line, sizeof(line), done, p->total, t - p->start);
	fprintf(p->out, "\r%s: %s\033[K", p->what, line);
	fflush(p->out);
}

void lm_progress_end(struct lm_progress *p)
{
	if (!p || !p->on || !p->drawn)
		return;
	fprintf(p->out, "\r\033[K");
	fflush(p->out);
}
