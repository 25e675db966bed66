// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What must hold before a VF is resumed, loaded or tracked (lm-policy.c,
 * lm_track_check): each refusal, its message, and what each option changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "state-build.h"
#include "lm-policy.h"
#include "lm-profile.h"
#include "lm-sysfs.h"
#include "lm-track.h"

static char msg[1024];

static struct lm_target vf(const char *driver)
{
	struct lm_target t = {
		.profile = LM_PROFILE_TP4159, .cntlid = 0x11, .vfn = 1,
		.have_sysfs = true, .max_xfer = 4096,
		.pf_addr = "0000:01:00.0", .vf_addr = "0000:01:00.1",
	};

	snprintf(t.driver, sizeof(t.driver), "%s", driver);
	snprintf(t.pf.mn, sizeof(t.pf.mn), "lmsim TP4159 SSD");
	t.pf.trattr = 0x02;
	return t;
}

/* Exact names only: vfio-pci, Linux's variant drivers, LM_VFIO_DRIVERS. */
static void test_driver_names(void)
{
	unsetenv("LM_VFIO_DRIVERS");
	CHECK(lm_driver_is_vfio("vfio-pci"));
	CHECK(lm_driver_is_vfio("mlx5_vfio_pci"));
	CHECK(lm_driver_is_vfio("xe-vfio-pci"));
	CHECK(!lm_driver_is_vfio("xvfio-pcix"));
	CHECK(!lm_driver_is_vfio("vfio-pci2"));
	CHECK(!lm_driver_is_vfio("vfio_pci"));
	CHECK(!lm_driver_is_vfio("nvme-vfio-pci"));
	CHECK(!lm_driver_is_vfio("vfio"));
	CHECK(!lm_driver_is_vfio(""));
	CHECK(!lm_driver_is_vfio("nvme"));

	setenv("LM_VFIO_DRIVERS", "foo,nvme-vfio-pci", 1);
	CHECK(lm_driver_is_vfio("nvme-vfio-pci"));
	CHECK(lm_driver_is_vfio("foo"));
	CHECK(!lm_driver_is_vfio("nvme-vfio"));
	CHECK(!lm_driver_is_vfio("fo"));
	CHECK(!lm_driver_is_vfio("foo,nvme-vfio-pci"));
	/* The host's own driver is never vfio, whoever lists it. */
	setenv("LM_VFIO_DRIVERS", "nvme", 1);
	CHECK(!lm_driver_is_vfio("nvme"));
	setenv("LM_VFIO_DRIVERS", "", 1);
	CHECK(!lm_driver_is_vfio(""));
	unsetenv("LM_VFIO_DRIVERS");
}

/* A sysfs of our own: the VF at 0000:01:00.1, its driver link as given. */
static char sysroot[64];

static void sysfs_vf(const char *link)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/bus/pci/devices/0000:01:00.1/driver", sysroot);
	unlink(p);
	if (link)
		CHECK_EQ(symlink(link, p), 0);
}

static void sysfs_mkdir(const char *dir)
{
	char p[512];

	snprintf(p, sizeof(p), "mkdir -p %s/%s", sysroot, dir);
	CHECK_EQ(system(p), 0);
}

/* The target as lm_target_resolve() finds it, then the check. */
static int check(bool allow_unbound)
{
	struct lm_target t = vf("");

	t.driver_err = lm_sysfs_driver(t.vf_addr, t.driver, sizeof(t.driver));
	return lm_check_vfio(&t, "nvme0", allow_unbound, msg, sizeof(msg));
}

