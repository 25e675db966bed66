/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scope-bound release, in the manner of nvme-cli's util/cleanup.h. Our own
 * names: older nvme-cli trees lack these helpers and newer ones define them
 * under names we must not collide with.
 */
#ifndef LM_CLEANUP_H
#define LM_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

#define _lm_cleanup_(fn) __attribute__((cleanup(fn)))

static inline void lm_freep(void *p)
{
	free(*(void **)p);
}
#define _lm_free_ _lm_cleanup_(lm_freep)

static inline void lm_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _lm_close_ _lm_cleanup_(lm_closep)

#endif /* LM_CLEANUP_H */
