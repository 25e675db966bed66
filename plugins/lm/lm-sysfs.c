// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lm-sysfs.h"

const char *lm_sysfs_root(void)
{
	const char *r = getenv("LM_SYSFS_ROOT");

	return r && *r ? r : "/sys";
}

/* The last component of where a symlink points. */
static int link_base(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(out, len, "%s", base ? base + 1 : target);
	return 0;
}

int lm_sysfs_ctrl_addr(const char *ctrl, char *addr, size_t len)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/class/nvme/%s/device", lm_sysfs_root(), ctrl);
	return link_base(p, addr, len);
}

int lm_sysfs_vf_addr(const char *pf_addr, unsigned int vfn, char *addr,
		     size_t len)
{
	char p[PATH_MAX];

	if (!vfn)
		return -EINVAL;
	/* virtfn0 is VF 1. */
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/virtfn%u",
		 lm_sysfs_root(), pf_addr, vfn - 1);
	return link_base(p, addr, len);
}

int lm_sysfs_driver(const char *addr, char *drv, size_t len)
{
	char p[PATH_MAX], real[PATH_MAX], drivers[PATH_MAX];
	const char *name;
	struct stat st;
	size_t n;

	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s", lm_sysfs_root(), addr);
	if (access(p, F_OK))
		return -errno;
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/driver", lm_sysfs_root(),
		 addr);
	if (lstat(p, &st)) {
		if (errno != ENOENT)
			return -errno;
		*drv = '\0';
		return 0;
	}
	/* A link that leads nowhere names no driver, whatever it says. */
	if (!realpath(p, real))
		return errno == ENOENT ? -ENOLINK : -errno;
	snprintf(p, sizeof(p), "%s/bus/pci/drivers", lm_sysfs_root());
	if (!realpath(p, drivers))
		return -errno;
	n = strlen(drivers);
	name = real + n + 1;
	if (strncmp(real, drivers, n) || real[n] != '/' || !*name ||
	    strchr(name, '/') || stat(real, &st) || !S_ISDIR(st.st_mode))
		return -EXDEV;
	if ((size_t)snprintf(drv, len, "%s", name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int lm_sysfs_iommu_type(const char *addr, char *type, size_t len)
{
	char p[PATH_MAX];
	FILE *f;
	int ret = 0;

	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/iommu_group/type",
		 lm_sysfs_root(), addr);
	f = fopen(p, "r");
	if (!f)
		return -errno;
	if (!fgets(type, len, f))
		ret = -EIO;
	else
		type[strcspn(type, "\n")] = '\0';
	fclose(f);
	return ret;
}
