// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A fake sysfs for LM_SYSFS_ROOT: PF and VF PCI functions with virtfnN,
 * physfn and driver links, sriov_numvfs, the PF's IOMMU group type, and
 * /sys/class/nvme/nvmeX/device for controllers bound to nvme, and
 * /sys/block/nvmeXnY/nsid for the PFs' namespaces.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

static char root[SIM_PATH];

static int mkpath(const char *fmt, ...)
{
	char p[SIM_PATH * 2], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int put(const char *val, const char *fmt, ...)
{
	char p[SIM_PATH * 2];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	f = fopen(p, "w");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", val);
	return fclose(f) ? -errno : 0;
}

static int link_to(const char *target, const char *fmt, ...)
{
	char p[SIM_PATH * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	unlink(p);
	return symlink(target, p) ? -errno : 0;
}

static void pci_addr(const struct sim_ctrl *c, char *buf, size_t len)
{
	snprintf(buf, len, "0000:%02x:%02x.%x", c->pf->idx + 1, c->index / 8,
		 c->index % 8);
}

static int class_link(const struct sim_ctrl *c, bool present)
{
	char addr[32], target[128];

	if (!present) {
		char p[SIM_PATH * 2];

		snprintf(p, sizeof(p), "%s/class/nvme/nvme%u/device", root,
			 c->instance);
		unlink(p);
		snprintf(p, sizeof(p), "%s/class/nvme/nvme%u", root, c->instance);
		rmdir(p);
		return 0;
	}
	pci_addr(c, addr, sizeof(addr));
	snprintf(target, sizeof(target), "../../../bus/pci/devices/%s", addr);
	if (mkpath("%s/class/nvme/nvme%u", root, c->instance))
		return -EIO;
	return link_to(target, "%s/class/nvme/nvme%u/device", root, c->instance);
}

static int driver_link(const struct sim_ctrl *c)
{
	char addr[32], p[SIM_PATH * 2], target[128];

	pci_addr(c, addr, sizeof(addr));
	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/driver", root, addr);
	unlink(p);
	class_link(c, !strcmp(c->driver, "nvme"));
	if (!*c->driver)
		return 0;
	if (mkpath("%s/bus/pci/drivers/%s", root, c->driver))
		return -EIO;
	snprintf(target, sizeof(target), "../../drivers/%s", c->driver);
	return symlink(target, p) ? -errno : 0;
}

int sim_sysfs_bind(struct sim *s, struct sim_ctrl *vf, const char *driver)
{
	(void)s;
	if (!strcmp(driver, "none"))
		driver = "";
	snprintf(vf->driver, sizeof(vf->driver), "%s", driver);
	return driver_link(vf);
}

int sim_sysfs_create(struct sim *s, char *err, size_t errlen)
{
	char addr[32], vfaddr[32], buf[64], target[128];
	unsigned int p, i;
	struct sim_pf *pf;
	int ret = 0;

	snprintf(root, sizeof(root), "%s/sys", s->dir);
	for (p = 0; p < s->npf && !ret; p++) {
		pf = &s->pf[p];
		pci_addr(&pf->ctrl[0], addr, sizeof(addr));
		ret = mkpath("%s/kernel/iommu_groups/%u", root, p);
		ret = ret ?: put(pf->iommu_type, "%s/kernel/iommu_groups/%u/type", root, p);
		for (i = 0; i <= pf->nvf && !ret; i++) {
			struct sim_ctrl *c = &pf->ctrl[i];

			pci_addr(c, vfaddr, sizeof(vfaddr));
			ret = mkpath("%s/bus/pci/devices/%s", root, vfaddr);
			snprintf(buf, sizeof(buf), "0x%04x", pf->vid);
			ret = ret ?: put(buf, "%s/bus/pci/devices/%s/vendor", root, vfaddr);
			ret = ret ?: put(i ? "0x0011" : "0x0010",
					 "%s/bus/pci/devices/%s/device", root, vfaddr);
			ret = ret ?: put("0x010802", "%s/bus/pci/devices/%s/class",
					 root, vfaddr);
			snprintf(target, sizeof(target), "../../../../kernel/iommu_groups/%u", p);
			ret = ret ?: link_to(target, "%s/bus/pci/devices/%s/iommu_group",
					     root, vfaddr);
			ret = ret ?: driver_link(c);
			if (!i || ret)
				continue;
			snprintf(target, sizeof(target), "../%s", addr);
			ret = link_to(target, "%s/bus/pci/devices/%s/physfn", root, vfaddr);
			snprintf(target, sizeof(target), "../%s", vfaddr);
			/* virtfn0 is the first VF, whose VFN is 1. */
			ret = ret ?: link_to(target, "%s/bus/pci/devices/%s/virtfn%u",
					     root, addr, i - 1);
		}
		/* As the kernel shows a namespace: /sys/block/nvmeXnY/nsid. */
		for (i = 0; i < pf->nns && !ret; i++) {
			ret = mkpath("%s/block/nvme%un%u", root, pf->ctrl[0].instance,
				     pf->ns[i].nsid);
			snprintf(buf, sizeof(buf), "%u", pf->ns[i].nsid);
			ret = ret ?: put(buf, "%s/block/nvme%un%u/nsid", root,
					 pf->ctrl[0].instance, pf->ns[i].nsid);
		}
		snprintf(buf, sizeof(buf), "%u", pf->nvf);
		ret = ret ?: put(buf, "%s/bus/pci/devices/%s/sriov_numvfs", root, addr);
		ret = ret ?: put(buf, "%s/bus/pci/devices/%s/sriov_totalvfs", root, addr);
	}
	if (ret)
		snprintf(err, errlen, "cannot build the fake sysfs under %s: %s",
			 root, strerror(-ret));
	return ret;
}
