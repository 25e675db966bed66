// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lm-ctrl-state.h"
#include "lm-policy.h"
#include "lm-profile.h"
#include "lm-sysfs.h"

int lm_check_vfio(const struct lm_target *t, const char *devname, bool force,
		  char *err, size_t errlen)
{
	if (!t->have_sysfs) {
		if (force)
			return 0;
		snprintf(err, errlen,
			 "cannot tell which driver VF %u is bound to (no PCI function for %s under %s): check it is vfio-pci, then pass --force",
			 t->vfn, devname, lm_sysfs_root());
		return -EPERM;
	}
	if (!*t->driver) {
		if (force)
			return 0;
		snprintf(err, errlen,
			 "VF %u (%s) is bound to no driver: bind it to vfio-pci, or pass --force",
			 t->vfn, t->vf_addr);
		return -EPERM;
	}
	if (!lm_driver_is_vfio(t->driver)) {
		snprintf(err, errlen,
			 "VF %u (%s) is bound to %s, not vfio-pci: the host's own driver must not own a VF that is resumed or loaded; rebind: echo %s > %s/bus/pci/drivers/%s/unbind; echo vfio-pci > %s/bus/pci/devices/%s/driver_override; echo %s > %s/bus/pci/drivers_probe",
			 t->vfn, t->vf_addr, t->driver, t->vf_addr, lm_sysfs_root(),
			 t->driver, lm_sysfs_root(), t->vf_addr, t->vf_addr,
			 lm_sysfs_root());
		return -EPERM;
	}
	return 0;
}

int lm_check_compat(const struct lm_sf_ident *id, const struct lm_target *t,
		    char *err, size_t errlen)
{
	if (id->profile != t->profile) {
		snprintf(err, errlen,
			 "the state is of profile %s, the destination speaks %s: not compatible (--force loads it anyway)",
			 lm_profile_name(id->profile), lm_profile_name(t->profile));
		return -EINVAL;
	}
	if (strcmp(id->mn, t->pf.mn)) {
		snprintf(err, errlen,
			 "the state comes from model '%s', the destination is '%s': not compatible (--force loads it anyway)",
			 id->mn, t->pf.mn);
		return -EINVAL;
	}
	return 0;
}

int lm_pick_restore_csvi(struct lm_target *t, const char *devname,
			 const void *state, uint64_t len, char *err,
			 size_t errlen)
{
	char have[128];
	int ver;

	if (t->profile != LM_PROFILE_TP4159)
		return 0;
	ver = lm_ctrl_state_nvme_version(state, len);
	t->csvi = ver < 0 ? 0 : lm_formats_csvi(&t->formats, ver);
	if (t->csvi)
		return 0;
	lm_formats_str(&t->formats, have, sizeof(have));
	snprintf(err, errlen,
		 "the destination %s does not list the state's NVMe controller state version %d in Identify CNS 20h (it lists: %s): not compatible, and --force does not change that; nothing was sent",
		 devname, ver, have);
	return -EINVAL;
}
