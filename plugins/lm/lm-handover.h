/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hand-over: a command of the user's (the VMM pointing the VM at the
 * destination VF) run once the destination runs, with a time limit, so a
 * hanging hook cannot hold a migration forever.
 */
#ifndef LM_HANDOVER_H
#define LM_HANDOVER_H

#include <stddef.h>

#include "lm-migrate.h"

/*
 * sh -c cmd, with LM_SRC_PF, LM_SRC_VF, LM_DST_PF, LM_DST_VF in its
 * environment and its output on stderr. timeout_s 0: no limit. Past the
 * limit its process group gets SIGTERM, then SIGKILL. 0 when it exits 0.
 */
int lm_handover_run(const char *cmd, unsigned int timeout_s,
		    const struct lm_mig_side *src, const struct lm_mig_side *dst,
		    char *err, size_t errlen);

#endif /* LM_HANDOVER_H */
