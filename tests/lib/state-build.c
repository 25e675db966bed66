// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "state-build.h"

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void w32(uint8_t *p, uint32_t v)
{
	w16(p, v);
	w16(p + 2, v >> 16);
}

static void w64(uint8_t *p, uint64_t v)
{
	w32(p, v);
	w32(p + 4, v >> 32);
}

uint8_t *sb_build(const struct sb_state *s, size_t *len)
{
	size_t nvme = 8 + 24 * (s->nsq + s->ncq);
	size_t total = 48 + nvme + s->vendor_len;
	uint8_t *b = calloc(1, total), *q;
	unsigned int i;

	if (!b)
		return NULL;
	w16(b + 0, s->ver);
	b[2] = s->csattr;
	w64(b + 16, nvme / 4);			/* NVMECSS, dwords */
	w64(b + 32, s->vendor_len / 4);		/* VSS, dwords */
	q = b + 48;
	w16(q + 0, s->nvme_ver);
	w16(q + 2, s->nsq);
	w16(q + 4, s->ncq);
	q += 8;
	for (i = 0; i < s->nsq; i++, q += 24) {
		w64(q + 0, s->sq[i].prp1);
		w16(q + 8, s->sq[i].qsize);
		w16(q + 10, s->sq[i].qid);
		w16(q + 12, s->sq[i].cqid);
		w16(q + 14, s->sq[i].attr);
		w16(q + 16, s->sq[i].head);
		w16(q + 18, s->sq[i].tail);
	}
	for (i = 0; i < s->ncq; i++, q += 24) {
		w64(q + 0, s->cq[i].prp1);
		w16(q + 8, s->cq[i].qsize);
		w16(q + 10, s->cq[i].qid);
		w16(q + 12, s->cq[i].head);
		w16(q + 14, s->cq[i].tail);
		w32(q + 16, s->cq[i].attr);
	}
	memset(q, s->vendor_fill, s->vendor_len);
	*len = total;
	return b;
}
