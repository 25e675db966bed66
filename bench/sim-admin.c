// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim-admin: what the simulator's admin path costs.
 *
 *   sim-admin DEV ROUNDS MIB
 *
 * Run under the preload library against a running lmsimd whose PF 0 has
 * vendor-state=MIB, and it measures, in one run, each beside the same work
 * done by a direct in-process call into the device model:
 *  - an Identify Controller round trip (median and p99 of ROUNDS);
 *  - the header-only Get Controller State (CSVI 0) a migration engine
 *    sends to ask whether a VF is suspended (median and p99 of ROUNDS);
 *  - Get Controller State of the whole state of VF 1, in MDTS chunks: the
 *    first pass (the device makes the vendor part then), and the median
 *    of PASSES more;
 *  - Set Controller State of that state back into VF 1, median of PASSES.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <linux/nvme_ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../tests/sim/sim.h"
#include "../tests/sim/sim-buf.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(int)(p * (n - 1))];
}

#define PASSES	5

static int ioctl_cmd(int fd, uint8_t opc, uint32_t cdw10, uint32_t cdw11,
		     uint32_t cdw12, uint32_t cdw15, void *buf, uint32_t len)
{
	struct nvme_passthru_cmd c = { .opcode = opc, .cdw10 = cdw10,
		.cdw11 = cdw11, .cdw12 = cdw12, .cdw15 = cdw15,
		.addr = (uintptr_t)buf, .data_len = len };

	return ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);
}

static int direct_cmd(struct sim *s, uint8_t opc, uint32_t cdw10,
		      uint32_t cdw11, uint32_t cdw12, uint32_t cdw15,
		      void *buf, uint32_t len)
{
	struct sim_cmd c = { .ctrl = &s->pf[0].ctrl[0], .pid = getpid(),
		.opcode = opc, .cdw10 = cdw10, .cdw11 = cdw11, .cdw12 = cdw12,
		.cdw15 = cdw15, .data = buf, .data_len = len };

	return sim_admin(&c);
}

/* One command through the preload library (s NULL) or straight into s. */
static int cmd(int fd, struct sim *s, uint8_t opc, uint32_t cdw10, uint32_t cdw11,
	       uint32_t cdw12, uint32_t cdw15, void *buf, uint32_t len)
{
	return s ? direct_cmd(s, opc, cdw10, cdw11, cdw12, cdw15, buf, len) :
		   ioctl_cmd(fd, opc, cdw10, cdw11, cdw12, cdw15, buf, len);
}

/* One command ROUNDS times each way: median and p99 round trip. */
static void round_trips(int fd, struct sim *s, const char *what, uint8_t opc,
			uint32_t cdw10, uint32_t cdw11, uint32_t cdw15, void *buf,
			uint32_t len, double *ioc, double *dir_us, int rounds, int *ret)
{
	double t0;
	int i;

	for (i = 0; i < rounds; i++) {
		t0 = now_us();
		*ret |= ioctl_cmd(fd, opc, cdw10, cdw11, 0, cdw15, buf, len);
		ioc[i] = now_us() - t0;
		t0 = now_us();
		*ret |= direct_cmd(s, opc, cdw10, cdw11, 0, cdw15, buf, len);
		dir_us[i] = now_us() - t0;
	}
	printf("%s (us): preload median %.1f p99 %.1f | direct median %.2f p99 %.2f | ratio median %.0fx\n",
	       what, pct(ioc, rounds, 0.5), pct(ioc, rounds, 0.99),
	       pct(dir_us, rounds, 0.5), pct(dir_us, rounds, 0.99),
	       pct(ioc, rounds, 0.5) / pct(dir_us, rounds, 0.5));
}

/*
 * VF 1's (CNTLID 0x11) whole state, total bytes, moved in chunks between
 * the device and state: Get Controller State with CSVI 1 (CDW10 23:16), the
 * first version CNS 20h lists, or Set Controller State (select 2) with its
 * sequence (CDW10 17:16: 1 first, 0 middle, 2 last, 3 entire). Returns the
 * microseconds it took; *ret collects failures.
 */
static double move_state(int fd, struct sim *s, bool set, uint8_t *state,
			 uint64_t total, uint32_t chunk, int *ret)
{
	double t0 = now_us();
	uint64_t off;
	uint32_t len, seq;

	for (off = 0; off < total; off += len) {
		len = total - off < chunk ? total - off : chunk;
		if (!set) {
			*ret |= cmd(fd, s, SIM_OPC_MIGRATION_RECV, 1 << 16, 0x11, off,
				    len / 4 - 1, state + off, len);
			continue;
		}
		seq = (off ? 0 : 1) | (off + len == total ? 2 : 0);
		*ret |= cmd(fd, s, SIM_OPC_MIGRATION_SEND, 2 | seq << 16, 0x11 | 1 << 16,
			    off, len / 4, state + off, len);
	}
	return now_us() - t0;
}

