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

/*
 * Fault len bytes at buf in now, a store to each page: not memset, which
 * the compiler may fold with the malloc before it into a calloc that
 * touches nothing.
 */
static inline void sim_buf_touch(uint8_t *buf, uint64_t len)
{
	volatile uint8_t *p = buf;
	uint64_t i;

	for (i = 0; i < len; i += 4096)
		p[i] = 0;
}

#endif /* SIM_BUF_H */
