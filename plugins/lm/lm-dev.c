// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lm-dev.h"
#include "lm-status.h"

int lm_dev_open(struct lm_dev *d, const char *path, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	struct stat st;

	d->fd = -1;
	snprintf(d->name, sizeof(d->name), "%s", base ? base + 1 : path);
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	/*
	 * A dry run reads (Identify) where it can, to name the VF as a real
	 * run would; without the device it works from what the options say.
	 */
	if (d->fd < 0 && d->dry_run)
		return 0;
	if (d->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(d->fd, &st) || !S_ISCHR(st.st_mode)) {
		snprintf(err, errlen,
			 "%s is not an NVMe controller character device: give the PF's /dev/nvmeX, not a namespace",
			 path);
		close(d->fd);
		d->fd = -1;
		return -ENODEV;
	}
	return 0;
}

void lm_dev_close(struct lm_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static const char *dir_name(enum lm_dir dir)
{
	switch (dir) {
	case LM_DIR_TO_DEV:	return "to-device";
	case LM_DIR_FROM_DEV:	return "from-device";
	default:		return "none";
	}
}

void lm_cmd_describe(const struct lm_cmd *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%s opcode=0x%02x cdw10=0x%08x cdw11=0x%08x cdw12=0x%08x cdw13=0x%08x cdw14=0x%08x cdw15=0x%08x len=%u %s",
		 lm_opcode_name(c->opcode), c->opcode, c->cdw10, c->cdw11,
		 c->cdw12, c->cdw13, c->cdw14, c->cdw15, c->data_len,
		 dir_name(c->dir));
}

int lm_dev_submit(struct lm_dev *d, struct lm_cmd *c, uint32_t *result)
{
	struct nvme_passthru_cmd pt = {
		.opcode = c->opcode, .nsid = c->nsid,
		.cdw10 = c->cdw10, .cdw11 = c->cdw11, .cdw12 = c->cdw12,
		.cdw13 = c->cdw13, .cdw14 = c->cdw14, .cdw15 = c->cdw15,
		.addr = (uintptr_t)c->data, .data_len = c->data_len,
		.timeout_ms = d->timeout_ms,
	};
	char desc[256];
	int ret;

	if (d->dry_run || d->verbose)
		lm_cmd_describe(c, desc, sizeof(desc));
	/* A dry run sends Identify, which changes nothing, and only that. */
	if (d->dry_run && c->opcode == LM_OPC_IDENTIFY && d->fd < 0)
		return -ENODEV;
	if (d->dry_run && c->opcode != LM_OPC_IDENTIFY) {
		printf("dry-run: %s\n", desc);
		if (result)
			*result = 0;
		return 0;
	}
	if (d->verbose)
		fprintf(stderr, "send: %s\n", desc);
	ret = ioctl(d->fd, NVME_IOCTL_ADMIN_CMD, &pt);
	if (ret < 0)
		ret = -errno;
	if (d->verbose)
		fprintf(stderr, "      status 0x%x result 0x%x\n",
			ret > 0 ? ret : 0, pt.result);
	if (result)
		*result = pt.result;
	return ret;
}

void lm_dev_error(char *buf, size_t len, const struct lm_cmd *c, int ret)
{
	if (ret < 0)
		snprintf(buf, len, "%s failed: %s", lm_opcode_name(c->opcode),
			 strerror(-ret));
	else
		lm_status_describe(buf, len, c->opcode, ret);
}
