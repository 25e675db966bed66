// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Faults: armed by "lmsimctl fault", each strikes the NTH next admin command
 * with its opcode, once. What a fault does to a command happens here, around
 * the device model (sim_admin), which never knows.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static const char *const fault_names[] = {
	[SIM_FAULT_NONE]	= "none",
	[SIM_FAULT_STATUS]	= "status",
	[SIM_FAULT_DELAY]	= "delay",
	[SIM_FAULT_LOSE]	= "lose",
	[SIM_FAULT_FLIP]	= "flip",
	[SIM_FAULT_MUTE]	= "mute",
};

const char *sim_fault_name(enum sim_fault_kind kind)
{
	if ((unsigned int)kind >= sizeof(fault_names) / sizeof(fault_names[0]))
		return fault_names[SIM_FAULT_NONE];
	return fault_names[kind];
}

enum sim_fault_kind sim_fault_by_name(const char *name)
{
	unsigned int k;

	for (k = SIM_FAULT_NONE + 1; k < sizeof(fault_names) / sizeof(fault_names[0]); k++)
		if (!strcmp(name, fault_names[k]))
			return k;
	return SIM_FAULT_NONE;
}

bool sim_fault_takes_arg(enum sim_fault_kind kind)
{
	return kind == SIM_FAULT_STATUS || kind == SIM_FAULT_DELAY;
}

int sim_fault_arm(struct sim *s, const struct sim_fault *f)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_FAULT; i++) {
		if (s->fault[i].kind == SIM_FAULT_NONE) {
			s->fault[i] = *f;
			return 0;
		}
	}
	return -ENOSPC;
}

void sim_fault_clear(struct sim *s)
{
	memset(s->fault, 0, sizeof(s->fault));
}

/* The fault, if any, that strikes this command; it is used up. */
static struct sim_fault take(struct sim *s, uint8_t opcode)
{
	struct sim_fault none = { .kind = SIM_FAULT_NONE }, f;
	unsigned int i;

	for (i = 0; i < SIM_MAX_FAULT; i++) {
		if (s->fault[i].kind == SIM_FAULT_NONE ||
		    s->fault[i].opcode != opcode)
			continue;
		if (--s->fault[i].nth)
			continue;
		f = s->fault[i];
		s->fault[i].kind = SIM_FAULT_NONE;
		return f;
	}
	return none;
}

/*
 * Run one admin command as the device would, with the fault armed for it.
 * Returns the kind of fault that struck; for SIM_FAULT_LOSE the command
 * never completes and *status is left alone.
 */
enum sim_fault_kind sim_fault_admin(struct sim *s, struct sim_cmd *c,
				    uint32_t *status)
{
	struct sim_fault f = take(s, c->opcode);

	switch (f.kind) {
	case SIM_FAULT_LOSE:
		return f.kind;
	case SIM_FAULT_STATUS:
		*status = f.arg;
		return f.kind;
	case SIM_FAULT_DELAY:
		usleep(f.arg * 1000);
		break;
	default:
		break;
	}
	c->ctrl->pf->mute_cdq = f.kind == SIM_FAULT_MUTE;
	*status = sim_admin(c);
	c->ctrl->pf->mute_cdq = false;
	if (f.kind == SIM_FAULT_FLIP && c->out_len)
		c->data[c->out_len / 2] ^= 0x01;
	return f.kind;
}
