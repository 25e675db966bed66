/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PF's controller device and how a command reaches it: the admin
 * passthrough ioctl, or, for --dry-run, a printed description and nothing
 * sent.
 */
#ifndef LM_DEV_H
#define LM_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lm-cmd.h"

struct lm_dev {
	int fd;
	char name[64];		/* nvme0 */
	char path[128];		/* /dev/nvme0 */
	bool dry_run;
	bool verbose;
	uint32_t timeout_ms;
};

/*
 * Open the PF's controller character device. With dry_run, a device that
 * cannot be opened is no error: fd stays -1 and nothing can be read.
 */
int lm_dev_open(struct lm_dev *d, const char *path, char *err, size_t errlen);
void lm_dev_close(struct lm_dev *d);

/*
 * Send one admin command. Returns 0, an NVMe status (> 0), or -errno.
 * result gets completion DW0.
 */
int lm_dev_submit(struct lm_dev *d, struct lm_cmd *c, uint32_t *result);

/* "migration-send opcode=0x41 cdw10=... len=N to-device" */
void lm_cmd_describe(const struct lm_cmd *c, char *buf, size_t len);

/*
 * One line for a failed submit: the command, and the status by name or the
 * system error.
 */
void lm_dev_error(char *buf, size_t len, const struct lm_cmd *c, int ret);

#endif /* LM_DEV_H */