static void print_rate(const char *what, uint64_t total, double ioc_us, double dir_us)
{
	printf("%s: preload %.0f MiB/s | direct %.0f MiB/s | ratio %.1fx slower\n",
	       what, total / ioc_us / 1.048576, total / dir_us / 1.048576,
	       ioc_us / dir_us);
}

/* Median rate of PASSES moves each way, through the preload and direct. */
static void state_passes(int fd, struct sim *s, bool set, uint8_t *state,
			 uint64_t total, uint32_t chunk, int mib, int *ret)
{
	double ioc[PASSES], dir_us[PASSES];
	char what[128];
	int i;

	for (i = 0; i < PASSES; i++) {
		ioc[i] = move_state(fd, NULL, set, state, total, chunk, ret);
		dir_us[i] = move_state(fd, s, set, state, total, chunk, ret);
	}
	snprintf(what, sizeof(what), "%s controller state, %d MiB vendor part in 1 MiB chunks, median of %d",
		 set ? "set" : "get", mib, PASSES);
	print_rate(what, total, pct(ioc, PASSES, 0.5), pct(dir_us, PASSES, 0.5));
}

int main(int argc, char **argv)
{
	static struct sim s;
	char err[256], spec[128], dir[] = "/tmp/sim-bench-XXXXXX";
	int rounds, mib, fd, ret = 0;
	double *ioc, *dir_us, t_ioc, t_dir;
	uint8_t *buf, *state;
	char what[128];
	uint64_t total;
	uint32_t chunk;

	if (argc != 4) {
		fprintf(stderr, "usage: sim-admin DEV ROUNDS MIB\n");
		return 2;
	}
	rounds = atoi(argv[2]);
	mib = atoi(argv[3]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	/* The in-process twin: the same device model, no socket, no preload. */
	snprintf(spec, sizeof(spec), "vfs=1 mdts=8 vendor-state=%dM", mib);
	if (!mkdtemp(dir) || sim_config_pf(&s, spec, err, sizeof(err))) {
		fprintf(stderr, "sim-admin: %s\n", err);
		return 1;
	}
	snprintf(s.dir, sizeof(s.dir), "%s", dir);
	if (sim_setup(&s, err, sizeof(err))) {
		fprintf(stderr, "sim-admin: %s\n", err);
		return 1;
	}
	chunk = 4096u << 8;
	buf = malloc(chunk);
	ioc = calloc(rounds, sizeof(double));
	dir_us = calloc(rounds, sizeof(double));

	round_trips(fd, &s, "identify round trip", SIM_OPC_IDENTIFY, SIM_CNS_CTRL, 0, 0,
		    buf, 4096, ioc, dir_us, rounds, &ret);
	/* Suspend VF 1 (CNTLID 0x11) on both; then its header alone, CSVI 0. */
	ret |= ioctl_cmd(fd, SIM_OPC_MIGRATION_SEND, 0, 0x10011, 0, 0, NULL, 0);
	ret |= direct_cmd(&s, SIM_OPC_MIGRATION_SEND, 0, 0x10011, 0, 0, NULL, 0);
	round_trips(fd, &s, "header-only get controller state", SIM_OPC_MIGRATION_RECV,
		    0, 0x11, 48 / 4 - 1, buf, 48, ioc, dir_us, rounds, &ret);

	total = 48 + 8 + 24 * 4 + ((uint64_t)mib << 20);
	state = malloc(total);
	if (!state) {
		fprintf(stderr, "sim-admin: no memory for a %d MiB state\n", mib);
		return 1;
	}
	sim_buf_touch(state, total);	/* our own pages faulted in, not timed */
	t_ioc = move_state(fd, NULL, false, state, total, chunk, &ret);
	t_dir = move_state(fd, &s, false, state, total, chunk, &ret);
	snprintf(what, sizeof(what), "get controller state, %d MiB vendor part in 1 MiB chunks, first", mib);
	print_rate(what, total, t_ioc, t_dir);
	state_passes(fd, &s, false, state, total, chunk, mib, &ret);
	state_passes(fd, &s, true, state, total, chunk, mib, &ret);
	if (ret)
		fprintf(stderr, "sim-admin: a command failed (status or errno)\n");
	return ret ? 1 : 0;
}
