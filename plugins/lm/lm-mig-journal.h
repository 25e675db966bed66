/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a migration holds that outlives it when it is killed: the change
 * queue on the source PF, and, once the stop section has begun, a source
 * VF that may be suspended. A record file says so from the migration's
 * start to its end; the next migration of that VF finds the record of one
 * that died and cleans up after it (lm-migrate.c).
 *
 * The records of a host live in LM_RUN_DIR, by default run/nvme-lm beside
 * the host's sysfs root (/run/nvme-lm for /sys; the simulator's own for
 * LM_SYSFS_ROOT), a directory the tool makes, owned by the user and
 * writable by nobody else. One record per source VF: PF-vfN.
 */
#ifndef LM_MIG_JOURNAL_H
#define LM_MIG_JOURNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct lm_mig_record {
	pid_t pid;			/* 0: no record */
	unsigned long long start;	/* the process's start time (/proc) */
	int cdqid;			/* the change queue it holds, or -1 */
	bool stop;			/* its stop section has begun */
};

struct lm_mig_journal {
	char path[PATH_MAX];
	struct lm_mig_record rec;	/* ours, as last written */
	bool held;
};

/*
 * Claim the record of VF vfn of PF pf_name (the device's name, nvmeX). A
 * record left by a process that is gone is returned in *dead (pid != 0)
 * and replaced by ours; one whose process still runs is -EBUSY.
 */
int lm_mig_journal_open(struct lm_mig_journal *j, const char *pf_name,
			unsigned int vfn, struct lm_mig_record *dead,
			char *err, size_t errlen);

/* Write j->rec as it is now. */
int lm_mig_journal_write(struct lm_mig_journal *j, char *err, size_t errlen);

/* The migration ended: nothing it held is left to find. */
void lm_mig_journal_close(struct lm_mig_journal *j);

/* Parse one record line; 0, or -EINVAL. Exposed for the unit tests. */
int lm_mig_record_parse(const char *line, struct lm_mig_record *r);

#endif /* LM_MIG_JOURNAL_H */
