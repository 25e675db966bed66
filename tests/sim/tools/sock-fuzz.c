// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sock-fuzz: throw malformed traffic at lmsimd's socket.
 *
 *   sock-fuzz SOCKET ROUNDS SEED
 *
 * Each round connects and sends one of: random bytes; a valid header with
 * an absurd length; an ADMIN whose data does not match its header; an
 * ADMIN with huge data_len; a truncated message followed by silence; an
 * ADMIN on a connection bound to nothing; an OPEN of a garbage path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lmsim-proto.h"
#include "../sim.h"

static int conn(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("connect");
		exit(1);
	}
	return s;
}

int main(int argc, char **argv)
{
	unsigned int seed, round, rounds, i;
	uint8_t buf[4096];
	struct lmsim_hdr h;
	struct lmsim_admin_req req;
	int s;

	if (argc != 4) {
		fprintf(stderr, "usage: sock-fuzz SOCKET ROUNDS SEED\n");
		return 2;
	}
	rounds = atoi(argv[2]);
	seed = atoi(argv[3]);
	for (round = 0; round < rounds; round++) {
		s = conn(argv[1]);
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = rand_r(&seed);
		memset(&req, 0, sizeof(req));
		h = (struct lmsim_hdr){ .magic = LMSIM_MAGIC };
		switch (round % 7) {
		case 0:
			(void)!write(s, buf, 1 + rand_r(&seed) % sizeof(buf));
			break;
		case 1:
			h.type = 1 + rand_r(&seed) % 4;
			h.len = 0xffffffffu - rand_r(&seed) % 16;
			(void)!write(s, &h, sizeof(h));
			break;
		case 2:
			h.type = LMSIM_ADMIN;
			req.opcode = SIM_OPC_MIGRATION_SEND;	/* to the device: data expected */
			req.data_len = 4096;
			h.len = sizeof(req) + 17;
			(void)!write(s, &h, sizeof(h));
			(void)!write(s, &req, sizeof(req));
			(void)!write(s, buf, 17);
			break;
		case 3:
			h.type = LMSIM_ADMIN;
			req.opcode = SIM_OPC_MIGRATION_RECV;
			req.data_len = 0xfffffff0u;
			h.len = sizeof(req);
			(void)!write(s, &h, sizeof(h));
			(void)!write(s, &req, sizeof(req));
			break;
		case 4:
			h.type = LMSIM_OPEN;
			h.len = 100;
			(void)!write(s, &h, sizeof(h));
			(void)!write(s, "/dev/nv", 7);
			sleep(3);	/* longer than the daemon waits */
			break;
		case 5:
			h.type = LMSIM_ADMIN;
			req.opcode = buf[0];
			h.len = sizeof(req);
			(void)!write(s, &h, sizeof(h));
			(void)!write(s, &req, sizeof(req));
			(void)!read(s, buf, sizeof(buf));
			break;
		default:
			h.type = LMSIM_OPEN;
			buf[200] = 0;
			h.len = 201;
			(void)!write(s, &h, sizeof(h));
			(void)!write(s, buf, 201);
			(void)!read(s, buf, sizeof(buf));
			break;
		}
		close(s);
	}
	return 0;
}
