/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Buffers grown when a command needs more and kept after: fresh memory
 * costs a page fault a page, which on a paravirtualised host is dear, and
 * the same sizes come back command after command.
 */
#ifndef SIM_BUF_H
#define SIM_BUF_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * Make *buf hold at least need bytes. Growing drops the contents; on
 * failure (-ENOMEM) the buffer is left as it was.
 */
static inline int sim_buf_reserve(uint8_t **buf, uint64_t *cap, uint64_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	p = malloc(need);
	if (!p)
		return -ENOMEM;
	free(*buf);
	*buf = p;
	*cap = need;
	return 0;
}

#endif /* SIM_BUF_H */
