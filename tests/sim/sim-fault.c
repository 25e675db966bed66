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
	[SIM_FAULT_TIMEOUT]	= "timeout",
	[SIM_FAULT_RESET]	= "reset",
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

/* Words after OPCODE NTH: a status, a delay, or the PF and VF to reset. */
unsigned int sim_fault_args(enum sim_fault_kind kind)
{
	switch (kind) {
	case SIM_FAULT_STATUS:
	case SIM_FAULT_DELAY:
		return 1;
	case SIM_FAULT_RESET:
		return 2;
	default:
		return 0;
	}
}

/* Whether the host ever sees the completion of a command this struck. */
bool sim_fault_completes(enum sim_fault_kind kind)
{
	return kind != SIM_FAULT_LOSE && kind != SIM_FAULT_TIMEOUT;
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
	memset(&s->war, 0, sizeof(s->war));
}

/*
 * For an open of namespace ns on pf: 1 + the block whose read fires the
 * armed write-after-read, or 0 when none watches it.
 */
uint64_t sim_war_watch(const struct sim *s, const struct sim_pf *pf,
		       const struct sim_ns *ns)
{
	const struct sim_ctrl *vf = s->war.vf;

	if (!vf || s->war.fired || vf->pf != pf || !(ns->attached & 1ull << vf->index))
		return 0;
	return s->war.lba + 1;
}

/* The host's read covered the block: the guest writes it now, logged. */
int sim_war_fire(struct sim *s)
{
	if (!s->war.vf || s->war.fired)
		return -ENOENT;
	s->war.fired = true;
	return sim_vf_write_fill(s->war.vf, s->war.lba, 1, s->war.byte);
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
 * never completes and *status is left alone; SIM_FAULT_TIMEOUT's command
 * takes effect but never completes either (the host's ioctl times out, not
 * knowing that it did); after SIM_FAULT_RESET's, the named VF is reset.
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
	if (f.kind == SIM_FAULT_RESET)
		sim_vf_flr(f.reset);
	return f.kind;
}
