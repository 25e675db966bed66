// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lm-cdq.h"
#include "lm-cdq-mem.h"
#include "lm-cleanup.h"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB	0x40000
#endif

#define PAGEMAP_PRESENT		(1ull << 63)
#define PAGEMAP_PFN_MASK	((1ull << 55) - 1)

void lm_hugepages_parse(const char *meminfo, struct lm_hugepages *hp)
{
	const char *p;

	hp->size = 0;
	hp->free = 0;
	p = strstr(meminfo, "HugePages_Free:");
	if (p)
		hp->free = strtoul(p + strlen("HugePages_Free:"), NULL, 10);
	p = strstr(meminfo, "Hugepagesize:");
	if (p)
		hp->size = strtoul(p + strlen("Hugepagesize:"), NULL, 10) * 1024;
}

void lm_hugepages_read(struct lm_hugepages *hp)
{
	char buf[8192];
	_lm_close_ int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	lm_hugepages_parse(buf, hp);
}

uint32_t lm_cdq_mem_max_entries(const struct lm_hugepages *hp,
				uint32_t max_xfer)
{
	size_t bytes = hp->free && hp->size > LM_CDQ_PAGE_LEN ? hp->size :
		       LM_CDQ_PAGE_LEN;

	if (bytes > max_xfer)
		bytes = max_xfer;
	return bytes / LM_CDQ_ENTRY_LEN;
}

int lm_phys_contiguous(const void *addr, size_t len)
{
	uintptr_t first = (uintptr_t)addr / LM_CDQ_PAGE_LEN;
	size_t pages = ((uintptr_t)addr + len + LM_CDQ_PAGE_LEN - 1) /
		       LM_CDQ_PAGE_LEN - first, i;
	_lm_close_ int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e, pfn0 = 0;

	if (fd < 0)
		return -errno;
	for (i = 0; i < pages; i++) {
		if (pread(fd, &e, sizeof(e), (first + i) * sizeof(e)) != sizeof(e))
			return -EIO;
		/* Without CAP_SYS_ADMIN the kernel shows frame number 0. */
		if (!(e & PAGEMAP_PRESENT) || !(e & PAGEMAP_PFN_MASK))
			return -EPERM;
		if (!i)
			pfn0 = e & PAGEMAP_PFN_MASK;
		else if ((e & PAGEMAP_PFN_MASK) != pfn0 + i)
			return 0;
	}
	return 1;
}

int lm_cdq_mem_alloc(struct lm_cdq_mem *m, uint32_t entries, char *err,
		     size_t errlen)
{
	struct lm_hugepages hp;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;

	memset(m, 0, sizeof(*m));
	m->len = (size_t)entries * LM_CDQ_ENTRY_LEN;
	m->map_len = LM_CDQ_PAGE_LEN;
	if (m->len > LM_CDQ_PAGE_LEN) {
		lm_hugepages_read(&hp);
		if (!hp.size || m->len > hp.size) {
			snprintf(err, errlen,
				 "%u entries need %zu bytes of physically contiguous memory, more than one hugepage (%zu bytes) holds: use --entries %zu or fewer",
				 entries, m->len, hp.size, (hp.size ? hp.size : LM_CDQ_PAGE_LEN) / LM_CDQ_ENTRY_LEN);
			return -EINVAL;
		}
		m->map_len = hp.size;
		m->huge = true;
		flags |= MAP_HUGETLB;
	}
	/*
	 * The controller writes here for the whole session: anonymous,
	 * zeroed, locked and never moved until the queue is deleted.
	 */
	m->addr = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (m->addr == MAP_FAILED) {
		m->addr = NULL;
		if (m->huge)
			snprintf(err, errlen,
				 "%u entries (%zu bytes) need a physically contiguous hugepage and none is free (HugePages_Free in /proc/meminfo): reserve one with 'echo 1 > /proc/sys/vm/nr_hugepages', or use --entries %u or fewer (one 4 KiB page)",
				 entries, m->len, LM_CDQ_PAGE_LEN / LM_CDQ_ENTRY_LEN);
		else
			snprintf(err, errlen, "cannot map a page for the queue: %s",
				 strerror(errno));
		return -ENOMEM;
	}
	if (mlock(m->addr, m->map_len)) {
		snprintf(err, errlen,
			 "cannot lock %zu bytes for the queue: %s (raise RLIMIT_MEMLOCK)",
			 m->map_len, strerror(errno));
		lm_cdq_mem_free(m);
		return -ENOMEM;
	}
	memset(m->addr, 0, m->map_len);
	if (lm_phys_contiguous(m->addr, m->len) == 0) {
		snprintf(err, errlen,
			 "the queue's %zu bytes are not physically contiguous (the kernel split the hugepage?): refusing to let the device write past the first page",
			 m->len);
		lm_cdq_mem_free(m);
		return -EFAULT;
	}
	return 0;
}

void lm_cdq_mem_free(struct lm_cdq_mem *m)
{
	if (m->addr)
		munmap(m->addr, m->map_len);
	m->addr = NULL;
}
