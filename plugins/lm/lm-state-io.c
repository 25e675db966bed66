// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lm-cleanup.h"
#include "lm-ctrl-state.h"
#include "lm-file.h"
#include "lm-profile.h"
#include "lm-signals.h"
#include "lm-state-io.h"

void lm_state_ident(const struct lm_target *t, const void *state,
		    uint64_t len, struct lm_sf_ident *id)
{
	*id = (struct lm_sf_ident){
		.vid = t->pf.vid, .cntlid = t->cntlid, .vfn = t->vfn,
		.profile = t->profile, .created = time(NULL),
	};
	snprintf(id->mn, sizeof(id->mn), "%s", t->pf.mn);
	snprintf(id->fr, sizeof(id->fr), "%s", t->pf.fr);
	snprintf(id->sn, sizeof(id->sn), "%s", t->pf.sn);
	if (state && t->profile == LM_PROFILE_TP4159)
		id->csver = lm_ctrl_state_nvme_version(state, len);
}

int lm_state_write(const char *path, const struct lm_target *t, bool raw,
		   bool replace, const void *state, uint64_t len, char *err,
		   size_t errlen)
{
	struct lm_held_signals held;
	struct lm_sf_ident id;
	struct lm_atomic out;
	int ret = 0;

	lm_state_ident(t, state, len, &id);

	/* Written whole or not at all: no signal in between. */
	lm_signals_hold(&held);
	if (!raw) {
		if (lm_sf_write_path(path, &id, state, len, replace, err, errlen))
			ret = -EIO;
	} else if (lm_atomic_open(&out, path, replace)) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		ret = -errno;
	} else if (lm_write_full(out.fd, state, len) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		lm_atomic_abort(&out);
		ret = -EIO;
	} else if (lm_atomic_commit(&out)) {
		snprintf(err, errlen, errno == EEXIST ?
			 "%s appeared meanwhile: not replaced; the state was not written" :
			 "cannot complete %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	lm_signals_release(&held);
	return ret;
}

int lm_state_read(const char *path, bool raw, enum lm_profile raw_profile,
		  struct lm_sf_hdr *h, void **state, uint64_t *len, char *err,
		  size_t errlen)
{
	_lm_close_ int fd = -1;
	struct lm_ctrl_state cs;
	char why[256];
	size_t n;
	int ret;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (!raw) {
		if (lm_sf_read_fd(fd, h, state, why, sizeof(why))) {
			snprintf(err, errlen, "%s: %s; nothing was sent", path, why);
			return -EINVAL;
		}
		*len = h->payload_len;
	} else {
		ret = lm_read_all(fd, state, &n, LM_SF_MAX_PAYLOAD, why, sizeof(why));
		if (ret) {
			snprintf(err, errlen, "%s: %s", path, why);
			return ret;
		}
		*len = n;
	}
	if ((raw ? raw_profile : h->id.profile) != LM_PROFILE_TP4159)
		return 0;
	if (lm_ctrl_state_parse(*state, *len, &cs, why, sizeof(why)) ||
	    lm_ctrl_state_check_queues(&cs, why, sizeof(why))) {
		snprintf(err, errlen, "%s: not a usable controller state: %s; nothing was sent",
			 path, why);
		return -EINVAL;
	}
	if (!cs.nvme_len) {
		snprintf(err, errlen,
			 "%s: a controller state header with an empty NVMe part is no state (saved with CSVI 0?); nothing was sent",
			 path);
		return -EINVAL;
	}
	return 0;
}
