// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lmsimd: the simulated host's NVMe device, one process per simulated host.
 *
 *   lmsimd --dir DIR [--config FILE] [--pf SPEC]...
 *   lmsimd ctl SOCKET WORDS...        (the client lmsimctl uses)
 *
 * It listens on DIR/lmsim.sock, logs every admin command to
 * DIR/commands.log, keeps namespaces in DIR/pfP-nsN.img (or, with
 * --image-dir, in that private directory, linked from there and removed at
 * exit) and a fake sysfs in DIR/sys. SIGTERM, "ctl stop", or the end of the
 * --owner process ends it cleanly.
 *
 * Here: the command line and the control client. The server loop is in
 * sim-server.c, the control commands in sim-ctl.c, faults in sim-fault.c,
 * the device model in the other sim-*.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "lmsim-io.h"
#include "lmsim-proto.h"
#include "sim.h"

/* Send one control line and print the answer: on stderr when an error. */
static int ctl_main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct lmsim_hdr h = { .magic = LMSIM_MAGIC, .type = LMSIM_CTL };
	char line[512] = "", *reply;
	bool error;
	int i, s;

	if (argc < 4) {
		fprintf(stderr, "usage: lmsimd ctl SOCKET WORDS...\n");
		return 2;
	}
	for (i = 3; i < argc; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
			 i > 3 ? " " : "", argv[i]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[2]);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "lmsimctl: no simulator at %s: %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	h.len = strlen(line);
	if (lmsim_full_io(s, &h, sizeof(h), true) || lmsim_full_io(s, line, h.len, true) ||
	    lmsim_full_io(s, &h, sizeof(h), false) || h.len > 1 << 20) {
		fprintf(stderr, "lmsimctl: the simulator did not answer\n");
		return 1;
	}
	reply = calloc(1, h.len + 1);
	if (!reply || lmsim_full_io(s, reply, h.len, false))
		return 1;
	error = !strncmp(reply, "error", 5);
	fputs(reply, error ? stderr : stdout);
	free(reply);
	close(s);
	return error;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lmsimd --dir DIR [--config FILE] [--pf 'KEY=VALUE ...']... [--owner PID]\n"
		"              [--image-dir DIR [--image-dir-fallback]]\n"
		"       lmsimd ctl SOCKET WORDS...\n"
		"WORDS, a control command:\n");
	sim_ctl_usage(stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sim *sim;
	char err[512] = "", path[PATH_MAX], sock[SIM_PATH];
	const char *dir = NULL, *image_dir = NULL;
	bool image_fallback = false;
	pid_t owner = 0;
	int i, ret;

	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_main(argc, argv);
	sim = calloc(1, sizeof(*sim));
	if (!sim) {
		fprintf(stderr, "lmsimd: out of memory\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			if (sim_config_file(sim, argv[++i], err, sizeof(err)))
				goto fail;
		} else if (!strcmp(argv[i], "--image-dir") && i + 1 < argc) {
			image_dir = argv[++i];
		} else if (!strcmp(argv[i], "--image-dir-fallback")) {
			image_fallback = true;
		} else if (!strcmp(argv[i], "--owner") && i + 1 < argc) {
			owner = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--pf") && i + 1 < argc) {
			if (sim_config_pf(sim, argv[++i], err, sizeof(err)))
				goto fail;
		} else {
			usage();
		}
	}
	if (!dir)
		usage();
	if (!sim->npf && sim_config_pf(sim, "", err, sizeof(err)))
		goto fail;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(err, sizeof(err), "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (!realpath(dir, path) || strlen(path) >= sizeof(sim->dir)) {
		snprintf(err, sizeof(err), "%s: cannot resolve, or longer than %zu bytes",
			 dir, sizeof(sim->dir) - 1);
		goto fail;
	}
	strcpy(sim->dir, path);
	/* With no room there, the images may stay in DIR (--image-dir-fallback). */
	if (image_dir && (!realpath(image_dir, path) ||
			  sim_images_place(sim, path, image_fallback, err, sizeof(err)))) {
		if (!*err)
			snprintf(err, sizeof(err), "%s: %s", image_dir, strerror(errno));
		goto fail;
	}
	if (sim_setup(sim, err, sizeof(err)) ||
	    sim_sysfs_create(sim, err, sizeof(err))) {
		sim_images_remove(sim);
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/commands.log", sim->dir);
	sim->log = fopen(path, "a");
	snprintf(sock, sizeof(sock), "%s/lmsim.sock", sim->dir);
	ret = sim_serve(sim, sock, owner);
	sim_images_remove(sim);
	return ret;
fail:
	fprintf(stderr, "lmsimd: %s\n", err);
	return 1;
}
