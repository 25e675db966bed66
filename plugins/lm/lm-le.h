/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Little-endian field access for device and file layouts. Byte-wise so that
 * it never depends on the host's byte order or on the buffer's alignment.
 */
#ifndef LM_LE_H
#define LM_LE_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t lm_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t lm_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t lm_get_le64(const uint8_t *p)
{
	return (uint64_t)lm_get_le32(p) | (uint64_t)lm_get_le32(p + 4) << 32;
}

static inline void lm_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static inline void lm_put_le32(uint8_t *p, uint32_t v)
{
	lm_put_le16(p, v & 0xffff);
	lm_put_le16(p + 2, v >> 16);
}

static inline void lm_put_le64(uint8_t *p, uint64_t v)
{
	lm_put_le32(p, v & 0xffffffff);
	lm_put_le32(p + 4, v >> 32);
}

/*
 * A fixed-width ASCII field (Identify's SN/MN/FR, the state file's copies
 * of them) as a C string in dst (len + 1 bytes): what is not printable
 * becomes bad, trailing spaces go.
 */
static inline void lm_get_str(char *dst, const uint8_t *src, size_t len,
			      char bad)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : bad;
	while (len && dst[len - 1] == ' ')
		len--;
	dst[len] = '\0';
}

#endif /* LM_LE_H */
