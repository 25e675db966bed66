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
 *  - Get Controller State of the whole state of VF 1, in MDTS chunks.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../tests/sim/sim.h"

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

int main(int argc, char **argv)
{
	static struct sim s;
	char err[256], spec[128], dir[] = "/tmp/sim-bench-XXXXXX";
	int rounds, mib, fd, i, ret = 0;
	double *ioc, *dir_us, t0, t_ioc, t_dir;
	uint64_t total, off;
	uint32_t chunk, len;
	uint8_t *buf;

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

	for (i = 0; i < rounds; i++) {
		t0 = now_us();
		ret |= ioctl_cmd(fd, SIM_OPC_IDENTIFY, SIM_CNS_CTRL, 0, 0, 0, buf, 4096);
		ioc[i] = now_us() - t0;
		t0 = now_us();
		ret |= direct_cmd(&s, SIM_OPC_IDENTIFY, SIM_CNS_CTRL, 0, 0, 0, buf, 4096);
		dir_us[i] = now_us() - t0;
	}
	printf("identify round trip (us): preload median %.1f p99 %.1f | direct median %.2f p99 %.2f | ratio median %.0fx\n",
	       pct(ioc, rounds, 0.5), pct(ioc, rounds, 0.99),
	       pct(dir_us, rounds, 0.5), pct(dir_us, rounds, 0.99),
	       pct(ioc, rounds, 0.5) / pct(dir_us, rounds, 0.5));

	/*
	 * Suspend VF 1 (CNTLID 0x11) on both, then fetch its whole state: CSVI 1
	 * (CDW10 23:16), the first version CNS 20h lists; 0 would be the header.
	 */
	ret |= ioctl_cmd(fd, SIM_OPC_MIGRATION_SEND, 0, 0x10011, 0, 0, NULL, 0);
	ret |= direct_cmd(&s, SIM_OPC_MIGRATION_SEND, 0, 0x10011, 0, 0, NULL, 0);
	total = 48 + 8 + 24 * 4 + ((uint64_t)mib << 20);
	t0 = now_us();
	for (off = 0; off < total; off += len) {
		len = total - off < chunk ? total - off : chunk;
		ret |= ioctl_cmd(fd, SIM_OPC_MIGRATION_RECV, 1 << 16, 0x11, off, len / 4 - 1, buf, len);
	}
	t_ioc = now_us() - t0;
	t0 = now_us();
	for (off = 0; off < total; off += len) {
		len = total - off < chunk ? total - off : chunk;
		ret |= direct_cmd(&s, SIM_OPC_MIGRATION_RECV, 1 << 16, 0x11, off, len / 4 - 1, buf, len);
	}
	t_dir = now_us() - t0;
	printf("get controller state, %d MiB vendor part in 1 MiB chunks: preload %.0f MiB/s | direct %.0f MiB/s | ratio %.1fx slower\n",
	       mib, total / t_ioc / 1.048576, total / t_dir / 1.048576,
	       t_ioc / t_dir);
	if (ret)
		fprintf(stderr, "sim-admin: a command failed (status or errno)\n");
	return ret ? 1 : 0;
}
