/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory for a change queue that a device may really write.
 *
 * A queue created with PC = 1 (physically contiguous) is written by the
 * device from PRP1 onwards, for as long as the queue exists. Memory that is
 * contiguous only in this process's virtual address space is not a queue:
 * the device would write every entry past the first page into whatever
 * physical page follows, which belongs to someone else. So a queue is one
 * 4 KiB page (128 entries), or one hugepage; nothing else is ever handed to
 * the device. Where /proc/self/pagemap shows physical frame numbers (root),
 * the contiguity is checked as well, so a kernel that split the hugepage
 * cannot go unnoticed.
 */
#ifndef LM_CDQ_MEM_H
#define LM_CDQ_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LM_CDQ_PAGE_LEN		4096u

struct lm_cdq_mem {
	void *addr;
	size_t map_len;		/* what was mapped: a page or a hugepage */
	size_t len;		/* what the queue uses */
	bool huge;
};

/* The system's hugepage size and how many are free (from /proc/meminfo). */
struct lm_hugepages {
	size_t size;		/* bytes, 0 if the kernel has none */
	unsigned long free;
};

/* From the text of /proc/meminfo; the reader below uses the real one. */
void lm_hugepages_parse(const char *meminfo, struct lm_hugepages *hp);
void lm_hugepages_read(struct lm_hugepages *hp);

/*
 * Most entries a queue can have here: one page, or one hugepage if one is
 * free; never more than max_xfer (MDTS) allows for the create command.
 */
uint32_t lm_cdq_mem_max_entries(const struct lm_hugepages *hp,
				uint32_t max_xfer);

/*
 * Map, zero and lock memory for entries queue entries (32 bytes each).
 * Returns 0, or -errno with a one-line message that says what to do.
 */
int lm_cdq_mem_alloc(struct lm_cdq_mem *m, uint32_t entries, char *err,
		     size_t errlen);
void lm_cdq_mem_free(struct lm_cdq_mem *m);

/*
 * Whether [addr, addr + len) is physically contiguous: 1 yes, 0 no,
 * -errno when the frame numbers cannot be read (not root, no pagemap).
 */
int lm_phys_contiguous(const void *addr, size_t len);

#endif /* LM_CDQ_MEM_H */
