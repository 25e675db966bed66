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
	r->lost = true;
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

/* Close the connection ("quit" first when it still works) and reap. */
static void end_helper(struct lm_mig_remote *r, bool quit)
{
	if (r->to) {
		if (quit)
			fputs("quit\n", r->to);
		fclose(r->to);
	}
	if (r->from)
		fclose(r->from);
	r->to = r->from = NULL;
	if (r->pid > 0)
		reap(r);
}

/*
 * Start the helper by r->cmd and read its ready line into t: 0, -EPIPE
 * (it ended first), -EINVAL (it refused, err says why) or -EPROTO.
 */
static int start(struct lm_mig_remote *r, struct lm_target *t, char *err,
		 size_t errlen)
{
	int in[2], out[2];
	char line[1024];

	if (pipe2(in, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot make pipes: %s", strerror(errno));
		return -errno;
	}
	if (pipe2(out, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot make pipes: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	fflush(NULL);
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(err, errlen, "cannot start the destination's helper: %s", strerror(errno));
		r->pid = 0;
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	if (!r->pid) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		child(r->cmd);
	}
	close(in[0]);
	close(out[1]);
	r->to = fdopen(in[1], "w");
	r->from = fdopen(out[0], "r");
	if (!r->to || !r->from) {
		if (!r->to)
			close(in[1]);
		if (!r->from)
			close(out[0]);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!fgets(line, sizeof(line), r->from))
		return -EPIPE;
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "error ", 6)) {
		snprintf(err, errlen, "on the destination: %s", line + 6);
		return -EINVAL;
	}
	if (parse_ready(line, t)) {
		snprintf(err, errlen, "the destination's helper does not speak this protocol: '%.200s'",
			 line);
		return -EPROTO;
	}
	return 0;
}

int lm_remote_open(struct lm_mig_remote *r, const char *prefix,
		   const char *nvme, const char *dev, int vf, int cntlid,
		   const char *profile, uint32_t timeout_ms,
		   struct lm_target *t, char *err, size_t errlen)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	int n, ret;

	memset(r, 0, sizeof(*r));
	snprintf(r->where, sizeof(r->where), "%s", prefix);
	/* Every word here was checked: a device path, numbers, a profile. */
	n = snprintf(r->cmd, sizeof(r->cmd), "%s %s lm migrate-dst %s %s %d --profile %s --timeout %u",
		     prefix, nvme, dev, vf >= 0 ? "--vf" : "--cntlid",
		     vf >= 0 ? vf : cntlid, profile, timeout_ms);
	if (n < 0 || (size_t)n >= sizeof(r->cmd)) {
		snprintf(err, errlen, "the destination's command prefix is too long");
		return -EINVAL;
	}
	r->pipe_saved = !sigaction(SIGPIPE, &ign, &r->old_pipe);
	ret = start(r, t, err, errlen);
	if (ret == -EPIPE)
		snprintf(err, errlen, "the destination's helper (%s %s lm migrate-dst) ended before it was ready: check the prefix, and that nvme with the lm plugin is there",
			 prefix, nvme);
	if (ret) {
		lm_remote_close(r);
		return ret;
	}
	r->t = *t;
	return 0;
}

/*
 * Before a request: a connection that broke is started again, once a
 * loss, by the same command, and must serve the same VF.
 */
static int connected(struct lm_mig_remote *r, char *err, size_t errlen)
{
	struct lm_target t = { 0 };
	char why[512];
	int ret;

	if (r->unreachable) {
		snprintf(err, errlen, "the destination's helper (%s) cannot be reached since its connection broke",
			 r->where);
		return -EPIPE;
	}
	if (!r->lost)
		return 0;
	end_helper(r, false);
	r->lost = false;
	ret = start(r, &t, why, sizeof(why));
	if (!ret && (t.profile != r->t.profile || t.vfn != r->t.vfn || t.cntlid != r->t.cntlid)) {
		snprintf(why, sizeof(why), "the new helper serves another VF (%u, CNTLID %u)",
			 t.vfn, t.cntlid);
		ret = -EPROTO;
	}
	if (ret) {
		end_helper(r, false);
		r->unreachable = true;
		snprintf(err, errlen, "the connection to the destination's helper (%s) broke and cannot be made again: %s",
			 r->where, ret == -EPIPE ? "it ended before it was ready" : why);
		return -EPIPE;
	}
	return 0;
}

static int request(struct lm_mig_remote *r, const char *what, char *err,
		   size_t errlen)
{
	int ret = connected(r, err, errlen);

	if (ret)
		return ret;
	if (fprintf(r->to, "%s\n", what) < 0)
		return fail_conn(r, err, errlen);
	return reply(r, err, errlen);
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
	int ret = connected(r, err, errlen);

	if (ret)
		return ret;
	if (fprintf(r->to, "restore %" PRIu64 "\n", len) < 0 ||
	    fwrite(state, 1, len, r->to) != len)
		return fail_conn(r, err, errlen);
	return reply(r, err, errlen);
}

