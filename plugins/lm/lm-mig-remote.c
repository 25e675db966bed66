// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lm-dev.h"
#include "lm-mig-remote.h"
#include "lm-ops.h"
#include "lm-policy.h"
#include "lm-profile.h"
#include "lm-spawn.h"

/* The largest state the helper takes: far above any device's. */
#define LM_REMOTE_MAX_STATE	(64u << 20)

/* ---- the engine's side ---- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* When a wait that starts now ends; 0: never. */
static uint64_t deadline(const struct lm_mig_remote *r)
{
	return r->wait_ms ? now_ms() + r->wait_ms : 0;
}

/* Wait for fd to be ready for events until the deadline: 0, -ETIMEDOUT. */
static int wait_fd(int fd, short events, uint64_t until)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t t;
	int n;

	for (;;) {
		t = now_ms();
		if (until && t >= until)
			return -ETIMEDOUT;
		n = poll(&p, 1, until ? (int)(until - t) : -1);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* The connection broke (-EPIPE) or went silent (-ETIMEDOUT). */
static int fail_conn(struct lm_mig_remote *r, int ret, char *err, size_t errlen)
{
	r->lost = true;
	if (ret == -ETIMEDOUT)
		snprintf(err, errlen, "the destination's helper (%s) did not answer within %u ms: the connection is taken as broken",
			 r->where, r->wait_ms);
	else
		snprintf(err, errlen, "the destination's helper (%s) is gone: the connection closed",
			 r->where);
	return ret == -ETIMEDOUT ? ret : -EPIPE;
}

/* All of buf to the helper: 0, -EPIPE, -ETIMEDOUT (it stopped taking it). */
static int send_all(struct lm_mig_remote *r, const void *buf, size_t len)
{
	uint64_t until = deadline(r);
	const char *p = buf;
	ssize_t n;
	int ret;

	while (len) {
		n = write(r->to, p, len);
		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -EPIPE;
		ret = wait_fd(r->to, POLLOUT, until);
		if (ret)
			return ret == -ETIMEDOUT ? ret : -EPIPE;
	}
	return 0;
}

/*
 * One line from the helper, without its newline: 0, -EPIPE (it ended),
 * -ETIMEDOUT, -EPROTO (longer than line).
 */
static int read_line(struct lm_mig_remote *r, char *line, size_t size)
{
	uint64_t until = deadline(r);
	char *nl;
	size_t n;
	ssize_t got;
	int ret;

	for (;;) {
		nl = memchr(r->in, '\n', r->nin);
		if (nl) {
			n = nl - r->in;
			if (n >= size)
				return -EPROTO;
			memcpy(line, r->in, n);
			line[n] = '\0';
			r->nin -= n + 1;
			memmove(r->in, nl + 1, r->nin);
			return 0;
		}
		if (r->nin == sizeof(r->in))
			return -EPROTO;
		ret = wait_fd(r->from, POLLIN, until);
		if (ret)
			return ret == -ETIMEDOUT ? ret : -EPIPE;
		got = read(r->from, r->in + r->nin, sizeof(r->in) - r->nin);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return -EPIPE;
		r->nin += got;
	}
}

/* One reply line: 0 for ok, the helper's RET for fail, -EPIPE if gone. */
static int reply(struct lm_mig_remote *r, char *err, size_t errlen)
{
	char line[1024];
	long ret;
	char *end;
	int n;

	/*
	 * A restore's helper says "chunk N" after each chunk it loaded: each
	 * line is a new wait, so a state of many chunks, each within the
	 * device's time-out, is not taken for a silent helper.
	 */
	do
		n = read_line(r, line, sizeof(line));
	while (!n && !strncmp(line, "chunk ", 6));
	if (n == -EPIPE || n == -ETIMEDOUT)
		return fail_conn(r, n, err, errlen);
	if (!n && !strcmp(line, "ok"))
		return 0;
	if (!n && !strncmp(line, "fail ", 5)) {
		ret = strtol(line + 5, &end, 10);
		if (end != line + 5 && ret) {
			snprintf(err, errlen, "%s", *end ? end + 1 : "failed");
			return (int)ret;
		}
	}
	/* Out of step with it: nothing it says next can be trusted. */
	r->lost = true;
	snprintf(err, errlen, "the destination's helper said: %.200s", n ? "(a line too long)" : line);
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

/* Whether it ended within ms milliseconds (reaped then). */
static bool ended_within(pid_t pid, int ms)
{
	int status, i;

	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) != 0)
			return true;
		usleep(10000);
	}
	return false;
}

static void reap(struct lm_mig_remote *r)
{
	int status;

	/*
	 * Half a second to go, then SIGTERM, then SIGKILL: a prefix stalled
	 * on a silent host may not end of itself.
	 */
	if (!ended_within(r->pid, 500)) {
		kill(-r->pid, SIGTERM);
		if (!ended_within(r->pid, 500)) {
			kill(-r->pid, SIGKILL);
			waitpid(r->pid, &status, 0);
		}
	}
	r->pid = 0;
}

/* Close the connection ("quit" first when it still works) and reap. */
static void end_helper(struct lm_mig_remote *r, bool quit)
{
	if (r->up) {
		if (quit)
			send_all(r, "quit\n", 5);
		close(r->to);
		close(r->from);
	}
	r->up = false;
	r->nin = 0;
	if (r->pid > 0)
		reap(r);
}

/*
 * Start the helper by r->cmd and read its ready line into t: 0, -EPIPE
 * (it ended first), -ETIMEDOUT (it said nothing within the wait limit),
 * -EINVAL (it refused, err says why) or -EPROTO.
 */
