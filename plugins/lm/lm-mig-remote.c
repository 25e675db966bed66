// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lm-dev.h"
#include "lm-mig-remote.h"
#include "lm-ops.h"
#include "lm-policy.h"
#include "lm-profile.h"

/* The largest state the helper takes: far above any device's. */
#define LM_REMOTE_MAX_STATE	(64u << 20)

/* ---- the engine's side ---- */

static int fail_conn(struct lm_mig_remote *r, char *err, size_t errlen)
{
	snprintf(err, errlen, "the destination's helper (%s) is gone: the connection closed",
		 r->where);
	return -EPIPE;
}

/* One reply line: 0 for ok, the helper's RET for fail, -EPIPE if gone. */
static int reply(struct lm_mig_remote *r, char *err, size_t errlen)
{
	char line[1024];
	long ret;
	char *end;

	if (fflush(r->to) || !fgets(line, sizeof(line), r->from))
		return fail_conn(r, err, errlen);
	line[strcspn(line, "\n")] = '\0';
	if (!strcmp(line, "ok"))
		return 0;
	if (!strncmp(line, "fail ", 5)) {
		ret = strtol(line + 5, &end, 10);
		if (end != line + 5 && ret) {
			snprintf(err, errlen, "%s", *end ? end + 1 : "failed");
			return (int)ret;
		}
	}
	snprintf(err, errlen, "the destination's helper said: %.200s", line);
	return -EPROTO;
}

static int request(struct lm_mig_remote *r, const char *what, char *err,
		   size_t errlen)
{
	if (!r->to || fprintf(r->to, "%s\n", what) < 0)
		return fail_conn(r, err, errlen);
	return reply(r, err, errlen);
}

/* "ready k=v ... mn=MODEL" into t. */
static int parse_ready(char *line, struct lm_target *t)
{
	char *mn = strstr(line, " mn="), *tok, *save = NULL;

	if (strncmp(line, "ready ", 6) || !mn)
		return -EPROTO;
	*mn = '\0';
	snprintf(t->pf.mn, sizeof(t->pf.mn), "%s", mn + 4);
	t->pf.mn[strcspn(t->pf.mn, "\n")] = '\0';
	for (tok = strtok_r(line + 6, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "profile=", 8)) {
			int p = lm_profile_parse(tok + 8);

			if (p < 0)
				return -EPROTO;
			t->profile = p;
		} else if (!strncmp(tok, "vfn=", 4)) {
			t->vfn = strtoul(tok + 4, NULL, 10);
		} else if (!strncmp(tok, "cntlid=", 7)) {
			t->cntlid = t->pf.cntlid = strtoul(tok + 7, NULL, 10);
		} else if (!strncmp(tok, "max_xfer=", 9)) {
			t->max_xfer = strtoul(tok + 9, NULL, 10);
		} else if (!strncmp(tok, "formats=", 8)) {
			char *v = tok + 8, *e;

			t->formats.nv = 0;
			while (*v && t->formats.nv < LM_MAX_FORMATS) {
				t->formats.ver[t->formats.nv++] = strtoul(v, &e, 10);
				v = *e == ',' ? e + 1 : e;
				if (e == v && *v)
					return -EPROTO;
			}
		}
	}
	t->online = true;
	return 0;
}

static void child(const char *cmd)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int lm_remote_open(struct lm_mig_remote *r, const char *prefix,
		   const char *nvme, const char *dev, int vf, int cntlid,
		   const char *profile, uint32_t timeout_ms,
		   struct lm_target *t, char *err, size_t errlen)
{
	int in[2], out[2];
	char cmd[1024], line[1024];
	int n;
	struct sigaction ign = { .sa_handler = SIG_IGN };

	memset(r, 0, sizeof(*r));
	snprintf(r->where, sizeof(r->where), "%s", prefix);
	r->pipe_saved = !sigaction(SIGPIPE, &ign, &r->old_pipe);
	/* Every word here was checked: a device path, numbers, a profile. */
	n = snprintf(cmd, sizeof(cmd), "%s %s lm migrate-dst %s %s %d --profile %s --timeout %u",
		     prefix, nvme, dev, vf >= 0 ? "--vf" : "--cntlid",
		     vf >= 0 ? vf : cntlid, profile, timeout_ms);
	if (n < 0 || (size_t)n >= sizeof(cmd)) {
		snprintf(err, errlen, "the destination's command prefix is too long");
		return -EINVAL;
	}
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot make pipes: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(err, errlen, "cannot start the destination's helper: %s", strerror(errno));
		return -errno;
	}
	if (!r->pid) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		child(cmd);
	}
	close(in[0]);
	close(out[1]);
	r->to = fdopen(in[1], "w");
	r->from = fdopen(out[0], "r");
	if (!r->to || !r->from) {
		snprintf(err, errlen, "out of memory");
		lm_remote_close(r);
		return -ENOMEM;
	}
	if (!fgets(line, sizeof(line), r->from)) {
		snprintf(err, errlen, "the destination's helper (%s %s lm migrate-dst) ended before it was ready: check the prefix, and that nvme with the lm plugin is there",
			 prefix, nvme);
		lm_remote_close(r);
		return -EPIPE;
	}
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "error ", 6)) {
		snprintf(err, errlen, "on the destination: %s", line + 6);
		lm_remote_close(r);
		return -EINVAL;
	}
	if (parse_ready(line, t)) {
		snprintf(err, errlen, "the destination's helper does not speak this protocol: '%.200s'",
			 line);
		lm_remote_close(r);
		return -EPROTO;
	}
	return 0;
}

