/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plugin's commands, listed once, and their registration with whatever
 * plugin framework the nvme-cli tree has (see lm-compat.h): the
 * PLUGIN()/ENTRY() X-macros of nvme-cli 2.x and 3.0-rc1, or a constructor
 * calling plugin_add_group() and register_extension() (nvme-cli 3.0).
 *
 * lm-nvme.c includes this once with CREATE_CMD defined, before the command
 * functions: both ways declare them first.
 */
#include "lm-compat.h"

/* E(name, help, function[, alias]) for each command, in help order. */
#define LM_COMMANDS(E)								\
	E("info", "Show the PF's live-migration support and its VFs", lm_info) \
	E("suspend", "Suspend a VF", lm_suspend, "lm-suspend")			\
	E("resume", "Resume a suspended VF", lm_resume)				\
	E("save", "Save a suspended VF's controller state to a file", lm_save, "lm-save") \
	E("restore", "Load a saved controller state into a suspended VF", lm_restore, "lm-restore") \
	E("track", "Stream a VF's changed LBA ranges until it is suspended", lm_track, "lm-track") \
	E("migrate", "Migrate a VF live to another PF's VF in one process", lm_migrate) \
	E("migrate-dst", "The destination host's helper of a migration (run by migrate)", lm_migrate_dst) \
	E("copy-ranges", "Copy the ranges of a change file between namespaces", lm_copy_ranges) \
	E("state-show", "Decode a saved controller state file", lm_state_show)	\
	E("migration-send", "Migration Send: suspend, resume, one Set Controller State transfer", lm_migration_send) \
	E("migration-recv", "Migration Receive: one Get Controller State transfer", lm_migration_recv) \
	E("create-cdq", "Create a controller data queue and hold its memory", lm_create_cdq) \
	E("delete-cdq", "Delete a controller data queue", lm_delete_cdq)	\
	E("track-send", "Track Send: start or stop logging user data changes", lm_track_send) \
	E("set-cdq", "Set a controller data queue's head pointer (Feature 21h)", lm_set_cdq) \
	E("get-cdq", "Get a controller data queue's head pointer (Feature 21h)", lm_get_cdq)

#define LM_PLUGIN_NAME "lm"
#define LM_PLUGIN_DESC "NVMe live migration of SR-IOV virtual functions (TP4159)"

#ifdef LM_REGISTER_CTOR

#ifndef LM_NVME
#define LM_NVME

/* The alias, or NULL when E() was given three arguments. */
#define LM_ALIAS_(skip, a, ...) a
#define LM_ALIAS(...) LM_ALIAS_(0, ##__VA_ARGS__, NULL)

#define LM_CMD_DECLARE(n, h, f, ...)						\
	static int f(int argc, char **argv, struct command *cmd,		\
		     struct plugin *plugin);
#define LM_CMD_DEFINE(n, h, f, ...)						\
	static struct command f##_cmd = {					\
		.name = n, .help = h, .fn = f, .alias = LM_ALIAS(__VA_ARGS__),	\
	};
#define LM_CMD_REF(n, h, f, ...) &f##_cmd,

LM_COMMANDS(LM_CMD_DECLARE)
LM_COMMANDS(LM_CMD_DEFINE)

static struct command *lm_commands[] = {
	LM_COMMANDS(LM_CMD_REF)
	NULL,
};

static struct plugin lm_plugin = {
	.name = LM_PLUGIN_NAME,
	.desc = LM_PLUGIN_DESC,
	.version = NVME_VERSION,
};

static void __attribute__((constructor)) lm_register(void)
{
	plugin_add_group(&lm_plugin, NULL, lm_commands);
	register_extension(&lm_plugin);
}

#endif /* LM_NVME */

#else /* the X-macros: define_cmd.h reads this file again, once per stage */

#undef CMD_INC_FILE
#define CMD_INC_FILE plugins/lm/lm-nvme

#if !defined(LM_NVME) || defined(CMD_HEADER_MULTI_READ)
#define LM_NVME

#include "cmd.h"

PLUGIN(NAME(LM_PLUGIN_NAME, LM_PLUGIN_DESC, NVME_VERSION),
	COMMAND_LIST(
		LM_COMMANDS(ENTRY)
	)
);

#endif

#include "define_cmd.h"

#endif /* LM_REGISTER_CTOR */
