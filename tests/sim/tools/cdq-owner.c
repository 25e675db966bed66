// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cdq-owner: own a user data migration queue with raw admin ioctls (not
 * plugins/lm), keeping its memory mapped and locked, and run a script of
 * actions against it, printing what happens.
 *
 *   cdq-owner DEV CNTLID ENTRIES[:huge|:scattered] ACTION...
 *
 * Queue memory: ordinary pages by default; ":huge" one hugepage (physically
 * contiguous, as a correct owner of a PC = 1 queue must use); ":scattered"
 * pages that are contiguous only virtually, each page's frame deliberately
 * not following the previous one's (what a wrong owner hands the device;
 * the simulator must show the entries past the first page going astray).
 *
 * Actions: start, stop (Track Send), drain (print new entries), head (report
 * the head through Feature 21h), get (read Feature 21h), delete,
 * wait:FILE (until FILE exists), touch:FILE (create it), sleep:MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../sim.h"

static int fd;
static uint8_t *q;
static uint32_t entries, head, cdqid;
static uint8_t phase = 1;

static int admin(uint8_t opc, uint32_t cdw10, uint32_t cdw11, uint32_t cdw12,
		 uint32_t cdw13, void *data, uint32_t len, uint32_t *result)
{
	struct nvme_passthru_cmd c = {
		.opcode = opc, .cdw10 = cdw10, .cdw11 = cdw11, .cdw12 = cdw12,
		.cdw13 = cdw13, .addr = (uintptr_t)data, .data_len = len,
	};
	int ret = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);

	if (result)
		*result = c.result;
	return ret;
}

static uint64_t pfn_of(const void *p)
{
	uint64_t e = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);

	if (pm >= 0) {
		if (pread(pm, &e, 8, (uintptr_t)p / 4096 * 8) != 8)
			e = 0;
		close(pm);
	}
	return e & ((1ull << 55) - 1);
}

/* Pages at consecutive virtual addresses whose frames never follow. */
static uint8_t *map_scattered(size_t bytes)
{
	size_t pages = bytes / 4096, i;
	uint8_t *r, *p;
	uint64_t prev = 0;

	r = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return NULL;
	for (i = 0; i < pages; i++) {
		do {
			/* A page we reject stays mapped, so it is not handed back. */
			p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED || mlock(p, 4096))
				return NULL;
			memset(p, 0, 4096);
		} while (i && pfn_of(p) == prev + 1);
		prev = pfn_of(p);
		if (!prev || mremap(p, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED,
				    r + i * 4096) == MAP_FAILED)
			return NULL;
	}
	return r;
}

static void report(const char *what, int ret, uint32_t result)
{
	if (ret < 0)
		printf("%s: ioctl failed: %s\n", what, strerror(errno));
	else
		printf("%s: status=0x%x result=0x%x\n", what, ret, result);
	fflush(stdout);
}

static void drain(void)
{
	uint8_t *e, attr;
	unsigned int n = 0;

	for (;;) {
		e = q + (size_t)head * 32;
		attr = __atomic_load_n(&e[31], __ATOMIC_ACQUIRE);
		if ((attr & 1) != phase)
			break;
		printf("entry %u: nsid=%u slba=%llu nlb=%u esa=%u lbacir=%u\n",
		       head, e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24,
		       (unsigned long long)(e[8] | e[9] << 8 | e[10] << 16 |
					    (uint64_t)e[11] << 24 |
					    (uint64_t)e[12] << 32 | (uint64_t)e[13] << 40),
		       (e[4] | e[5] << 8 | e[6] << 16 | (uint32_t)e[7] << 24) + 1,
		       (attr >> 1) & 7, attr >> 6);
		if (++head == entries) {
			head = 0;
			phase ^= 1;
		}
		n++;
	}
	printf("drained %u\n", n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	uint32_t cntlid, result = 0, feat[2];
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t bytes;
	char *mode;
	int i, ret, t;

	if (argc < 4) {
		fprintf(stderr, "usage: cdq-owner DEV CNTLID ENTRIES ACTION...\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	cntlid = strtoul(argv[2], NULL, 0);
	entries = strtoul(argv[3], &mode, 0);
	bytes = ((size_t)entries * 32 + 4095) & ~4095ul;
	/* The controller writes here long after create: keep it mapped and locked. */
	if (!strcmp(mode, ":scattered")) {
		q = map_scattered(bytes);
	} else {
		if (!strcmp(mode, ":huge")) {
			bytes = 2u << 20;
			flags |= MAP_HUGETLB;
		}
		q = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (q == MAP_FAILED || mlock(q, bytes))
			q = NULL;
	}
	if (!q) {
		perror("queue memory");
		return 1;
	}
	ret = admin(SIM_OPC_CDQ, 0, 1 | cntlid << 16, entries * 8, 0, q, entries * 32,
		    &cdqid);
	report("create", ret, cdqid);
	if (ret)
		return 1;
	for (i = 4; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "start") || !strcmp(a, "stop")) {
			ret = admin(SIM_OPC_TRACK_SEND, (!strcmp(a, "start") ? 1u : 0u) << 16,
				    cdqid, 0, 0, NULL, 0, &result);
			report(a, ret, result);
		} else if (!strcmp(a, "drain")) {
			drain();
		} else if (!strcmp(a, "head")) {
			ret = admin(SIM_OPC_SET_FEATURES, SIM_FID_CDQ, cdqid, head, 0, NULL, 0, &result);
			report("head", ret, result);
		} else if (!strcmp(a, "get")) {
			ret = admin(SIM_OPC_GET_FEATURES, SIM_FID_CDQ, cdqid, 0, 0, feat, 8, &result);
			report("get", ret, result);
			if (!ret)
				printf("feature: head=%u tpt=%u\n", feat[0], feat[1]);
		} else if (!strcmp(a, "delete")) {
			ret = admin(SIM_OPC_CDQ, 1, cdqid, 0, 0, NULL, 0, &result);
			report("delete", ret, result);
		} else if (!strncmp(a, "wait:", 5)) {
			for (t = 0; t < 3000 && access(a + 5, F_OK); t++)
				usleep(10000);
			if (t == 3000) {
				printf("timed out waiting for %s\n", a + 5);
				return 1;
			}
		} else if (!strncmp(a, "touch:", 6)) {
			t = open(a + 6, O_WRONLY | O_CREAT, 0644);
			if (t >= 0)
				close(t);
		} else if (!strncmp(a, "sleep:", 6)) {
			usleep(atoi(a + 6) * 1000);
		} else {
			fprintf(stderr, "cdq-owner: unknown action %s\n", a);
			return 2;
		}
	}
	return 0;
}
