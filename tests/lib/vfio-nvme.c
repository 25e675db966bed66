/*
 * Guest helper for the qemu test group: a small VFIO user-space NVMe
 * driver that plays the VM. It owns two VFs through vfio-pci in one type1
 * IOMMU container, so one set of queue and data memory, at the same IOVAs,
 * is reachable by both. It enables the first VF's controller through BAR0,
 * creates I/O queue pair 1 through that VF's own admin queue, writes
 * blocks that carry their LBA and a sequence number, and after a state
 * transfer (done by `nvme lm` on the PF, outside this program) rings the
 * other VF's doorbells with the same queues and continues.
 *
 * Written from the NVMe Base Specification's register and queue layouts
 * and the Linux VFIO uapi (linux/vfio.h); polled, no interrupts.
 *
 * usage: lm-vfio-nvme <commands
 *   setup BDF0 BDF1   open both VFs (devices 0 and 1), map the memory
 *   start I           reset and enable device I's controller (its own
 *                     admin queue; CC: 4 KiB pages, 64/16-byte entries):
 *                     what a destination VF needs before it takes a state,
 *                     since the model sizes data transfers by CC.MPS
 *   enable            start the current device and create I/O CQ 1 and
 *                     SQ 1 through its admin queue (physically contiguous)
 *   write N DEPTH     N writes of 8 blocks at queue depth DEPTH, each
 *                     waited for (acknowledged)
 *   queue N           N writes placed in the SQ, tail doorbell rung, not
 *                     waited for
 *   poll MS           reap completions for MS ms; print how many came
 *   use I             switch doorbells to device I: ring its SQ 1 tail
 *                     and CQ 1 head with the driver's own values
 *   drain MS          wait up to MS ms until nothing is outstanding
 *   verify DEPTH      read every block written back through the current
 *                     device, compare with the pattern
 *   report            every command issued since the previous report:
 *                     completed once, never, more than once; completions
 *                     for unknown CIDs, error statuses
 *   disable I         CC.EN = 0 on device I (a controller reset)
 *   quit
 * Each command's output ends with a line "@@".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#define PAGE		4096u
#define IOVA_BASE	0x40000000ull
#define MEM_SIZE	(4u << 20)

/* Memory layout (offsets into the one mapping, equal to IOVA - IOVA_BASE). */
#define OFF_ASQ(i)	(0x0000u + (i) * 0x8000u)	/* admin SQ of device i, 64 entries */
#define OFF_ACQ(i)	(0x1000u + (i) * 0x8000u)	/* admin CQ of device i */
#define OFF_IDBUF	0x2000u		/* Identify data */
#define OFF_IOSQ	0x4000u		/* I/O SQ 1, QSIZE entries of 64 B */
#define OFF_IOCQ	0x6000u		/* I/O CQ 1, QSIZE entries of 16 B */
#define OFF_WDATA	0x10000u	/* write data: one page per write */
#define OFF_RDATA	0x200000u	/* read data: one page per CID % 256 */
#define ADMIN_Q		64u
#define QSIZE		128u
#define MAX_WRITES	((OFF_RDATA - OFF_WDATA) / PAGE)
#define NLB		8u		/* blocks per command (one page of 512 B) */
#define MAGIC		0x4c4d5646u	/* "FVML" */

/* Controller registers (NVMe Base Specification, "Controller Registers"). */
#define REG_CAP		0x00
#define REG_CC		0x14
#define REG_CSTS	0x1c
#define REG_AQA		0x24
#define REG_ASQ		0x28
#define REG_ACQ		0x30
#define REG_DB		0x1000

struct dev {
	char bdf[32];
	int fd;
	volatile uint8_t *bar;
	uint64_t cap;
	unsigned dstrd;
	unsigned asq_tail, acq_head, acq_phase;	/* its admin queue */
};