static void test_vfio(void)
{
	struct lm_target t;
	char p[512];

	snprintf(sysroot, sizeof(sysroot), "/tmp/lm-unit-sysfs-XXXXXX");
	CHECK(mkdtemp(sysroot) != NULL);
	setenv("LM_SYSFS_ROOT", sysroot, 1);
	unsetenv("LM_VFIO_DRIVERS");
	sysfs_mkdir("bus/pci/devices/0000:01:00.1");
	sysfs_mkdir("bus/pci/drivers/vfio-pci");
	sysfs_mkdir("bus/pci/drivers/nvme");
	sysfs_mkdir("bus/pci/drivers/xvfio-pcix");
	sysfs_mkdir("bus/pci/drivers/nvme_vfio_pci");
	sysfs_mkdir("elsewhere/vfio-pci");

	/* Exactly vfio-pci, as the kernel links it. */
	sysfs_vf("../../drivers/vfio-pci");
	CHECK_EQ(check(false), 0);

	/* A name that contains vfio-pci is not vfio-pci. */
	sysfs_vf("../../drivers/xvfio-pcix");
	CHECK_EQ(check(true), -EPERM);
	CHECK_CONTAINS(msg, "VF 1 (0000:01:00.1) is bound to xvfio-pcix, not vfio-pci nor a VFIO variant driver this tool knows (LM_VFIO_DRIVERS adds one)");

	/* A link that leads nowhere, or not to a driver: never, whatever the option. */
	sysfs_vf("../../drivers/vfio-pci-gone");
	CHECK_EQ(lm_sysfs_driver("0000:01:00.1", t.driver, sizeof(t.driver)), -ENOLINK);
	CHECK_EQ(check(true), -EPERM);
	CHECK_CONTAINS(msg, "cannot tell which driver VF 1 (0000:01:00.1) is bound to (its driver link leads nowhere)");
	snprintf(p, sizeof(p), "%s/elsewhere/vfio-pci", sysroot);
	sysfs_vf(p);
	CHECK_EQ(check(true), -EPERM);
	CHECK_CONTAINS(msg, "its driver link leads elsewhere than");

	/* A variant driver this build does not know: refused until named. */
	sysfs_vf("../../drivers/nvme_vfio_pci");
	CHECK_EQ(check(false), -EPERM);
	setenv("LM_VFIO_DRIVERS", "mydrv,nvme_vfio_pci", 1);
	CHECK_EQ(check(false), 0);

	/* The host's driver: refused with every option, even listed. */
	setenv("LM_VFIO_DRIVERS", "nvme", 1);
	sysfs_vf("../../drivers/nvme");
	CHECK_EQ(check(true), -EPERM);
	CHECK_CONTAINS(msg, "VF 1 (0000:01:00.1) is bound to nvme, not vfio-pci: the host's own driver must not own a VF that is resumed or loaded");
	CHECK_CONTAINS(msg, "echo vfio-pci > ");
	unsetenv("LM_VFIO_DRIVERS");

	/* Unbound (no link): only with --allow-unbound. */
	sysfs_vf(NULL);
	CHECK_EQ(check(false), -EPERM);
	CHECK_STR(msg, "VF 1 (0000:01:00.1) is bound to no driver: bind it to vfio-pci, or pass --allow-unbound");
	CHECK_EQ(check(true), 0);

	/* No PCI function in sysfs: never, whatever the option. */
	t = vf("vfio-pci");
	t.have_sysfs = false;
	CHECK_EQ(lm_check_vfio(&t, "nvme0", true, msg, sizeof(msg)), -EPERM);
	CHECK_CONTAINS(msg, "cannot tell which driver VF 1 is bound to (no PCI function for nvme0 under /tmp/lm-unit-sysfs-");
	snprintf(p, sizeof(p), "rm -rf %s", sysroot);
	CHECK_EQ(system(p), 0);
	unsetenv("LM_SYSFS_ROOT");
}

