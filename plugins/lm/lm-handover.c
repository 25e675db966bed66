// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lm-handover.h"

/* After SIGTERM, how long the hook has to go before SIGKILL. */
#define LM_HANDOVER_GRACE_MS	2000

static void nap_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait up to ms for pid; 1 when it ended (status set), 0 if not. */
static int wait_for(pid_t pid, uint64_t ms, int *status)
{
	uint64_t waited = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return 1;
		if (ms && waited >= ms)
			return 0;
		nap_ms(5);
		waited += 5;
	}
}

static void child(const char *cmd, const struct lm_mig_side *src,
		  const struct lm_mig_side *dst)
{
	sigset_t none;
	char n[16];

	/* Its own process group: a time-out ends the whole hook. */
	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setenv("LM_SRC_PF", src->dev->path, 1);
	snprintf(n, sizeof(n), "%u", src->t->vfn);
	setenv("LM_SRC_VF", n, 1);
	setenv("LM_DST_PF", dst->dev->path, 1);
	snprintf(n, sizeof(n), "%u", dst->t->vfn);
	setenv("LM_DST_VF", n, 1);
	/* Standard output may carry our JSON: the hook's goes to stderr. */
	dup2(STDERR_FILENO, STDOUT_FILENO);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int lm_handover_run(const char *cmd, unsigned int timeout_s,
		    const struct lm_mig_side *src, const struct lm_mig_side *dst,
		    char *err, size_t errlen)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot run the hand-over: %s", strerror(errno));
		return -errno;
	}
	if (!pid)
		child(cmd, src, dst);
	setpgid(pid, pid);
	if (!wait_for(pid, (uint64_t)timeout_s * 1000, &status)) {
		kill(-pid, SIGTERM);
		if (!wait_for(pid, LM_HANDOVER_GRACE_MS, &status)) {
			kill(-pid, SIGKILL);
			wait_for(pid, 0, &status);
		}
		snprintf(err, errlen, "the hand-over did not finish within %u s and was killed",
			 timeout_s);
		return -ETIMEDOUT;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status))
		snprintf(err, errlen, "the hand-over exited with status %d", WEXITSTATUS(status));
	else
		snprintf(err, errlen, "the hand-over was killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -ECHILD;
}