struct sqe {
	uint32_t cdw0, nsid, cdw2, cdw3;
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct cqe {
	uint32_t dw0, dw1;
	uint16_t sqhd, sqid, cid, status;
};

enum { K_NONE, K_WRITE, K_READ };

static struct dev devs[2];
static int ndevs, cur, container = -1;
static uint8_t *mem;
static unsigned lba_shift = 9;

static unsigned admin_cid;
/* I/O queue pair 1: the driver's view, carried across devices. */
static unsigned sq_tail, cq_head, cq_phase = 1;
static int outstanding;
static unsigned next_cid = 1, nwrites, nread_ok, nread_bad;
static uint8_t kind[65536], ncompl[65536];
static uint16_t cstatus[65536];
static uint32_t seqof[65536];
static unsigned unknown_compl, err_compl, got_in_poll;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stdout, "lm-vfio-nvme: ");
	vfprintf(stdout, fmt, ap);
	fprintf(stdout, "\n@@\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t rd32(struct dev *d, unsigned off)
{
	return *(volatile uint32_t *)(d->bar + off);
}

static void wr32(struct dev *d, unsigned off, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint32_t *)(d->bar + off) = v;
}

static void wr64(struct dev *d, unsigned off, uint64_t v)
{
	wr32(d, off, (uint32_t)v);
	wr32(d, off + 4, (uint32_t)(v >> 32));
}

static unsigned sq_db(struct dev *d, unsigned qid)
{
	return REG_DB + (2 * qid) * (4u << d->dstrd);
}

static unsigned cq_db(struct dev *d, unsigned qid)
{
	return REG_DB + (2 * qid + 1) * (4u << d->dstrd);
}

static uint64_t iova(unsigned off)
{
	return IOVA_BASE + off;
}

/* ---- VFIO ---- */

static int group_of(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("%s: no IOMMU group (%s)", bdf, strerror(errno));
	link[n] = 0;
	return atoi(basename(link));
}

static void setup(const char *bdf0, const char *bdf1)
{
	const char *bdfs[2] = { bdf0, bdf1 };
	int groups[2], gfd[2] = { -1, -1 };
	struct vfio_iommu_type1_dma_map map;
	struct vfio_group_status st;
	char path[64];
	int i;

	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		die("/dev/vfio/vfio: %s", strerror(errno));
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		die("VFIO API version mismatch");
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) != 1)
		die("no type1 IOMMU");
	for (i = 0; i < 2; i++) {
		groups[i] = group_of(bdfs[i]);
		if (i == 1 && groups[1] == groups[0]) {
			gfd[1] = gfd[0];
			break;
		}
		snprintf(path, sizeof(path), "/dev/vfio/%d", groups[i]);
		gfd[i] = open(path, O_RDWR);
		if (gfd[i] < 0)
			die("%s: %s", path, strerror(errno));
		memset(&st, 0, sizeof(st));
		st.argsz = sizeof(st);
		if (ioctl(gfd[i], VFIO_GROUP_GET_STATUS, &st))
			die("group %d status: %s", groups[i], strerror(errno));
		if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
			die("IOMMU group %d is not viable (a device in it is bound to another driver)",
			    groups[i]);
		if (ioctl(gfd[i], VFIO_GROUP_SET_CONTAINER, &container))
			die("group %d: set container: %s", groups[i], strerror(errno));
		if (i == 0 && ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
			die("set type1 IOMMU: %s", strerror(errno));
	}
	fprintf(stderr, "lm-vfio-nvme: IOMMU groups %d and %d, one container\n",
		groups[0], groups[1]);

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(mem, 0, MEM_SIZE);
	memset(&map, 0, sizeof(map));
	map.argsz = sizeof(map);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)mem;
	map.iova = IOVA_BASE;
	map.size = MEM_SIZE;
	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
		die("map DMA: %s", strerror(errno));

	for (i = 0; i < 2; i++) {
		struct dev *d = &devs[i];
		struct vfio_region_info ri;
		uint16_t cmd;

		snprintf(d->bdf, sizeof(d->bdf), "%s", bdfs[i]);
		d->fd = ioctl(gfd[i], VFIO_GROUP_GET_DEVICE_FD, d->bdf);
		if (d->fd < 0)
			die("%s: get device: %s", d->bdf, strerror(errno));
		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizeof(ri);
		ri.index = VFIO_PCI_BAR0_REGION_INDEX;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
			die("%s: BAR0 info: %s", d->bdf, strerror(errno));
		if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) || ri.size < 0x2000)
			die("%s: BAR0 cannot be mapped (flags 0x%x, size %llu)",
			    d->bdf, ri.flags, (unsigned long long)ri.size);
		d->bar = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			      d->fd, (off_t)ri.offset);
		if (d->bar == MAP_FAILED)
			die("%s: mmap BAR0: %s", d->bdf, strerror(errno));
		/* Memory space and bus master on: the VF's DMA goes through. */
		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizeof(ri);
		ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
			die("%s: config info: %s", d->bdf, strerror(errno));
		if (pread(d->fd, &cmd, 2, (off_t)ri.offset + 4) != 2)
			die("%s: read PCI command", d->bdf);
		cmd |= 0x6;
		if (pwrite(d->fd, &cmd, 2, (off_t)ri.offset + 4) != 2)
			die("%s: write PCI command", d->bdf);
		d->cap = (uint64_t)rd32(d, REG_CAP) | (uint64_t)rd32(d, REG_CAP + 4) << 32;
		d->dstrd = (d->cap >> 32) & 0xf;
		fprintf(stderr, "lm-vfio-nvme: %s CAP 0x%016" PRIx64 " CSTS 0x%x\n",
			d->bdf, d->cap, rd32(d, REG_CSTS));
	}
	ndevs = 2;
	printf("setup: both VFs in one type1 container, %u KiB mapped at IOVA 0x%llx\n",
	       MEM_SIZE >> 10, IOVA_BASE);
}

