/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict numbers for options that pick a device or a timing. argconfig's
 * integer options wrap (--vf 4294967297 became VF 1) and accept trailing
 * text (--vf 2x became VF 2); on a command that stops a live VM's device,
 * anything but an exact, in-range number is refused.
 */
#ifndef LM_ARGS_H
#define LM_ARGS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a decimal or 0x-hexadecimal number with no sign, no trailing text
 * and no more than max. Returns 0, or -EINVAL with a one-line message that
 * names the option (opt, e.g. "--vf") and the accepted range.
 */
int lm_parse_num(const char *opt, const char *s, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen);

/* As lm_parse_num, for an option that may be absent (s NULL or ""): *out = -1. */
int lm_parse_opt_num(const char *opt, const char *s, uint64_t min,
		     uint64_t max, int64_t *out, char *err, size_t errlen);

#endif /* LM_ARGS_H */
