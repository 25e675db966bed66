/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What sysfs says about a PF and its VFs: PCI addresses, bound drivers, the
 * IOMMU group type. The root is LM_SYSFS_ROOT (default /sys), so tests can
 * point it at a simulated tree.
 */
#ifndef LM_SYSFS_H
#define LM_SYSFS_H

#include <stddef.h>

const char *lm_sysfs_root(void);

/* PCI address of the controller nvmeX; 0 or -errno. */
int lm_sysfs_ctrl_addr(const char *ctrl, char *addr, size_t len);
/* PCI address of VF vfn (1-based) of the PF at pf_addr. */
int lm_sysfs_vf_addr(const char *pf_addr, unsigned int vfn, char *addr,
		     size_t len);
/*
 * The driver bound to a PCI function, as the kernel has it: the function's
 * driver link resolved, which must be a directory right under
 * <root>/bus/pci/drivers/, whose name it is. "" when unbound (no link).
 * -ENOENT: no such function; -ENOLINK: the link leads nowhere; -EXDEV: it
 * leads elsewhere than to a driver; -ENAMETOOLONG: the name does not fit.
 */
int lm_sysfs_driver(const char *addr, char *drv, size_t len);
/* The IOMMU group type of a PCI function: identity, DMA, DMA-FQ, ... */
int lm_sysfs_iommu_type(const char *addr, char *type, size_t len);

#endif /* LM_SYSFS_H */
