// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "lm-args.h"

int lm_parse_num(const char *opt, const char *s, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	/* strtoull takes a sign and leading blanks; a number here may not. */
	if (!s || !isdigit((unsigned char)*s))
		goto bad;
	/* No octal: "010" would otherwise be 8. */
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	snprintf(err, errlen, "%s '%s': give a whole number from %" PRIu64 " to %" PRIu64,
		 opt, s ? s : "", min, max);
	return -EINVAL;
}

int lm_parse_opt_num(const char *opt, const char *s, uint64_t min,
		     uint64_t max, int64_t *out, char *err, size_t errlen)
{
	uint64_t v;
	int ret;

	*out = -1;
	if (!s || !*s)
		return 0;
	ret = lm_parse_num(opt, s, min, max, &v, err, errlen);
	if (!ret)
		*out = v;
	return ret;
}
