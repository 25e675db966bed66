/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting a command given as a shell line (a hand-over hook, the
 * destination's helper behind its prefix) the way the engine needs it.
 */
#ifndef LM_SPAWN_H
#define LM_SPAWN_H

#include <sys/types.h>

/*
 * `sh -c cmd` in its own process group (a time-out ends it whole, with its
 * children; the terminal's ^C is the engine's to act on), no signal blocked,
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE at their defaults; in_fd and out_fd
 * become its standard input and output (-1: ours); env, or ours when NULL.
 * posix_spawn: no copy of the engine's page tables (its change queue and
 * buffers are large), which a fork would make. 0 or an errno.
 */
int lm_spawn_sh(const char *cmd, char *const env[], int in_fd, int out_fd,
		pid_t *pid);

#endif /* LM_SPAWN_H */
