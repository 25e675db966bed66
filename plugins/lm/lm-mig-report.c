// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lm-file.h"
#include "lm-mig-report.h"

int lm_mig_report_write(const struct lm_mig_report_ctx *c, const char *path,
			bool replace, char *err, size_t errlen)
{
	struct lm_atomic out;
	FILE *f;
	int fd;

	if (lm_atomic_open(&out, path, replace)) {
		snprintf(err, errlen, "cannot create the report %s: %s", path, strerror(errno));
		return -errno;
	}
	/* The stream gets its own descriptor: commit syncs and closes out's. */
	fd = dup(out.fd);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write the report %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		lm_atomic_abort(&out);
		return -EIO;
	}
	lm_print(LM_FMT_JSON, migrate, f, c);
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write the report %s: %s", path, strerror(errno));
		lm_atomic_abort(&out);
		return -EIO;
	}
	if (lm_atomic_commit(&out)) {
		snprintf(err, errlen, "cannot complete the report %s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}