static int start(struct lm_mig_remote *r, struct lm_target *t, char *err,
		 size_t errlen)
{
	int in[2], out[2], ret;
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
	/* Its own process group: a silent helper behind a wrapper ends whole. */
	ret = lm_spawn_sh(r->cmd, NULL, in[0], out[1], &r->pid);
	if (ret) {
		snprintf(err, errlen, "cannot start the destination's helper: %s", strerror(ret));
		r->pid = 0;
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -ret;
	}
	close(in[0]);
	close(out[1]);
	r->to = in[1];
	r->from = out[0];
	r->up = true;
	r->nin = 0;
	/* Our ends never block: every wait is a poll with the limit. */
	fcntl(r->to, F_SETFL, fcntl(r->to, F_GETFL) | O_NONBLOCK);
	fcntl(r->from, F_SETFL, fcntl(r->from, F_GETFL) | O_NONBLOCK);
	ret = read_line(r, line, sizeof(line));
	if (ret == -ETIMEDOUT)
		snprintf(err, errlen, "it said nothing within %u ms", r->wait_ms);
	else if (ret == -EPROTO)
		snprintf(err, errlen, "the destination's helper does not speak this protocol: its first line is too long");
	if (ret)
		return ret;
	if (!strncmp(line, "error ", 6)) {
		snprintf(err, errlen, "on the destination: %.400s", line + 6);
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
		   const char *profile, uint32_t timeout_ms, uint32_t wait_ms,
		   struct lm_target *t, char *err, size_t errlen)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	char why[512];
	int n, ret;

	memset(r, 0, sizeof(*r));
	r->wait_ms = wait_ms;
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
	ret = start(r, t, why, sizeof(why));
	if (ret == -EPIPE)
		snprintf(err, errlen, "the destination's helper (%s %s lm migrate-dst) ended before it was ready: check the prefix, and that nvme with the lm plugin is there",
			 prefix, nvme);
	else if (ret == -ETIMEDOUT)
		snprintf(err, errlen, "the destination's helper (%s %s lm migrate-dst) was not ready: %s; check that the host answers",
			 prefix, nvme, why);
	else if (ret)
		snprintf(err, errlen, "%s", why);
	if (ret) {
		lm_remote_close(r);
		return ret == -ETIMEDOUT ? -EPIPE : ret;
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

/* Send a request line (and len bytes of data after it): 0, or the loss. */
static int send_request(struct lm_mig_remote *r, const char *what,
			const void *data, uint64_t len, char *err, size_t errlen)
{
	int ret = connected(r, err, errlen);

	if (!ret)
		ret = send_all(r, what, strlen(what));
	if (!ret && len)
		ret = send_all(r, data, len);
	if (ret == -EPIPE || ret == -ETIMEDOUT)
		return fail_conn(r, ret, err, errlen);
	return ret;
}

/* A request and its ok/fail answer. */
static int ask(struct lm_mig_remote *r, const char *what, const void *data,
	       uint64_t len, char *err, size_t errlen)
{
	int ret = send_request(r, what, data, len, err, errlen);

	return ret ? ret : reply(r, err, errlen);
}

int lm_remote_suspend(struct lm_mig_remote *r, char *err, size_t errlen)
{
	return ask(r, "suspend\n", NULL, 0, err, errlen);
}

int lm_remote_resume(struct lm_mig_remote *r, char *err, size_t errlen)
{
	return ask(r, "resume\n", NULL, 0, err, errlen);
}

int lm_remote_restore(struct lm_mig_remote *r, const void *state,
		      uint64_t len, char *err, size_t errlen)
{
	char line[32];

	/* "progress": a helper that knows it says "chunk N" as it goes. */
	snprintf(line, sizeof(line), "restore %" PRIu64 " progress\n", len);
	return ask(r, line, state, len, err, errlen);
}

int lm_remote_state(struct lm_mig_remote *r)
{
	char line[64], err[512];

	if (send_request(r, "state\n", NULL, 0, err, sizeof(err)))
		return -EPIPE;
	if (read_line(r, line, sizeof(line))) {
		r->lost = true;
		return -EPIPE;
	}
	if (!strcmp(line, "state running"))
		return 0;
	if (!strcmp(line, "state suspended"))
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

/*
 * Load a state chunk by chunk; with progress, "chunk N" to the engine after
 * each, so that its wait for the answer restarts (every chunk is a command
 * that may take the device's whole time-out).
 */
static int restore(struct lm_dev *d, const struct lm_target *t, const void *state,
		   uint64_t len, FILE *progress, char *err, size_t errlen)
{
	struct lm_xfer_stats st = { .failed_chunk = -1 };
	struct lm_chunker it;
	struct lm_chunk ch;
	int ret;

	if (t->profile != LM_PROFILE_TP4159 || !progress)
		return lm_op_restore(d, t, state, len, &st, NULL, err, errlen);
	if (lm_chunker_init(&it, len, t->max_xfer)) {
		snprintf(err, errlen, "a state of %" PRIu64 " bytes cannot be sent in dwords", len);
		return -EINVAL;
	}
	while (lm_chunker_next(&it, &ch)) {
		ret = lm_op_restore_chunk(d, t, state, &ch, &st, err, errlen);
		if (ret)
			return ret;
		fprintf(progress, "chunk %u\n", st.chunks);
		if (fflush(progress))
			return -EPIPE;
	}
	return 0;
}

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
				ret = restore(d, t, state, len, strstr(line, " progress\n") ? out : NULL,
					      err, sizeof(err));
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
