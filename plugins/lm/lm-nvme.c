// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nvme lm: live migration of SR-IOV virtual functions, driven from the PF.
 * The handlers parse options and print; encoding, file formats and decoding
 * live in the lm-*.c files beside this one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvme.h"
#include "plugin.h"

#include "lm-cleanup.h"
#include "lm-file.h"
#include "lm-print.h"
#include "lm-state-file.h"

#define CREATE_CMD
#include "lm-nvme.h"

#define LM_ERR_LEN 512

static const char *output_format_help = "Output format: normal|json";

/* A bare controller state has no header to size it: cap what we accept. */
static int read_raw(int fd, void **buf, size_t *len, char *err, size_t errlen)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *p = NULL, *np;
	ssize_t r;

	for (;;) {
		if (n == cap || !p) {
			if (p)
				cap *= 2;
			if (cap > LM_SF_MAX_PAYLOAD + 1) {
				snprintf(err, errlen,
					 "bare controller state larger than %llu bytes",
					 LM_SF_MAX_PAYLOAD);
				free(p);
				return -EFBIG;
			}
			np = realloc(p, cap);
			if (!np) {
				free(p);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			p = np;
		}
		r = lm_read_full(fd, p + n, cap - n);
		if (r < 0) {
			snprintf(err, errlen, "read failed: %s", strerror(errno));
			free(p);
			return -errno;
		}
		n += r;
		if (n < cap)
			break;
	}
	*buf = p;
	*len = n;
	return 0;
}

static int lm_state_show(int argc, char **argv, struct command *cmd,
			 struct plugin *plugin)
{
	const char *desc =
		"Decode a state file written by 'nvme lm save' without a device: "
		"the container (source identity, sizes, checksums), the TP4159 "
		"controller state header, and every I/O submission and completion "
		"queue of the NVMe controller state. The file is checked in full "
		"first; a damaged file is named and rejected. FILE '-' reads stdin.";
	const char *raw = "FILE is a bare controller state (upstream nvme-cli "
			  "migration-recv output), not a container";
	_lm_close_ int fd = -1;
	_lm_free_ void *payload = NULL;
	char err[LM_ERR_LEN] = "";
	struct lm_sf_hdr h;
	enum lm_sf_err sferr;
	const char *path;
	size_t len;
	int fmt, ret;

	struct config {
		char *output_format;
		bool raw;
	} cfg = {
		.output_format = "normal",
		.raw = false,
	};

	OPT_ARGS(opts) = {
		OPT_FMT("output-format", 'o', &cfg.output_format, output_format_help),
		OPT_FLAG("raw", 'r', &cfg.raw, raw),
		OPT_END()
	};

	ret = argconfig_parse(argc, argv, desc, opts);
	if (ret)
		return ret;
	fmt = lm_fmt_parse(cfg.output_format);
	if (fmt < 0) {
		fprintf(stderr, "state-show: unknown output format '%s': use normal or json\n",
			cfg.output_format);
		return -EINVAL;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "state-show: expected one state file (or '-' for stdin); see 'nvme lm state-show --help'\n");
		return -EINVAL;
	}
	path = argv[optind];
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0) {
		fprintf(stderr, "state-show: cannot open %s: %s\n", path,
			strerror(errno));
		return -errno;
	}

	if (cfg.raw) {
		ret = read_raw(fd, &payload, &len, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "state-show: %s: %s\n", path, err);
			return ret;
		}
	} else {
		sferr = lm_sf_read_fd(fd, &h, &payload, err, sizeof(err));
		if (sferr) {
			fprintf(stderr, "state-show: %s: %s\n", path, err);
			return -EINVAL;
		}
		len = h.payload_len;
	}

	ret = lm_print_state(stdout, fmt, path, cfg.raw ? NULL : &h, payload,
			     len, err, sizeof(err));
	if (ret && cfg.raw && len >= LM_SF_MAGIC_LEN &&
	    !memcmp(payload, LM_SF_MAGIC, LM_SF_MAGIC_LEN)) {
		fprintf(stderr, "state-show: %s is an nvme-lm state file, not a bare state: drop --raw\n",
			path);
		return ret;
	}
	if (ret) {
		fprintf(stderr, "state-show: %s: %s\n", path, err);
		return ret;
	}
	return 0;
}
