// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkstate: craft controller state files for tests.
 *
 *   mkstate [-r] [-P PROFILE] [-a CSATTR] [-n NVMEVER] [-V VENDORBYTES]
 *           [-s QID:CQID:QSIZE:HEAD:TAIL:ATTR:PRP1]... 
 *           [-c QID:QSIZE:HEAD:TAIL:ATTR:PRP1]... OUT
 *
 * -r writes the bare controller state instead of a container. The container
 * identity is fixed so that decoded output is reproducible.
 */
#include <getopt.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state-build.h"
#include "lm-profile.h"
#include "lm-state-file.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: mkstate [-r] [-P tp4159|intel-2022] [-a CSATTR] [-n NVMEVER] [-V VENDORBYTES]\n"
		"               [-s QID:CQID:QSIZE:HEAD:TAIL:ATTR:PRP1]... [-c QID:QSIZE:HEAD:TAIL:ATTR:PRP1]... OUT\n");
	exit(2);
}

static void parse_fields(const char *arg, uint64_t *v, int n)
{
	char *copy = strdup(arg), *tok, *save = NULL, *end;
	int i = 0;

	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (i == n)
			usage();
		v[i++] = strtoull(tok, &end, 0);
		if (*end)
			usage();
	}
	if (i != n)
		usage();
	free(copy);
}

int main(int argc, char **argv)
{
	struct sb_state s = { 0 };
	struct lm_sf_ident id = {
		.vid = 0x1b36, .cntlid = 2, .vfn = 1,
		.profile = LM_PROFILE_TP4159, .mn = "lmsim TP4159 SSD",
		.fr = "1.0", .sn = "LMSIM-PF0", .created = 1764000000,
	};
	bool raw = false;
	uint64_t v[7];
	char msg[256];
	uint8_t *blob;
	size_t len;
	int c, p;

	while ((c = getopt(argc, argv, "rP:a:n:V:s:c:")) != -1) {
		switch (c) {
		case 'r':
			raw = true;
			break;
		case 'P':
			p = lm_profile_parse(optarg);
			if (p <= 0)
				usage();
			id.profile = p;
			break;
		case 'a':
			s.csattr = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			s.nvme_ver = strtoul(optarg, NULL, 0);
			break;
		case 'V':
			s.vendor_len = strtoul(optarg, NULL, 0);
			s.vendor_fill = 0xa5;
			break;
		case 's':
			if (s.nsq == 16)
				usage();
			parse_fields(optarg, v, 7);
			s.sq[s.nsq++] = (struct sb_sq){ .qid = v[0], .cqid = v[1],
				.qsize = v[2], .head = v[3], .tail = v[4],
				.attr = v[5], .prp1 = v[6] };
			break;
		case 'c':
			if (s.ncq == 16)
				usage();
			parse_fields(optarg, v, 6);
			s.cq[s.ncq++] = (struct sb_cq){ .qid = v[0],
				.qsize = v[1], .head = v[2], .tail = v[3],
				.attr = v[4], .prp1 = v[5] };
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || s.vendor_len % 4)
		usage();
	blob = sb_build(&s, &len);
	id.csver = s.ver;
	if (raw) {
		FILE *f = strcmp(argv[optind], "-") ? fopen(argv[optind], "w") : stdout;

		if (!f || fwrite(blob, 1, len, f) != len || fclose(f)) {
			perror(argv[optind]);
			return 1;
		}
	} else if (lm_sf_write_path(argv[optind], &id, blob, len, true, msg, sizeof(msg))) {
		fprintf(stderr, "mkstate: %s\n", msg);
		return 1;
	}
	free(blob);
	return 0;
}
