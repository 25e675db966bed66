// SPDX-License-Identifier: GPL-2.0-or-later
/* CRC32C against published vectors (RFC 3720 B.4 and the usual check value). */
#include <stdlib.h>

#include "unit.h"
#include "lm-crc32c.h"

static void test_check_value(void)
{
	CHECK_EQ(lm_crc32c(0, "123456789", 9), 0xe3069283);
	CHECK_EQ(lm_crc32c_sw(0, "123456789", 9), 0xe3069283);
	CHECK_EQ(lm_crc32c(0, "", 0), 0);
}

static void test_rfc3720_vectors(void)
{
	uint8_t b[48];
	int i;

	memset(b, 0, 32);
	CHECK_EQ(lm_crc32c(0, b, 32), 0x8a9136aa);
	memset(b, 0xff, 32);
	CHECK_EQ(lm_crc32c(0, b, 32), 0x62a8ab43);
	for (i = 0; i < 32; i++)
		b[i] = i;
	CHECK_EQ(lm_crc32c(0, b, 32), 0x46dd794e);
	for (i = 0; i < 32; i++)
		b[i] = 31 - i;
	CHECK_EQ(lm_crc32c(0, b, 32), 0x113fdb5c);

	/* An iSCSI SCSI Read (10) command PDU. */
	static const uint8_t pdu[48] = {
		0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
		0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	CHECK_EQ(lm_crc32c(0, pdu, sizeof(pdu)), 0xd9963a56);
	CHECK_EQ(lm_crc32c_sw(0, pdu, sizeof(pdu)), 0xd9963a56);
}

static void test_incremental(void)
{
	const char *s = "123456789";
	uint32_t crc;

	crc = lm_crc32c(0, s, 4);
	crc = lm_crc32c(crc, s + 4, 5);
	CHECK_EQ(crc, 0xe3069283);
}

/* The fast path must agree with the table path at every length and alignment. */
static void test_paths_agree(void)
{
	static uint8_t b[4096 + 16];
	unsigned int seed = 1, off, len, bad = 0;

	for (len = 0; len < sizeof(b); len++)
		b[len] = rand_r(&seed);
	for (off = 0; off < 8; off++)
		for (len = 0; len < 300; len++)
			bad += lm_crc32c(0, b + off, len) !=
			       lm_crc32c_sw(0, b + off, len);
	bad += lm_crc32c(0, b + 3, 4096) != lm_crc32c_sw(0, b + 3, 4096);
	CHECK_EQ(bad, 0);
}

int main(void)
{
	RUN(test_check_value);
	RUN(test_rfc3720_vectors);
	RUN(test_incremental);
	RUN(test_paths_agree);
	return unit_summary("test-crc32c");
}
