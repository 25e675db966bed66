/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What must hold before a VF is resumed or loaded: the driver that owns
 * it, and whether a saved state suits the destination. Each check returns
 * 0, or an error with a message in err that says what to do.
 */
#ifndef LM_POLICY_H
#define LM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lm-discover.h"
#include "lm-state-file.h"

/*
 * Resuming a VF or loading its state lets whoever holds the state make the
 * device DMA anywhere its IOMMU domain allows: only while vfio owns the VF,
 * as sysfs shows it (lm_driver_is_vfio). A VF bound to any other driver,
 * the host's nvme above all, or whose driver cannot be told (no sysfs, a
 * link that leads nowhere) is refused whatever the options; allow_unbound
 * (--allow-unbound) lets a VF bound to no driver at all through. -EPERM
 * when refused.
 */
int lm_check_vfio(const struct lm_target *t, const char *devname,
		  bool allow_unbound, char *err, size_t errlen);

/*
 * Whether drv is vfio-pci, a VFIO variant driver of Linux
 * (drivers/vfio/pci/), or one named in LM_VFIO_DRIVERS (comma-separated
 * driver names, as /sys/bus/pci/drivers/ lists them): an exact name, never
 * a part of one, and never the host's own nvme driver.
 */
bool lm_driver_is_vfio(const char *drv);

/*
 * Same profile and model as the destination; -EINVAL when not. override:
 * the caller's option that skips this check, and only this one
 * (restore's --ignore-compat), named in the message; NULL where none does.
 */
int lm_check_compat(const struct lm_sf_ident *id, const struct lm_target *t,
		    const char *override, char *err, size_t errlen);

/*
 * Set t->csvi to the destination's CSVI for the state's NVMe controller
 * state version: a destination that does not list that version cannot take
 * the state (-EINVAL), and --ignore-compat does not change that.
 */
int lm_pick_restore_csvi(struct lm_target *t, const char *devname,
			 const void *state, uint64_t len, char *err,
			 size_t errlen);
/* The same for a version already read (< 0: none could be read). */
int lm_pick_csvi_for(struct lm_target *t, const char *devname, int ver,
		     char *err, size_t errlen);

#endif /* LM_POLICY_H */