/* ---- admin queue ---- */

static int wait_rdy(struct dev *d, unsigned want)
{
	uint64_t end = now_ms() + 500 * (((d->cap >> 24) & 0xff) + 1);

	while ((rd32(d, REG_CSTS) & 1) != want) {
		if (rd32(d, REG_CSTS) & 2)
			return -1;
		if (now_ms() > end)
			return -1;
		usleep(1000);
	}
	return 0;
}

static int admin(struct sqe *c, uint32_t *dw0)
{
	struct dev *d = &devs[cur];
	struct sqe *sq = (struct sqe *)(mem + OFF_ASQ(cur));
	struct cqe *cq = (struct cqe *)(mem + OFF_ACQ(cur));
	uint16_t cid = ++admin_cid;
	uint64_t end = now_ms() + 5000;

	c->cdw0 = (c->cdw0 & 0xffff) | (uint32_t)cid << 16;
	sq[d->asq_tail] = *c;
	d->asq_tail = (d->asq_tail + 1) % ADMIN_Q;
	wr32(d, sq_db(d, 0), d->asq_tail);
	for (;;) {
		volatile struct cqe *e = &cq[d->acq_head];

		if ((e->status & 1) == d->acq_phase) {
			uint16_t st = e->status >> 1, ecid = e->cid;

			if (dw0)
				*dw0 = e->dw0;
			if (++d->acq_head == ADMIN_Q) {
				d->acq_head = 0;
				d->acq_phase ^= 1;
			}
			wr32(d, cq_db(d, 0), d->acq_head);
			if (ecid != cid)
				die("admin completion for CID %u, expected %u", ecid, cid);
			return st;
		}
		if (now_ms() > end)
			die("admin command 0x%02x: no completion in 5 s (CSTS 0x%x)",
			    c->cdw0 & 0xff, rd32(d, REG_CSTS));
		usleep(100);
	}
}

static void disable(int i)
{
	struct dev *d = &devs[i];

	wr32(d, REG_CC, 0);
	if (wait_rdy(d, 0))
		die("%s: CSTS.RDY stays 1 after CC.EN = 0 (CSTS 0x%x)", d->bdf, rd32(d, REG_CSTS));
}

static void start(int i)
{
	struct dev *d = &devs[i];

	disable(i);
	memset(mem + OFF_ASQ(i), 0, 2 * PAGE);
	d->asq_tail = d->acq_head = 0;
	d->acq_phase = 1;
	wr32(d, REG_AQA, (ADMIN_Q - 1) << 16 | (ADMIN_Q - 1));
	wr64(d, REG_ASQ, iova(OFF_ASQ(i)));
	wr64(d, REG_ACQ, iova(OFF_ACQ(i)));
	/* IOCQES 4 (16 B), IOSQES 6 (64 B), MPS 0 (4 KiB), CSS 0, EN. */
	wr32(d, REG_CC, 4u << 20 | 6u << 16 | 1);
	if (wait_rdy(d, 1))
		die("%s: not ready after CC.EN = 1 (CSTS 0x%x)", d->bdf, rd32(d, REG_CSTS));
}

