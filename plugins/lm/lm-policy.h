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
 * device DMA anywhere its IOMMU domain allows: only while vfio owns the VF.
 * force lets an unbound VF, or one sysfs says nothing about, through; never
 * one bound to another driver. -EPERM when refused.
 */
int lm_check_vfio(const struct lm_target *t, const char *devname, bool force,
		  char *err, size_t errlen);

/* Same profile and model as the destination; -EINVAL when not. */
int lm_check_compat(const struct lm_sf_ident *id, const struct lm_target *t,
		    char *err, size_t errlen);

/*
 * Set t->csvi to the destination's CSVI for the state's NVMe controller
 * state version: a destination that does not list that version cannot take
 * the state (-EINVAL), and no --force changes that.
 */
int lm_pick_restore_csvi(struct lm_target *t, const char *devname,
			 const void *state, uint64_t len, char *err,
			 size_t errlen);

#endif /* LM_POLICY_H */
