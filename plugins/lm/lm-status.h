/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NVMe completion status, named the way the live-migration commands use it. */
#ifndef LM_STATUS_H
#define LM_STATUS_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define LM_SCT_GENERIC		0x0
#define LM_SCT_CMD_SPECIFIC	0x1

#define LM_SC_INVALID_OPCODE	0x01
#define LM_SC_INVALID_FIELD	0x02

#define LM_SC_INVALID_CTRL_ID	0x1f
#define LM_SC_INVALID_CDQ	0x37
#define LM_SC_NOT_ENOUGH_RES	0x38
#define LM_SC_CTRL_SUSPENDED	0x39
#define LM_SC_CTRL_NOT_SUSPENDED 0x3a
#define LM_SC_CDQ_FULL		0x3b

/* Status as the passthrough ioctl returns it: SC 7:0, SCT 10:8, DNR bit 14. */
static inline uint8_t lm_status_sc(int status)
{
	return status & 0xff;
}

static inline uint8_t lm_status_sct(int status)
{
	return (status >> 8) & 0x7;
}

/* Whether a submit's return is command specific status sc. */
static inline bool lm_status_is_cmd(int ret, uint8_t sc)
{
	return ret > 0 && lm_status_sct(ret) == LM_SCT_CMD_SPECIFIC &&
	       lm_status_sc(ret) == sc;
}

/* The status code's name, or NULL when this table does not know it. */
const char *lm_status_name(int status);

/*
 * One line for a user: the name and the raw fields, or, for Invalid Command
 * Opcode on a live-migration opcode, that the controller lacks TP4159.
 */
void lm_status_describe(char *buf, size_t len, uint8_t opcode, int status);

#endif /* LM_STATUS_H */