static void enable(void)
{
	struct sqe c;
	int st;
	uint8_t *id;

	start(cur);

	/* Identify Namespace 1: the LBA size of the format in use. */
	memset(&c, 0, sizeof(c));
	c.cdw0 = 0x06;
	c.nsid = 1;
	c.prp1 = iova(OFF_IDBUF);
	c.cdw10 = 0;
	if ((st = admin(&c, NULL)))
		die("Identify Namespace 1: status 0x%x", st);
	id = mem + OFF_IDBUF;
	{
		uint32_t lbaf;
		unsigned fl = id[26] & 0xf;

		memcpy(&lbaf, id + 128 + 4 * fl, 4);
		lba_shift = (lbaf >> 16) & 0xff;
	}
	if (lba_shift != 9)
		die("namespace 1 has %u-byte blocks; this helper writes 512", 1u << lba_shift);

	memset(mem + OFF_IOSQ, 0, QSIZE * 64);
	memset(mem + OFF_IOCQ, 0, QSIZE * 16);
	sq_tail = cq_head = 0;
	cq_phase = 1;
	memset(&c, 0, sizeof(c));
	c.cdw0 = 0x05;		/* Create I/O Completion Queue */
	c.prp1 = iova(OFF_IOCQ);
	c.cdw10 = (QSIZE - 1) << 16 | 1;
	c.cdw11 = 1;		/* PC; IEN 0: polled */
	if ((st = admin(&c, NULL)))
		die("Create I/O CQ: status 0x%x", st);
	memset(&c, 0, sizeof(c));
	c.cdw0 = 0x01;		/* Create I/O Submission Queue */
	c.prp1 = iova(OFF_IOSQ);
	c.cdw10 = (QSIZE - 1) << 16 | 1;
	c.cdw11 = 1u << 16 | 1;	/* CQID 1, PC */
	if ((st = admin(&c, NULL)))
		die("Create I/O SQ: status 0x%x", st);
	printf("enable: controller ready, I/O SQ 1 and CQ 1 created (%u entries each, physically contiguous)\n",
	       QSIZE);
}

/* ---- I/O ---- */

static void fill_block(uint8_t *b, uint64_t lba, uint32_t seq)
{
	unsigned i;

	for (i = 0; i < 512; i += 16) {
		memcpy(b + i, &lba, 8);
		memcpy(b + i + 8, &seq, 4);
		memcpy(b + i + 12, &(uint32_t){ MAGIC ^ i }, 4);
	}
}

static uint64_t lba_of(uint32_t seq)
{
	return (uint64_t)seq * NLB;
}

/* Place one command in SQ 1 (doorbell not rung). */
static void put_io(unsigned opc, uint32_t seq)
{
	struct sqe *sq = (struct sqe *)(mem + OFF_IOSQ);
	struct sqe c;
	uint16_t cid = next_cid++;
	uint64_t slba = lba_of(seq);

	if (next_cid > 65535)
		die("out of CIDs");
	memset(&c, 0, sizeof(c));
	c.cdw0 = opc | (uint32_t)cid << 16;
	c.nsid = 1;
	c.prp1 = iova(opc == 0x01 ? OFF_WDATA + seq * PAGE : OFF_RDATA + (cid % 256) * PAGE);
	c.cdw10 = (uint32_t)slba;
	c.cdw11 = (uint32_t)(slba >> 32);
	c.cdw12 = NLB - 1;
	kind[cid] = opc == 0x01 ? K_WRITE : K_READ;
	seqof[cid] = seq;
	sq[sq_tail] = c;
	sq_tail = (sq_tail + 1) % QSIZE;
	outstanding++;
}

static void ring_sq(void)
{
	wr32(&devs[cur], sq_db(&devs[cur], 1), sq_tail);
}

