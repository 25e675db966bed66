// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lm-handover.h"
#include "lm-spawn.h"

extern char **environ;

/* After SIGTERM, how long the hook has to go before SIGKILL. */
#define LM_HANDOVER_GRACE_MS	2000

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/*
 * A descriptor that becomes readable when pid ends (Linux 5.3), so that the
 * end of the hook is seen at once, not at the next poll tick: it is the
 * guest's stall. -1 where the kernel has none.
 */
static int pid_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* Wait up to ms (0: no limit) for pid; 1 when it ended (status set), 0 if not. */
static int wait_for(pid_t pid, int pidfd, uint64_t ms, int *status)
{
	uint64_t until = mono_ms() + ms, now;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	struct timespec nap = { 0, 1000000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return 1;
		now = mono_ms();
		if (ms && now >= until)
			return 0;
		if (pidfd >= 0)
			poll(&p, 1, ms ? (int)(until - now) : -1);
		else
			nanosleep(&nap, NULL);
	}
}

/* NAME=value into env[i], replacing a NAME= there; the new count. */
static size_t env_set(char **env, size_t n, char *entry)
{
	size_t len = strchr(entry, '=') - entry + 1, i;

	for (i = 0; i < n; i++)
		if (!strncmp(env[i], entry, len)) {
			env[i] = entry;
			return n;
		}
	env[n] = entry;
	return n + 1;
}

/*
 * The hook, with LM_SRC_PF/VF and LM_DST_PF/VF in its environment and its
 * standard output on our standard error (ours may carry JSON).
 */
static int spawn(const char *cmd, const struct lm_mig_side *src,
		 const struct lm_mig_side *dst, pid_t *pid)
{
	char spf[PATH_MAX + 16], svf[32], dpf[PATH_MAX + 16], dvf[32];
	size_t n = 0, i;
	char **env;
	int ret;

	while (environ[n])
		n++;
	env = calloc(n + 5, sizeof(*env));
	if (!env)
		return ENOMEM;
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	snprintf(spf, sizeof(spf), "LM_SRC_PF=%s", src->dev->path);
	snprintf(svf, sizeof(svf), "LM_SRC_VF=%u", src->t->vfn);
	snprintf(dpf, sizeof(dpf), "LM_DST_PF=%s", dst->dev->path);
	snprintf(dvf, sizeof(dvf), "LM_DST_VF=%u", dst->t->vfn);
	n = env_set(env, n, spf);
	n = env_set(env, n, svf);
	n = env_set(env, n, dpf);
	n = env_set(env, n, dvf);
	env[n] = NULL;
	ret = lm_spawn_sh(cmd, env, -1, STDERR_FILENO, pid);
	free(env);
	return ret;
}

int lm_handover_run(const char *cmd, unsigned int timeout_s,
		    const struct lm_mig_side *src, const struct lm_mig_side *dst,
		    char *err, size_t errlen)
{
	int status = 0, pidfd, ret;
	pid_t pid;

	fflush(NULL);
	ret = spawn(cmd, src, dst, &pid);
	if (ret) {
		snprintf(err, errlen, "cannot run the hand-over: %s", strerror(ret));
		return -ret;
	}
	pidfd = pid_fd(pid);
	if (!wait_for(pid, pidfd, (uint64_t)timeout_s * 1000, &status)) {
		kill(-pid, SIGTERM);
		if (!wait_for(pid, pidfd, LM_HANDOVER_GRACE_MS, &status)) {
			kill(-pid, SIGKILL);
			wait_for(pid, pidfd, 0, &status);
		}
		if (pidfd >= 0)
			close(pidfd);
		snprintf(err, errlen, "the hand-over did not finish within %u s and was killed",
			 timeout_s);
		return -ETIMEDOUT;
	}
	if (pidfd >= 0)
		close(pidfd);
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, errlen, "the hand-over could not be run (status 127: command not found?)");
	else if (WIFEXITED(status))
		snprintf(err, errlen, "the hand-over exited with status %d", WEXITSTATUS(status));
	else
		snprintf(err, errlen, "the hand-over was killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -ECHILD;
}