int lm_remote_state(struct lm_mig_remote *r)
{
	char line[64], err[512];

	if (connected(r, err, sizeof(err)))
		return -EPIPE;
	if (fputs("state\n", r->to) < 0 || fflush(r->to) ||
	    !fgets(line, sizeof(line), r->from)) {
		r->lost = true;
		return -EPIPE;
	}
	if (!strcmp(line, "state running\n"))
		return 0;
	if (!strcmp(line, "state suspended\n"))
		return 1;
	return -EIO;
}

void lm_remote_close(struct lm_mig_remote *r)
{
	end_helper(r, !r->lost);
	if (r->pipe_saved)
		sigaction(SIGPIPE, &r->old_pipe, NULL);
	r->pipe_saved = false;
}

/* ---- the helper's side ---- */

/* 0, or -EPIPE when the engine can no longer hear it. */
static int answer(FILE *out, int ret, const char *err)
{
	if (ret)
		fprintf(out, "fail %d %s\n", ret, err);
	else
		fputs("ok\n", out);
	return fflush(out) || ferror(out) ? -EPIPE : 0;
}

/*
 * The engine went away without "quit": a VF this helper suspended and
 * loaded nothing into runs again as it did before the migration; one with
 * a state loaded (maybe in part) stays suspended, for the engine's report
 * to name. Said on stderr, the only place left to say it.
 */
static int connection_lost(struct lm_dev *d, struct lm_target *t, bool suspended,
			   bool loaded)
{
	char err[1024];

	if (suspended && !loaded) {
		if (lm_op_resume(d, t, err, sizeof(err)))
			fprintf(stderr, "migrate-dst: the migration's connection broke; VF %u, suspended for it, cannot be resumed: %s\n",
				t->vfn, err);
		else
			fprintf(stderr, "migrate-dst: the migration's connection broke; VF %u resumed as it was before it\n",
				t->vfn);
	} else if (suspended) {
		fprintf(stderr, "migrate-dst: the migration's connection broke; VF %u stays suspended with a state loaded (in part?): restore or reset it before use\n",
			t->vfn);
	}
	return -EPIPE;
}

int lm_remote_serve(struct lm_dev *d, struct lm_target *t, FILE *in,
		    FILE *out)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	/* What this helper did to the VF, for a connection that breaks. */
	bool suspended = false, loaded = false;
	struct lm_xfer_stats st;
	char line[128], err[1024];
	unsigned int i;
	uint64_t len;
	void *state;
	int ret;

	/* A broken connection is an error to handle, not a death. */
	sigaction(SIGPIPE, &ign, NULL);
	fprintf(out, "ready profile=%s vfn=%u cntlid=%u max_xfer=%u formats=",
		lm_profile_name(t->profile), t->vfn, t->cntlid, t->max_xfer);
	for (i = 0; i < t->formats.nv; i++)
		fprintf(out, "%s%u", i ? "," : "", t->formats.ver[i]);
	fprintf(out, " mn=%s\n", t->pf.mn);
	if (fflush(out))
		return -EPIPE;
	while (fgets(line, sizeof(line), in)) {
		*err = '\0';
		if (!strcmp(line, "suspend\n")) {
			ret = lm_op_suspend(d, t, false, false, err, sizeof(err));
			/* A timed-out suspend may have happened. */
			if (!ret || ret == -EINTR || ret == -ETIMEDOUT) {
				suspended = true;
				loaded = false;
			}
		} else if (!strcmp(line, "resume\n")) {
			ret = lm_op_resume(d, t, err, sizeof(err));
			if (!ret)
				suspended = loaded = false;
		} else if (!strcmp(line, "state\n")) {
			ret = lm_op_is_suspended(d, t);
			fprintf(out, "state %s\n", ret < 0 ? "unknown" : ret ? "suspended" : "running");
			if (fflush(out))
				break;
			continue;
		} else if (sscanf(line, "restore %" SCNu64, &len) == 1) {
			if (!len || len > LM_REMOTE_MAX_STATE || !(state = malloc(len)))
				break;
			if (fread(state, 1, len, in) != len) {
				free(state);
				break;
			}
			loaded = true;
			ret = lm_pick_restore_csvi(t, d->name, state, len, err, sizeof(err));
			if (!ret)
				ret = lm_op_restore(d, t, state, len, &st, NULL, err, sizeof(err));
			free(state);
		} else if (!strcmp(line, "quit\n")) {
			return 0;
		} else {
			ret = -EPROTO;
			snprintf(err, sizeof(err), "unknown request");
		}
		if (answer(out, ret, err))
			break;
	}
	return connection_lost(d, t, suspended, loaded);
}
