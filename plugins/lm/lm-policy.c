// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm-ctrl-state.h"
#include "lm-policy.h"
#include "lm-profile.h"
#include "lm-sysfs.h"

/*
 * The drivers that are vfio: vfio-pci and the VFIO variant drivers of
 * Linux's drivers/vfio/pci/, by the name each registers (KBUILD_MODNAME,
 * '-' made '_', unless it gives its own). Another is added at run time with
 * LM_VFIO_DRIVERS.
 */
static const char *const vfio_drivers[] = {
	"vfio-pci",
	"hisi_acc_vfio_pci",
	"ism_vfio_pci",
	"mlx5_vfio_pci",
	"nvgrace_gpu_vfio_pci",
	"pds_vfio_pci",
	"qat_vfio_pci",
	"virtio_vfio_pci",
	"xe-vfio-pci",
};

/* The host's own driver for the VF: never vfio, whatever anyone says. */
#define LM_HOST_DRIVER	"nvme"

/* Whether name is one of the comma-separated names in list. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

bool lm_driver_is_vfio(const char *drv)
{
	const char *extra = getenv("LM_VFIO_DRIVERS");
	size_t i;

	if (!*drv || !strcmp(drv, LM_HOST_DRIVER))
		return false;
	for (i = 0; i < sizeof(vfio_drivers) / sizeof(vfio_drivers[0]); i++)
		if (!strcmp(drv, vfio_drivers[i]))
			return true;
	/* A comma would let a name match several of the list's at once. */
	return extra && !strchr(drv, ',') && listed(extra, drv);
}

/* Why sysfs does not tell the driver (lm_sysfs_driver's errors). */
static const char *driver_unknown(int ret, char *buf, size_t len)
{
	switch (ret) {
	case -ENOLINK:
		return "its driver link leads nowhere";
	case -EXDEV:
		snprintf(buf, len, "its driver link leads elsewhere than %s/bus/pci/drivers/",
			 lm_sysfs_root());
		return buf;
	default:
		snprintf(buf, len, "its driver in sysfs: %s", strerror(-ret));
		return buf;
	}
}

int lm_check_vfio(const struct lm_target *t, const char *devname,
		  bool allow_unbound, char *err, size_t errlen)
{
	char why[PATH_MAX];

	if (!t->have_sysfs) {
		snprintf(err, errlen,
			 "cannot tell which driver VF %u is bound to (no PCI function for %s under %s): a VF is resumed or loaded only when sysfs shows vfio owns it",
			 t->vfn, devname, lm_sysfs_root());
		return -EPERM;
	}
	if (t->driver_err) {
		snprintf(err, errlen,
			 "cannot tell which driver VF %u (%s) is bound to (%s): a VF is resumed or loaded only when sysfs shows vfio owns it",
			 t->vfn, t->vf_addr, driver_unknown(t->driver_err, why, sizeof(why)));
		return -EPERM;
	}
	if (!*t->driver) {
		if (allow_unbound)
			return 0;
		snprintf(err, errlen,
			 "VF %u (%s) is bound to no driver: bind it to vfio-pci, or pass --allow-unbound",
			 t->vfn, t->vf_addr);
		return -EPERM;
	}
	if (!lm_driver_is_vfio(t->driver)) {
		snprintf(err, errlen,
			 "VF %u (%s) is bound to %s, not vfio-pci%s; rebind: echo %s > %s/bus/pci/drivers/%s/unbind; echo vfio-pci > %s/bus/pci/devices/%s/driver_override; echo %s > %s/bus/pci/drivers_probe",
			 t->vfn, t->vf_addr, t->driver,
			 strcmp(t->driver, LM_HOST_DRIVER) ?
			 " nor a VFIO variant driver this tool knows (LM_VFIO_DRIVERS adds one)" :
			 ": the host's own driver must not own a VF that is resumed or loaded",
			 t->vf_addr, lm_sysfs_root(), t->driver, lm_sysfs_root(),
			 t->vf_addr, t->vf_addr, lm_sysfs_root());
		return -EPERM;
	}
	return 0;
}

int lm_check_compat(const struct lm_sf_ident *id, const struct lm_target *t,
		    const char *override, char *err, size_t errlen)
{
	char hint[64] = "";

	if (override)
		snprintf(hint, sizeof(hint), " (%s loads it anyway)", override);
	if (id->profile != t->profile) {
		snprintf(err, errlen,
			 "the state is of profile %s, the destination speaks %s: not compatible%s",
			 lm_profile_name(id->profile), lm_profile_name(t->profile), hint);
		return -EINVAL;
	}
	if (strcmp(id->mn, t->pf.mn)) {
		snprintf(err, errlen,
			 "the state comes from model '%s', the destination is '%s': not compatible%s",
			 id->mn, t->pf.mn, hint);
		return -EINVAL;
	}
	return 0;
}

int lm_pick_restore_csvi(struct lm_target *t, const char *devname,
			 const void *state, uint64_t len, char *err,
			 size_t errlen)
{
	if (t->profile != LM_PROFILE_TP4159)
		return 0;
	return lm_pick_csvi_for(t, devname, lm_ctrl_state_nvme_version(state, len),
				err, errlen);
}

int lm_pick_csvi_for(struct lm_target *t, const char *devname, int ver,
		     char *err, size_t errlen)
{
	char have[128];

	t->csvi = ver < 0 ? 0 : lm_formats_csvi(&t->formats, ver);
	if (t->csvi)
		return 0;
	lm_formats_str(&t->formats, have, sizeof(have));
	snprintf(err, errlen,
		 "the destination %s does not list the state's NVMe controller state version %d in Identify CNS 20h (it lists: %s): not compatible, and --ignore-compat does not change that; nothing was sent",
		 devname, ver, have);
	return -EINVAL;
}
