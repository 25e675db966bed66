/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LM_CRC32C_H
#define LM_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC32C (Castagnoli), as iSCSI and NVMe/TCP use it. Start with crc = 0 and
 * feed the result back in to continue over more data.
 */
uint32_t lm_crc32c(uint32_t crc, const void *buf, size_t len);

/* The portable path alone, so tests and benchmarks can compare the two. */
uint32_t lm_crc32c_sw(uint32_t crc, const void *buf, size_t len);

#endif /* LM_CRC32C_H */