static void test_compat(void)
{
	struct lm_target t = vf("vfio-pci");
	struct lm_sf_ident id = { .profile = LM_PROFILE_TP4159, .mn = "lmsim TP4159 SSD" };

	CHECK_EQ(lm_check_compat(&id, &t, "--ignore-compat", msg, sizeof(msg)), 0);
	snprintf(id.mn, sizeof(id.mn), "other SSD");
	CHECK_EQ(lm_check_compat(&id, &t, "--ignore-compat", msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "the state comes from model 'other SSD', the destination is 'lmsim TP4159 SSD': not compatible (--ignore-compat loads it anyway)");
	id.profile = LM_PROFILE_INTEL_2022;
	CHECK_EQ(lm_check_compat(&id, &t, "--ignore-compat", msg, sizeof(msg)), -EINVAL);
	CHECK_CONTAINS(msg, "the state is of profile intel-2022, the destination speaks tp4159");
}

static void test_restore_csvi(void)
{
	struct sb_state s = { .nvme_ver = 0, .nsq = 1, .ncq = 1,
		.sq = { { .prp1 = 0x1000, .qsize = 63, .qid = 1, .cqid = 1 } },
		.cq = { { .prp1 = 0x2000, .qsize = 63, .qid = 1, .attr = 3 } } };
	struct lm_target t = vf("vfio-pci");
	size_t len;
	uint8_t *st = sb_build(&s, &len);

	/* The state's version 0 is the destination's second format. */
	t.formats.nv = 2;
	t.formats.ver[0] = 7;
	t.formats.ver[1] = 0;
	CHECK_EQ(lm_pick_restore_csvi(&t, "nvme1", st, len, msg, sizeof(msg)), 0);
	CHECK_EQ(t.csvi, 2);

	t.formats.nv = 1;
	CHECK_EQ(lm_pick_restore_csvi(&t, "nvme1", st, len, msg, sizeof(msg)), -EINVAL);
	CHECK_EQ(t.csvi, 0);
	CHECK_CONTAINS(msg, "the destination nvme1 does not list the state's NVMe controller state version 0");

	/* Not TP4159: nothing to pick. */
	t.profile = LM_PROFILE_INTEL_2022;
	t.csvi = 5;
	CHECK_EQ(lm_pick_restore_csvi(&t, "nvme1", st, len, msg, sizeof(msg)), 0);
	CHECK_EQ(t.csvi, 5);
	free(st);
}

static void test_track_check(void)
{
	struct lm_hugepages hp = { 0 };
	struct lm_target t = vf("vfio-pci");
	char root[] = "/tmp/lm-unit-sysfs-XXXXXX", p[512];
	uint64_t entries = 0;

	/* An identity IOMMU group for the PF in a sysfs of our own. */
	CHECK(mkdtemp(root) != NULL);
	setenv("LM_SYSFS_ROOT", root, 1);
	snprintf(p, sizeof(p), "mkdir -p %s/bus/pci/devices/0000:01:00.0/iommu_group && echo identity > %s/bus/pci/devices/0000:01:00.0/iommu_group/type",
		 root, root);
	CHECK_EQ(system(p), 0);

	/* No --entries: the most one page holds, within MDTS. */
	CHECK_EQ(lm_track_check(&t, "nvme0", &hp, false, &entries, msg, sizeof(msg)), 0);
	CHECK_EQ(entries, 128);

	entries = 256;
	CHECK_EQ(lm_track_check(&t, "nvme0", &hp, false, &entries, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "--entries 256 needs 8192 bytes, more than nvme0 takes in one command (MDTS, 4096 bytes): use at most 128");

	entries = 0;
	t.pf.trattr = 0;
	CHECK_EQ(lm_track_check(&t, "nvme0", &hp, true, &entries, msg, sizeof(msg)), -EOPNOTSUPP);
	CHECK_STR(msg, "nvme0 does not track user data changes (TRATTR.TUDCS is clear)");
	t.pf.trattr = 0x02;

	/* A translated group: refused unless --force. */
	snprintf(p, sizeof(p), "echo DMA-FQ > %s/bus/pci/devices/0000:01:00.0/iommu_group/type", root);
	CHECK_EQ(system(p), 0);
	CHECK_EQ(lm_track_check(&t, "nvme0", &hp, false, &entries, msg, sizeof(msg)), -EPERM);
	CHECK_CONTAINS(msg, "the PF's IOMMU group is DMA-FQ, not identity");
	CHECK_EQ(lm_track_check(&t, "nvme0", &hp, true, &entries, msg, sizeof(msg)), 0);
	t.pf_addr[0] = 0;
	CHECK_EQ(lm_track_check(&t, "nvme0", &hp, false, &entries, msg, sizeof(msg)), -EPERM);
	CHECK_CONTAINS(msg, "the PF's IOMMU group is unknown (no sysfs entry)");

	t.profile = LM_PROFILE_INTEL_2022;
	CHECK_EQ(lm_track_check(&t, "nvme0", &hp, true, &entries, msg, sizeof(msg)), -EOPNOTSUPP);
	CHECK_STR(msg, "the intel-2022 profile has no change tracking");

	snprintf(p, sizeof(p), "rm -rf %s", root);
	CHECK_EQ(system(p), 0);
	unsetenv("LM_SYSFS_ROOT");
}

int main(void)
{
	RUN(test_driver_names);
	RUN(test_vfio);
	RUN(test_compat);
	RUN(test_restore_csvi);
	RUN(test_track_check);
	return unit_summary("test-policy");
}