int lm_remote_suspend(struct lm_mig_remote *r, char *err, size_t errlen)
{
	return request(r, "suspend", err, errlen);
}

int lm_remote_resume(struct lm_mig_remote *r, char *err, size_t errlen)
{
	return request(r, "resume", err, errlen);
}

int lm_remote_restore(struct lm_mig_remote *r, const void *state,
		      uint64_t len, char *err, size_t errlen)
{
	if (!r->to || fprintf(r->to, "restore %" PRIu64 "\n", len) < 0 ||
	    fwrite(state, 1, len, r->to) != len)
		return fail_conn(r, err, errlen);
	return reply(r, err, errlen);
}

int lm_remote_state(struct lm_mig_remote *r)
{
	char line[64];

	if (!r->to || fputs("state\n", r->to) < 0 || fflush(r->to) ||
	    !fgets(line, sizeof(line), r->from))
		return -EPIPE;
	if (!strcmp(line, "state running\n"))
		return 0;
	if (!strcmp(line, "state suspended\n"))
		return 1;
	return -EIO;
}

static void reap(struct lm_mig_remote *r)
{
	int status, i;

	/* Half a second to go, then it is ended. */
	for (i = 0; i < 50 && waitpid(r->pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 50) {
		kill(r->pid, SIGTERM);
		waitpid(r->pid, &status, 0);
	}
	r->pid = 0;
}

void lm_remote_close(struct lm_mig_remote *r)
{
	if (r->to) {
		fputs("quit\n", r->to);
		fclose(r->to);
	}
	if (r->from)
		fclose(r->from);
	r->to = r->from = NULL;
	if (r->pid > 0)
		reap(r);
	if (r->pipe_saved)
		sigaction(SIGPIPE, &r->old_pipe, NULL);
	r->pipe_saved = false;
}

/* ---- the helper's side ---- */

static void answer(FILE *out, int ret, const char *err)
{
	if (ret)
		fprintf(out, "fail %d %s\n", ret, err);
	else
		fputs("ok\n", out);
	fflush(out);
}

int lm_remote_serve(struct lm_dev *d, struct lm_target *t, FILE *in,
		    FILE *out)
{
	struct lm_xfer_stats st;
	char line[128], err[1024];
	unsigned int i;
	uint64_t len;
	void *state;
	int ret;

	fprintf(out, "ready profile=%s vfn=%u cntlid=%u max_xfer=%u formats=",
		lm_profile_name(t->profile), t->vfn, t->cntlid, t->max_xfer);
	for (i = 0; i < t->formats.nv; i++)
		fprintf(out, "%s%u", i ? "," : "", t->formats.ver[i]);
	fprintf(out, " mn=%s\n", t->pf.mn);
	fflush(out);
	while (fgets(line, sizeof(line), in)) {
		*err = '\0';
		if (!strcmp(line, "suspend\n")) {
			answer(out, lm_op_suspend(d, t, false, false, err, sizeof(err)), err);
		} else if (!strcmp(line, "resume\n")) {
			answer(out, lm_op_resume(d, t, err, sizeof(err)), err);
		} else if (!strcmp(line, "state\n")) {
			ret = lm_op_is_suspended(d, t);
			fprintf(out, "state %s\n", ret < 0 ? "unknown" : ret ? "suspended" : "running");
			fflush(out);
		} else if (sscanf(line, "restore %" SCNu64, &len) == 1) {
			if (!len || len > LM_REMOTE_MAX_STATE || !(state = malloc(len)))
				return -EPROTO;
			if (fread(state, 1, len, in) != len) {
				free(state);
				return -EPIPE;
			}
			ret = lm_pick_restore_csvi(t, d->name, state, len, err, sizeof(err));
			if (!ret)
				ret = lm_op_restore(d, t, state, len, &st, NULL, err, sizeof(err));
			free(state);
			answer(out, ret, err);
		} else if (!strcmp(line, "quit\n")) {
			return 0;
		} else {
			fprintf(out, "fail %d unknown request\n", -EPROTO);
			fflush(out);
		}
	}
	return 0;
}
