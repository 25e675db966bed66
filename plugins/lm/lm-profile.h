/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which command set a PF speaks for live migration. */
#ifndef LM_PROFILE_H
#define LM_PROFILE_H

#include <string.h>

enum lm_profile {
	LM_PROFILE_AUTO		= 0,
	LM_PROFILE_TP4159	= 1,
	LM_PROFILE_INTEL_2022	= 2,
};

static inline const char *lm_profile_name(enum lm_profile p)
{
	switch (p) {
	case LM_PROFILE_AUTO:		return "auto";
	case LM_PROFILE_TP4159:		return "tp4159";
	case LM_PROFILE_INTEL_2022:	return "intel-2022";
	default:			return "unknown";
	}
}

/* Returns the profile, or -1 for a name that is none of them. */
static inline int lm_profile_parse(const char *s)
{
	enum lm_profile p;

	for (p = LM_PROFILE_AUTO; p <= LM_PROFILE_INTEL_2022; p++)
		if (!strcmp(s, lm_profile_name(p)))
			return p;
	return -1;
}

#endif /* LM_PROFILE_H */
