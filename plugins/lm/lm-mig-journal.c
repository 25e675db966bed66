// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lm-cleanup.h"
#include "lm-file.h"
#include "lm-mig-journal.h"
#include "lm-sysfs.h"

int lm_mig_record_parse(const char *line, struct lm_mig_record *r)
{
	long long pid, cdqid;
	unsigned long long start;
	int stop, n = 0;

	if (sscanf(line, "pid %lld start %llu cdq %lld stop %d%n", &pid, &start,
		   &cdqid, &stop, &n) != 4 || (line[n] && line[n] != '\n') ||
	    pid <= 0 || pid > INT_MAX || cdqid < -1 || cdqid > 0xffff ||
	    (stop != 0 && stop != 1))
		return -EINVAL;
	*r = (struct lm_mig_record){ .pid = pid, .start = start, .cdqid = cdqid,
				     .stop = stop };
	return 0;
}

/* A process's start time, field 22 of /proc/PID/stat; 0 if it is gone. */
static unsigned long long proc_start(pid_t pid)
{
	_lm_close_ int fd = -1;
	unsigned long long start = 0;
	char path[64], buf[1024], *p;
	ssize_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = lm_read_full(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The name may hold anything, spaces and parentheses too. */
	p = strrchr(buf, ')');
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

/* The host's run/nvme-lm, made if it is not there, and ours alone. */
static int run_dir(char *dir, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("LM_RUN_DIR");
	struct stat st;
	char *slash;

	if (env && *env) {
		snprintf(dir, len, "%s", env);
	} else {
		snprintf(dir, len, "%s", lm_sysfs_root());
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		snprintf(dir + strlen(dir), len - strlen(dir), "/run");
		if (mkdir(dir, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "cannot make %s for the migration's record: %s",
				 dir, strerror(errno));
			return -errno;
		}
		snprintf(dir + strlen(dir), len - strlen(dir), "/nvme-lm");
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s for the migration's record: %s (LM_RUN_DIR)",
			 dir, strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022)) {
		snprintf(err, errlen,
			 "%s is not a directory of this user's that nobody else can write: the migration's record cannot be trusted there; remove it, or set LM_RUN_DIR",
			 dir);
		return -EPERM;
	}
	return 0;
}

int lm_mig_journal_open(struct lm_mig_journal *j, const char *pf_name,
			unsigned int vfn, struct lm_mig_record *dead,
			char *err, size_t errlen)
{
	struct lm_mig_record old = { 0 };
	_lm_close_ int fd = -1;
	char dir[PATH_MAX - 32], line[128];
	ssize_t n;
	int ret;

	memset(j, 0, sizeof(*j));
	memset(dead, 0, sizeof(*dead));
	ret = run_dir(dir, sizeof(dir), err, errlen);
	if (ret)
		return ret;
	snprintf(j->path, sizeof(j->path), "%s/%s-vf%u", dir, pf_name, vfn);
	fd = open(j->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		n = lm_read_full(fd, line, sizeof(line) - 1);
		line[n > 0 ? n : 0] = '\0';
		/* A record that does not parse holds nothing we could undo. */
		if (!lm_mig_record_parse(line, &old)) {
			if (proc_start(old.pid) == old.start) {
				snprintf(err, errlen, "VF %u of %s is being migrated by process %d (%s)",
					 vfn, pf_name, (int)old.pid, j->path);
				return -EBUSY;
			}
			*dead = old;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "cannot read the migration record %s: %s", j->path,
			 strerror(errno));
		return -errno;
	}
	j->rec = (struct lm_mig_record){ .pid = getpid(), .start = proc_start(getpid()),
					 .cdqid = -1 };
	ret = lm_mig_journal_write(j, err, errlen);
	if (!ret)
		j->held = true;
	return ret;
}

int lm_mig_journal_write(struct lm_mig_journal *j, char *err, size_t errlen)
{
	struct lm_atomic out;
	char line[128];
	int n;

	n = snprintf(line, sizeof(line), "pid %d start %llu cdq %d stop %d\n",
		     (int)j->rec.pid, j->rec.start, j->rec.cdqid, j->rec.stop);
	if (lm_atomic_open(&out, j->path, true)) {
		snprintf(err, errlen, "cannot write the migration record %s: %s", j->path,
			 strerror(errno));
		return -errno;
	}
	if (lm_write_full(out.fd, line, n) != n) {
		snprintf(err, errlen, "cannot write the migration record %s: %s", j->path,
			 strerror(errno));
		lm_atomic_abort(&out);
		return -EIO;
	}
	if (lm_atomic_commit(&out)) {
		snprintf(err, errlen, "cannot write the migration record %s: %s", j->path,
			 strerror(errno));
		return -EIO;
	}
	return 0;
}

void lm_mig_journal_close(struct lm_mig_journal *j)
{
	if (j->held)
		unlink(j->path);
	j->held = false;
}
