/* SPDX-License-Identifier: GPL-2.0-or-later */
#undef CMD_INC_FILE
#define CMD_INC_FILE plugins/lm/lm-nvme

#if !defined(LM_NVME) || defined(CMD_HEADER_MULTI_READ)
#define LM_NVME

#include "cmd.h"

PLUGIN(NAME("lm", "NVMe live migration of SR-IOV virtual functions (TP4159)", NVME_VERSION),
	COMMAND_LIST(
		ENTRY("info", "Show the PF's live-migration support and its VFs", lm_info)
		ENTRY("suspend", "Suspend a VF", lm_suspend, "lm-suspend")
		ENTRY("resume", "Resume a suspended VF", lm_resume)
		ENTRY("save", "Save a suspended VF's controller state to a file", lm_save, "lm-save")
		ENTRY("restore", "Load a saved controller state into a suspended VF", lm_restore, "lm-restore")
		ENTRY("track", "Stream a VF's changed LBA ranges until it is suspended", lm_track, "lm-track")
		ENTRY("copy-ranges", "Copy the ranges of a change file between namespaces", lm_copy_ranges)
		ENTRY("state-show", "Decode a saved controller state file", lm_state_show)
		ENTRY("migration-send", "Migration Send: suspend, resume, one Set Controller State transfer", lm_migration_send)
		ENTRY("migration-recv", "Migration Receive: one Get Controller State transfer", lm_migration_recv)
		ENTRY("create-cdq", "Create a controller data queue and hold its memory", lm_create_cdq)
		ENTRY("delete-cdq", "Delete a controller data queue", lm_delete_cdq)
		ENTRY("track-send", "Track Send: start or stop logging user data changes", lm_track_send)
		ENTRY("set-cdq", "Set a controller data queue's head pointer (Feature 21h)", lm_set_cdq)
		ENTRY("get-cdq", "Get a controller data queue's head pointer (Feature 21h)", lm_get_cdq)
	)
);

#endif

#include "define_cmd.h"