static void check_read(uint16_t cid)
{
	uint8_t want[512];
	uint8_t *got = mem + OFF_RDATA + (cid % 256) * PAGE;
	uint32_t seq = seqof[cid];
	unsigned b;

	for (b = 0; b < NLB; b++) {
		fill_block(want, lba_of(seq) + b, seq);
		if (memcmp(want, got + b * 512, 512)) {
			uint64_t lba;
			uint32_t s;

			memcpy(&lba, got + b * 512, 8);
			memcpy(&s, got + b * 512 + 8, 4);
			if (nread_bad < 5)
				printf("  LBA %" PRIu64 ": holds LBA %" PRIu64 " seq %u, expected seq %u\n",
				       lba_of(seq) + b, lba, s, seq);
			nread_bad++;
			return;
		}
	}
	nread_ok++;
}

/* Reap what CQ 1 holds; returns how many. */
static unsigned reap(void)
{
	struct cqe *cq = (struct cqe *)(mem + OFF_IOCQ);
	unsigned n = 0;

	for (;;) {
		volatile struct cqe *e = &cq[cq_head];
		uint16_t cid, st;

		if ((e->status & 1) != cq_phase)
			break;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		cid = e->cid;
		st = e->status >> 1;
		if (++cq_head == QSIZE) {
			cq_head = 0;
			cq_phase ^= 1;
		}
		n++;
		if (kind[cid] == K_NONE) {
			unknown_compl++;
			fprintf(stderr, "lm-vfio-nvme: completion for unknown CID %u\n", cid);
			continue;
		}
		if (ncompl[cid] < 255)
			ncompl[cid]++;
		if (ncompl[cid] > 1) {
			/* A replay: counted, not outstanding any more. */
			fprintf(stderr, "lm-vfio-nvme: CID %u (seq %u) completed again\n",
				cid, seqof[cid]);
			continue;
		}
		outstanding--;
		cstatus[cid] = st;
		if (st) {
			err_compl++;
			fprintf(stderr, "lm-vfio-nvme: CID %u status 0x%x\n", cid, st);
		} else if (kind[cid] == K_READ && ncompl[cid] == 1) {
			check_read(cid);
		}
	}
	if (n)
		wr32(&devs[cur], cq_db(&devs[cur], 1), cq_head);
	return n;
}

/* Keep up to depth commands outstanding until all n are done. */
static int run_at_depth(unsigned opc, uint32_t first, unsigned n, unsigned depth)
{
	unsigned next = 0;
	uint64_t end = now_ms() + 20000;

	if (depth < 1 || depth > QSIZE - 1)
		die("depth %u out of range", depth);
	while (next < n || outstanding > 0) {
		unsigned put = 0;

		while (next < n && outstanding < (int)depth) {
			put_io(opc, first + next++);
			put++;
		}
		if (put)
			ring_sq();
		if (!reap()) {
			if (now_ms() > end)
				return -1;
			usleep(200);
		}
	}
	return 0;
}

static void do_write(unsigned n, unsigned depth)
{
	unsigned i, b, err0;

	if (outstanding)
		die("write with %d commands outstanding", outstanding);
	if (nwrites + n > MAX_WRITES)
		die("at most %u writes", MAX_WRITES);
	for (i = 0; i < n; i++)
		for (b = 0; b < NLB; b++)
			fill_block(mem + OFF_WDATA + (nwrites + i) * PAGE + b * 512,
				   lba_of(nwrites + i) + b, nwrites + i);
	err0 = err_compl;
	if (run_at_depth(0x01, nwrites, n, depth))
		die("write: %d of %u not completed in 20 s (CSTS 0x%x)", outstanding, n,
		    rd32(&devs[cur], REG_CSTS));
	printf("write: %u writes (%u blocks each) at queue depth %u: all completed, %u with an error status\n",
	       n, NLB, depth, err_compl - err0);
	nwrites += n;
}

static void do_queue(unsigned n)
{
	unsigned i, b;

	if (nwrites + n > MAX_WRITES)
		die("at most %u writes", MAX_WRITES);
	for (i = 0; i < n; i++) {
		for (b = 0; b < NLB; b++)
			fill_block(mem + OFF_WDATA + (nwrites + i) * PAGE + b * 512,
				   lba_of(nwrites + i) + b, nwrites + i);
		put_io(0x01, nwrites + i);
	}
	nwrites += n;
	ring_sq();
	printf("queue: %u writes placed in SQ 1, tail doorbell rung\n", n);
	fprintf(stderr, "lm-vfio-nvme: SQ 1 tail %u on %s\n", sq_tail, devs[cur].bdf);
}

