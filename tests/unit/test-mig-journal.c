// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The migration record (lm-mig-journal.c): what a line must say to be
 * believed, a record of a live process refused, a dead one's handed over,
 * and a run directory that others could write refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "lm-mig-journal.h"

static char msg[1024];

static void test_parse(void)
{
	struct lm_mig_record r;

	CHECK_EQ(lm_mig_record_parse("pid 42 start 1234 cdq 3 stop 1\n", &r), 0);
	CHECK_EQ(r.pid, 42);
	CHECK_EQ(r.start, 1234);
	CHECK_EQ(r.cdqid, 3);
	CHECK(r.stop);
	CHECK_EQ(lm_mig_record_parse("pid 42 start 1 cdq -1 stop 0", &r), 0);
	CHECK_EQ(r.cdqid, -1);
	CHECK(!r.stop);
	CHECK_EQ(lm_mig_record_parse("pid 0 start 1 cdq 0 stop 0", &r), -EINVAL);
	CHECK_EQ(lm_mig_record_parse("pid -5 start 1 cdq 0 stop 0", &r), -EINVAL);
	CHECK_EQ(lm_mig_record_parse("pid 5 start 1 cdq -2 stop 0", &r), -EINVAL);
	CHECK_EQ(lm_mig_record_parse("pid 5 start 1 cdq 65536 stop 0", &r), -EINVAL);
	CHECK_EQ(lm_mig_record_parse("pid 5 start 1 cdq 0 stop 2", &r), -EINVAL);
	CHECK_EQ(lm_mig_record_parse("pid 5 start 1 cdq 0 stop 0 more", &r), -EINVAL);
	CHECK_EQ(lm_mig_record_parse("pid 5 start 1 cdq 0", &r), -EINVAL);
	CHECK_EQ(lm_mig_record_parse("", &r), -EINVAL);
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

static void test_open(void)
{
	char dir[] = "/tmp/test-mig-journal.XXXXXX", path[512], line[128];
	struct lm_mig_journal j, j2;
	struct lm_mig_record dead;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	setenv("LM_RUN_DIR", dir, 1);

	/* No record: ours is written, and taken away at the end. */
	CHECK_EQ(lm_mig_journal_open(&j, "nvme0", 1, &dead, msg, sizeof(msg)), 0);
	CHECK_EQ(dead.pid, 0);
	snprintf(path, sizeof(path), "%s/nvme0-vf1", dir);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);

	/* Ours is alive: a second migration of the VF is refused. */
	CHECK_EQ(lm_mig_journal_open(&j2, "nvme0", 1, &dead, msg, sizeof(msg)), -EBUSY);
	CHECK_CONTAINS(msg, "VF 1 of nvme0 is being migrated by process");
	lm_mig_journal_close(&j);
	CHECK(stat(path, &st) && errno == ENOENT);

	/* A record of a process that is gone (start time differs): handed over. */
	snprintf(line, sizeof(line), "pid %d start 1 cdq 7 stop 0\n", (int)getpid());
	write_file(path, line);
	CHECK_EQ(lm_mig_journal_open(&j, "nvme0", 1, &dead, msg, sizeof(msg)), 0);
	CHECK_EQ(dead.pid, getpid());
	CHECK_EQ(dead.cdqid, 7);
	CHECK(!dead.stop);
	lm_mig_journal_close(&j);

	/* A record that does not parse holds nothing: replaced. */
	write_file(path, "garbage\n");
	CHECK_EQ(lm_mig_journal_open(&j, "nvme0", 1, &dead, msg, sizeof(msg)), 0);
	CHECK_EQ(dead.pid, 0);
	lm_mig_journal_close(&j);

	/* A run directory others can write is not trusted. */
	CHECK_EQ(chmod(dir, 0777), 0);
	CHECK_EQ(lm_mig_journal_open(&j, "nvme0", 1, &dead, msg, sizeof(msg)), -EPERM);
	CHECK_CONTAINS(msg, "nobody else can write");
	CHECK_EQ(rmdir(dir), 0);
	unsetenv("LM_RUN_DIR");
}

int main(void)
{
	RUN(test_parse);
	RUN(test_open);
	return unit_summary("test-mig-journal");
}
