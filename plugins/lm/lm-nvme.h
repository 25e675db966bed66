/* SPDX-License-Identifier: GPL-2.0-or-later */
#undef CMD_INC_FILE
#define CMD_INC_FILE plugins/lm/lm-nvme

#if !defined(LM_NVME) || defined(CMD_HEADER_MULTI_READ)
#define LM_NVME

#include "cmd.h"

PLUGIN(NAME("lm", "NVMe live migration of SR-IOV virtual functions (TP4159)", NVME_VERSION),
	COMMAND_LIST(
		ENTRY("state-show", "Decode a saved controller state file", lm_state_show)
	)
);

#endif

#include "define_cmd.h"
