/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Build TP4159 controller state blobs byte by byte, for tests. Written from
 * the layout in Documentation/tp4159-notes.md with explicit offsets, independently of the
 * plugin's parser, so the two check each other.
 */
#ifndef STATE_BUILD_H
#define STATE_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct sb_sq {
	uint64_t prp1;
	uint16_t qsize, qid, cqid, attr, head, tail;
};

struct sb_cq {
	uint64_t prp1;
	uint16_t qsize, qid, head, tail;
	uint32_t attr;
};

struct sb_state {
	uint16_t ver;
	uint8_t csattr;
	uint16_t nvme_ver;
	unsigned int nsq, ncq;
	struct sb_sq sq[16];
	struct sb_cq cq[16];
	size_t vendor_len;	/* bytes, a multiple of 4 */
	uint8_t vendor_fill;
};

/* Returns a malloc'ed blob and its length in *len. */
uint8_t *sb_build(const struct sb_state *s, size_t *len);

#endif /* STATE_BUILD_H */
