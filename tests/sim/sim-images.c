// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Namespace images: one sparse file per VF namespace. They live in the
 * state directory, or in a private directory on tmpfs (lmsimctl makes one
 * under /dev/shm), where fsync costs what a device's flush costs instead of
 * an ext4 journal commit. The state directory always has DIR/pfP-nsN.img,
 * a link when the image is elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sim.h"

/* Bytes all images take once every block was written. */
static uint64_t images_bytes(const struct sim *s)
{
	uint64_t n = 0;
	unsigned int p;

	for (p = 0; p < s->npf; p++)
		n += s->pf[p].ns_size * s->pf[p].nvf;
	return n;
}

int sim_images_place(struct sim *s, const char *dir, bool fallback,
		     char *err, size_t errlen)
{
	uint64_t need = images_bytes(s), room;
	struct statvfs v;

	if (strlen(dir) >= sizeof(s->image_dir)) {
		snprintf(err, errlen, "%s: longer than %zu bytes", dir,
			 sizeof(s->image_dir) - 1);
		return -ENAMETOOLONG;
	}
	if (statvfs(dir, &v)) {
		snprintf(err, errlen, "cannot use %s for the images: %s", dir,
			 strerror(errno));
		return -errno;
	}
	room = (uint64_t)v.f_bavail * v.f_frsize;
	if (room < need) {
		snprintf(err, errlen, "%s has %" PRIu64 " bytes free, the namespace images need %" PRIu64,
			 dir, room, need);
		if (!fallback)
			return -ENOSPC;
		fprintf(stderr, "lmsimd: %s: they stay in %s\n", err, s->dir);
		rmdir(dir);
		return 0;
	}
	strcpy(s->image_dir, dir);
	return 0;
}

int sim_image_create(const struct sim *s, const struct sim_pf *pf,
		     struct sim_ns *ns, char *err, size_t errlen)
{
	char link[SIM_PATH];

	snprintf(link, sizeof(link), "%s/pf%u-ns%u.img", s->dir, pf->idx, ns->nsid);
	snprintf(ns->path, sizeof(ns->path), "%s/pf%u-ns%u.img",
		 *s->image_dir ? s->image_dir : s->dir, pf->idx, ns->nsid);
	ns->fd = open(ns->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ns->fd < 0 || ftruncate(ns->fd, pf->ns_size)) {
		snprintf(err, errlen, "cannot create %s: %s", ns->path, strerror(errno));
		return -errno;
	}
	if (*s->image_dir && (unlink(link), symlink(ns->path, link))) {
		snprintf(err, errlen, "cannot link %s to %s: %s", link, ns->path,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

void sim_images_remove(struct sim *s)
{
	char link[SIM_PATH];
	unsigned int p, i;

	if (!*s->image_dir)
		return;
	for (p = 0; p < s->npf; p++) {
		for (i = 0; i < s->pf[p].nns; i++) {
			struct sim_ns *ns = &s->pf[p].ns[i];

			snprintf(link, sizeof(link), "%s/pf%u-ns%u.img", s->dir, p, ns->nsid);
			unlink(link);
			unlink(ns->path);
		}
	}
	rmdir(s->image_dir);
}
