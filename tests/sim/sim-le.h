/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Little-endian fields of the device's data structures, as the simulator sees them. */
#ifndef SIM_LE_H
#define SIM_LE_H

#include <stdint.h>

static inline void w16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static inline void w32(uint8_t *p, uint32_t v) { w16(p, v); w16(p + 2, v >> 16); }
static inline void w64(uint8_t *p, uint64_t v) { w32(p, v); w32(p + 4, v >> 32); }
static inline uint16_t r16(const uint8_t *p) { return p[0] | p[1] << 8; }
static inline uint32_t r32(const uint8_t *p) { return r16(p) | (uint32_t)r16(p + 2) << 16; }
static inline uint64_t r64(const uint8_t *p) { return r32(p) | (uint64_t)r32(p + 4) << 32; }

#endif /* SIM_LE_H */
