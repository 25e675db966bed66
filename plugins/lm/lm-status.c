// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <stdio.h>

#include "lm-cmd.h"
#include "lm-status.h"

struct status_name {
	uint8_t sct;
	uint8_t sc;
	const char *name;
};

static const struct status_name names[] = {
	{ LM_SCT_GENERIC, 0x00, "Successful Completion" },
	{ LM_SCT_GENERIC, LM_SC_INVALID_OPCODE, "Invalid Command Opcode" },
	{ LM_SCT_GENERIC, LM_SC_INVALID_FIELD, "Invalid Field in Command" },
	{ LM_SCT_GENERIC, 0x04, "Data Transfer Error" },
	{ LM_SCT_GENERIC, 0x06, "Internal Error" },
	{ LM_SCT_GENERIC, 0x07, "Command Abort Requested" },
	{ LM_SCT_GENERIC, 0x0b, "Invalid Namespace or Format" },
	{ LM_SCT_GENERIC, 0x0c, "Command Sequence Error" },
	{ LM_SCT_CMD_SPECIFIC, LM_SC_INVALID_CTRL_ID, "Invalid Controller Identifier" },
	{ LM_SCT_CMD_SPECIFIC, LM_SC_INVALID_CDQ, "Invalid Controller Data Queue" },
	{ LM_SCT_CMD_SPECIFIC, LM_SC_NOT_ENOUGH_RES, "Not Enough Resources" },
	{ LM_SCT_CMD_SPECIFIC, LM_SC_CTRL_SUSPENDED, "Controller Suspended" },
	{ LM_SCT_CMD_SPECIFIC, LM_SC_CTRL_NOT_SUSPENDED, "Controller Not Suspended" },
	{ LM_SCT_CMD_SPECIFIC, LM_SC_CDQ_FULL, "Controller Data Queue Full" },
};

const char *lm_status_name(int status)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sct == lm_status_sct(status) &&
		    names[i].sc == lm_status_sc(status))
			return names[i].name;
	return NULL;
}

void lm_status_describe(char *buf, size_t len, uint8_t opcode, int status)
{
	const char *name = lm_status_name(status);
	bool no_lm = lm_status_sct(status) == LM_SCT_GENERIC &&
		     lm_status_sc(status) == LM_SC_INVALID_OPCODE &&
		     lm_opcode_is_lm(opcode);

	/*
	 * Do Not Retry with a Successful Completion code: a device that
	 * refused without saying why (seen on a VF's own admin queue). It is
	 * a failure, and must not read as a success.
	 */
	if (!lm_status_sct(status) && !lm_status_sc(status)) {
		snprintf(buf, len,
			 "%s: the controller answered status 0x%x (%s with no status code): it refused the command without naming a reason",
			 lm_opcode_name(opcode), status,
			 status & 0x4000 ? "Do Not Retry" : "flags");
		return;
	}
	if (no_lm) {
		snprintf(buf, len,
			 "this controller does not support live migration (TP4159): %s rejected as Invalid Command Opcode (0x%x)",
			 lm_opcode_name(opcode), status);
		return;
	}
	snprintf(buf, len, "%s: %s (SCT 0x%x, SC 0x%02x, status 0x%x)",
		 lm_opcode_name(opcode), name ? name : "Unknown Status",
		 lm_status_sct(status), lm_status_sc(status), status);
}