static void do_poll(unsigned ms)
{
	uint64_t end = now_ms() + ms;
	unsigned n = 0;

	while (now_ms() < end) {
		n += reap();
		usleep(1000);
	}
	got_in_poll = n;
	printf("poll: %u completions in %u ms\n", n, ms);
}

static void do_use(int i)
{
	cur = i;
	wr32(&devs[cur], cq_db(&devs[cur], 1), cq_head);
	wr32(&devs[cur], sq_db(&devs[cur], 1), sq_tail);
	printf("use: doorbells of device %d rung with the driver's SQ 1 tail and CQ 1 head\n", i);
	fprintf(stderr, "lm-vfio-nvme: on %s: SQ 1 tail %u, CQ 1 head %u phase %u\n",
		devs[cur].bdf, sq_tail, cq_head, cq_phase);
}

static void do_drain(unsigned ms)
{
	uint64_t end = now_ms() + ms;
	unsigned n = 0, k;

	while (outstanding > 0 && now_ms() < end) {
		if (!(k = reap()))
			usleep(500);
		n += k;
	}
	/* Anything extra that follows (replays) shows in report. */
	usleep(200000);
	n += reap();
	printf("drain: %u completions, %d outstanding\n", n, outstanding > 0 ? outstanding : 0);
}

static void do_verify(unsigned depth)
{
	unsigned bad0 = nread_bad, ok0 = nread_ok, err0;

	if (outstanding)
		die("verify with %d commands outstanding", outstanding);
	err0 = err_compl;
	if (run_at_depth(0x02, 0, nwrites, depth))
		die("verify: reads not completed in 20 s");
	printf("verify: %u writes read back at queue depth %u: %u correct, %u wrong, %u reads failed\n",
	       nwrites, depth, nread_ok - ok0, nread_bad - bad0, err_compl - err0);
}

/* Over the commands issued since the previous report. */
static void do_report(void)
{
	static unsigned from = 1, unknown0, err0;
	unsigned cid, once = 0, never = 0, again = 0;

	for (cid = from; cid < next_cid; cid++) {
		if (ncompl[cid] == 0)
			never++;
		else if (ncompl[cid] == 1)
			once++;
		else
			again++;
		if (ncompl[cid] != 1 && never + again <= 8)
			printf("  CID %u (%s seq %u): completed %u times\n", cid,
			       kind[cid] == K_WRITE ? "write" : "read", seqof[cid], ncompl[cid]);
	}
	printf("report: %u commands: %u completed once, %u never, %u more than once; %u completions for unknown CIDs; %u with an error status\n",
	       next_cid - from, once, never, again, unknown_compl - unknown0, err_compl - err0);
	from = next_cid;
	unknown0 = unknown_compl;
	err0 = err_compl;
}

int main(void)
{
	char line[256], a[64], b[64];
	unsigned x, y;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "setup %63s %63s", a, b) == 2)
			setup(a, b);
		else if (!ndevs && strncmp(line, "quit", 4))
			die("setup first");
		else if (sscanf(line, "start %u", &x) == 1 && x < 2) {
			start((int)x);
			printf("start: device %u enabled (CC.EN 1, its own admin queue)\n", x);
		} else if (!strncmp(line, "enable", 6))
			enable();
		else if (sscanf(line, "write %u %u", &x, &y) == 2)
			do_write(x, y);
		else if (sscanf(line, "queue %u", &x) == 1)
			do_queue(x);
		else if (sscanf(line, "poll %u", &x) == 1)
			do_poll(x);
		else if (sscanf(line, "use %u", &x) == 1 && x < 2)
			do_use((int)x);
		else if (sscanf(line, "drain %u", &x) == 1)
			do_drain(x);
		else if (sscanf(line, "verify %u", &x) == 1)
			do_verify(x);
		else if (!strncmp(line, "report", 6))
			do_report();
		else if (sscanf(line, "disable %u", &x) == 1 && x < 2) {
			disable((int)x);
			printf("disable: device %u reset (CC.EN 0)\n", x);
		} else if (!strncmp(line, "quit", 4)) {
			printf("@@\n");
			return 0;
		} else
			die("unknown command: %s", line);
		printf("@@\n");
	}
	return 0;
}
