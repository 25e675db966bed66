/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VF's saved state on disk: written whole or not at all, read and
 * checked in full before a device sees a byte. A container (lm-state-file.c)
 * or, raw, the bare controller state upstream nvme-cli writes.
 */
#ifndef LM_STATE_IO_H
#define LM_STATE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lm-discover.h"
#include "lm-profile.h"
#include "lm-state-file.h"

/*
 * Who a state saved from target t comes from, as a container records it
 * (state NULL: not saved yet, no state version).
 */
void lm_state_ident(const struct lm_target *t, const void *state,
		    uint64_t len, struct lm_sf_ident *id);

/*
 * Write the state saved from target t to path (- for stdout), with
 * SIGINT/SIGTERM/SIGHUP held. replace: an existing file may be replaced.
 */
int lm_state_write(const char *path, const struct lm_target *t, bool raw,
		   bool replace, const void *state, uint64_t len, char *err,
		   size_t errlen);

/*
 * Read a state from path (- for stdin) into *state (malloc'd) and *len; the
 * container's header into *h unless raw. A TP4159 state (the container's
 * profile, or raw_profile for a bare one) must parse as a usable
 * controller state.
 */
int lm_state_read(const char *path, bool raw, enum lm_profile raw_profile,
		  struct lm_sf_hdr *h, void **state, uint64_t *len, char *err,
		  size_t errlen);

#endif /* LM_STATE_IO_H */
