/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Holding off the signals that end a command (SIGINT, SIGTERM, SIGHUP)
 * while something must be done whole: a state file written, a state loaded
 * into a VF. A signal that arrives meanwhile waits, and takes effect when
 * released, after the command said what it left behind.
 */
#ifndef LM_SIGNALS_H
#define LM_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

struct lm_held_signals {
	bool active;
	sigset_t old;
};

static inline void lm_signals_set(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGHUP);
}

static inline void lm_signals_hold(struct lm_held_signals *h)
{
	sigset_t block;

	lm_signals_set(&block);
	h->active = !sigprocmask(SIG_BLOCK, &block, &h->old);
}

/* Whether one of them arrived while held. */
static inline bool lm_signals_pending(const struct lm_held_signals *h)
{
	sigset_t pending, ours;
	int sig;

	if (!h->active || sigpending(&pending))
		return false;
	lm_signals_set(&ours);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&ours, sig) && sigismember(&pending, sig))
			return true;
	return false;
}

static inline void lm_signals_release(struct lm_held_signals *h)
{
	if (h->active)
		sigprocmask(SIG_SETMASK, &h->old, NULL);
	h->active = false;
}

#endif /* LM_SIGNALS_H */
