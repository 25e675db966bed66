// SPDX-License-Identifier: GPL-2.0-or-later
/* lm-le.h: little-endian fields and fixed-width ASCII fields. */
#include "unit.h"
#include "lm-le.h"

static void test_le(void)
{
	uint8_t b[8];

	lm_put_le64(b, 0x0807060504030201ull);
	CHECK_EQ(b[0], 1);
	CHECK_EQ(b[7], 8);
	CHECK_EQ(lm_get_le16(b), 0x0201);
	CHECK_EQ(lm_get_le32(b), 0x04030201);
	CHECK_EQ(lm_get_le64(b), 0x0807060504030201ull);
}

static void test_get_str(void)
{
	const uint8_t id[8] = { 'S', 'N', 0x01, '1', ' ', ' ', ' ', ' ' };
	const uint8_t full[4] = { 'a', 'b', 'c', 'd' };
	const uint8_t blank[4] = { ' ', ' ', ' ', ' ' };
	const uint8_t nul[4] = { 'x', 0, 0, 0 };
	char s[9];

	/* Identify: what is not printable becomes a space; trailing spaces go. */
	lm_get_str(s, id, sizeof(id), ' ');
	CHECK_STR(s, "SN 1");
	/* The state file marks it instead. */
	lm_get_str(s, id, sizeof(id), '?');
	CHECK_STR(s, "SN?1");
	lm_get_str(s, full, sizeof(full), ' ');
	CHECK_STR(s, "abcd");
	lm_get_str(s, blank, sizeof(blank), '?');
	CHECK_STR(s, "");
	/* NUL padding: spaces (trimmed) from Identify, marked from a file. */
	lm_get_str(s, nul, sizeof(nul), ' ');
	CHECK_STR(s, "x");
	lm_get_str(s, nul, sizeof(nul), '?');
	CHECK_STR(s, "x???");
}

int main(void)
{
	RUN(test_le);
	RUN(test_get_str);
	return unit_summary("test-le");
}
