/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The destination on another host: one helper process there (`nvme lm
 * migrate-dst`, started through a command prefix such as 'ssh -T host' or
 * 'ip netns exec b') that holds the destination PF open and answers one
 * line per step, so each destination step is one round trip over one
 * connection, and the state crosses it once, from memory.
 *
 * The protocol, one line each way (the state's bytes follow its line):
 *   helper: ready profile=P vfn=N cntlid=N max_xfer=N formats=V,V mn=MODEL
 *           or: error MESSAGE
 *   engine: suspend | resume | state | restore LEN | quit
 *   helper: ok | fail RET MESSAGE (RET: an NVMe status > 0, or -errno)
 *           state: running | suspended | unknown
 *
 * A request whose connection breaks, or that gets no answer within the
 * wait limit (a helper or a connection gone silent, not closed), has an
 * unknown outcome: it may have been carried out. A silent connection is
 * ended as a broken one. The next request starts a new helper by the same
 * command (once a loss), so that a rollback can still ask the destination
 * what it is and resume it; no request is ever sent twice. A helper whose
 * connection breaks before "quit" resumes the VF if it suspended it and
 * loaded nothing into it, so a migration that died leaves the destination
 * as it found it; a loaded or resumed VF it leaves as it is.
 */
#ifndef LM_MIG_REMOTE_H
#define LM_MIG_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <sys/types.h>

#include "lm-discover.h"

struct lm_mig_remote {
	pid_t pid;
	int to, from;		/* the helper's stdin and stdout, when up */
	bool up;
	char in[1024];		/* read from it, not yet taken as a line */
	size_t nin;
	uint32_t wait_ms;	/* the longest wait on it; 0: no limit */
	char where[1024];	/* the prefix whole: messages, the report */
	char cmd[1024];		/* what starts the helper, again after a loss */
	struct lm_target t;	/* what the first helper said it serves */
	bool lost;		/* the connection broke: start a new one first */
	bool unreachable;	/* and a new one could not be made */
	/* SIGPIPE is ignored while the helper runs: a write to it fails. */
	struct sigaction old_pipe;
	bool pipe_saved;
};

/*
 * Start the helper: sh -c 'PREFIX NVME lm migrate-dst DEV --vf N ...
 * --timeout TIMEOUT_MS' and read its ready line into t (what the engine's
 * checks need). Every wait on it (its ready line, an answer, a request's
 * bytes taken) lasts at most wait_ms (0: no limit). 0, or an error with a
 * message.
 */
int lm_remote_open(struct lm_mig_remote *r, const char *prefix,
		   const char *nvme, const char *dev, int vf, int cntlid,
		   const char *profile, uint32_t timeout_ms, uint32_t wait_ms,
		   struct lm_target *t, char *err, size_t errlen);

/*
 * The requests: 0, the helper's failure (an NVMe status > 0, or -errno),
 * -EPIPE (the connection broke), -ETIMEDOUT (no answer within wait_ms),
 * -EPROTO; err says which.
 */
int lm_remote_suspend(struct lm_mig_remote *r, char *err, size_t errlen);
int lm_remote_resume(struct lm_mig_remote *r, char *err, size_t errlen);
int lm_remote_restore(struct lm_mig_remote *r, const void *state,
		      uint64_t len, char *err, size_t errlen);
/* 1 suspended, 0 running, < 0 cannot tell (the destination is unreachable). */
int lm_remote_state(struct lm_mig_remote *r);
void lm_remote_close(struct lm_mig_remote *r);

/* The helper's side: serve the protocol on in/out for target t. */
struct lm_dev;
int lm_remote_serve(struct lm_dev *d, struct lm_target *t, FILE *in,
		    FILE *out);

#endif /* LM_MIG_REMOTE_H */
