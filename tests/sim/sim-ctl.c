// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control commands: the text lines lmsimctl sends ("bind 0 1 nvme"), one
 * table of them. Each answers "ok ...", a report, or "error: ...".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define CTL_MAX_WORDS	8

/* One control command being run: its words, and where its reply goes. */
struct ctl_call {
	struct sim *s;
	char **arg;			/* the words after the name */
	int nargs;
	struct sim_ctrl *vf;		/* the VF they name, for vf_arg >= 0 */
	char *out;			/* "ok\n" unless the command writes */
	size_t len;
};

struct ctl_cmd {
	const char *name;
	int min_args, max_args;
	int vf_arg;			/* arg[i], arg[i + 1]: PF and VF; or -1 */
	/* 0, or -EINVAL for words that do not fit: the usage line answers. */
	int (*run)(struct ctl_call *c);
	const char *usage;		/* the words after the name */
};

/* A whole word as a number no larger than max; base 0 takes 0x and 0 too. */
static int number(const char *w, int base, unsigned long long max,
		  unsigned long long *v)
{
	char *end;

	if (*w == '-' || *w == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoull(w, &end, base);
	return end == w || *end || errno || *v > max ? -EINVAL : 0;
}

/*
 * The VF two words name, PF and VF: 0, or 1 with the reply written, or
 * -EINVAL for words that are not numbers.
 */
static int vf_arg(struct ctl_call *c, char **arg)
{
	unsigned long long p, v;

	if (number(arg[0], 10, UINT32_MAX, &p) || number(arg[1], 10, UINT32_MAX, &v))
		return -EINVAL;
	if (p >= c->s->npf || !v || v > c->s->pf[p].nvf) {
		snprintf(c->out, c->len, "error: no VF %llu on PF %llu\n", v, p);
		return 1;
	}
	c->vf = &c->s->pf[p].ctrl[v];
	return 0;
}

static int ctl_status(struct ctl_call *c)
{
	struct sim *s = c->s;
	char *out = c->out;
	size_t len = c->len, n = 0;
	unsigned int p, i;
	struct sim_vm *vm;

	*out = '\0';
	for (p = 0; p < s->npf && n < len; p++) {
		struct sim_pf *pf = &s->pf[p];

		n += snprintf(out + n, len - n, "pf%u nvme%u %s vfs=%u mdts=%u iommu=%s\n",
			      p, pf->ctrl[0].instance,
			      pf->profile == SIM_PROFILE_TP4159 ? "tp4159" : "intel-2022",
			      pf->nvf, pf->mdts, pf->iommu_type);
		for (i = 1; i <= pf->nvf && n < len; i++) {
			struct sim_ctrl *c = &pf->ctrl[i];

			n += snprintf(out + n, len - n,
				      "  vf%u cntlid=0x%x %s %s driver=%s queues=%u\n",
				      c->vfn, c->cntlid,
				      c->online ? "online" : "offline",
				      c->state == SIM_SUSPENDED ? "suspended" : "running",
				      *c->driver ? c->driver : "none", c->nsq);
		}
		for (i = 0; i < SIM_MAX_CDQ && n < len; i++) {
			struct sim_cdq *q = &pf->cdq[i];

			if (q->used)
				n += snprintf(out + n, len - n,
					      "  cdq%u vf%u entries=%u contiguous=%s%llu stray=%llu\n",
					      q->id, q->logged->vfn, q->entries,
					      q->contig_unknown ? "unknown:" : "",
					      (unsigned long long)q->contig,
					      (unsigned long long)q->stray);
		}
	}
	if (s->war.vf && n < len)
		n += snprintf(out + n, len - n, "write-after-read pf%u vf%u lba=%llu %s\n",
			      s->war.vf->pf->idx, s->war.vf->vfn,
			      (unsigned long long)s->war.lba, s->war.fired ? "done" : "armed");
	for (i = 0; i < SIM_MAX_VM && n < len; i++) {
		vm = &s->vm[i];
		if (vm->used)
			n += snprintf(out + n, len - n,
				      "vm %s pf%u vf%u queues=%u entries=%u completed=%llu errors=%llu nbd=%s\n",
				      vm->name, vm->vf->pf->idx, vm->vf->vfn, vm->nq,
				      vm->qentries, (unsigned long long)vm->completed,
				      (unsigned long long)vm->errors, vm->sock);
		if (vm->used && vm->next_vf && n < len)
			n += snprintf(out + n, len - n, "vm %s moves to pf%u vf%u when it resumes\n",
				      vm->name, vm->next_vf->pf->idx, vm->next_vf->vfn);
	}
	return 0;
}

static int ctl_stop(struct ctl_call *c)
{
	c->s->stop = true;
	return 0;
}

static int ctl_bind(struct ctl_call *c)
{
	if (sim_sysfs_bind(c->s, c->vf, c->arg[2]))
		snprintf(c->out, c->len, "error: cannot update sysfs\n");
	return 0;
}

static int ctl_reset(struct ctl_call *c)
{
	sim_vf_flr(c->vf);
	return 0;
}

static int ctl_attach(struct ctl_call *c)
{
	unsigned long long nq = 2, qe = 64;
	char name[32], err[256];

	if ((c->nargs > 3 && number(c->arg[3], 10, UINT32_MAX, &nq)) ||
	    (c->nargs > 4 && number(c->arg[4], 10, UINT32_MAX, &qe)))
		return -EINVAL;
	snprintf(name, sizeof(name), "%s", c->arg[0]);
	if (sim_vm_attach(c->s, name, c->vf, nq, qe, err, sizeof(err)))
		snprintf(c->out, c->len, "error: %s\n", err);
	else
		snprintf(c->out, c->len, "ok %s/%s.nbd\n", c->s->dir, name);
	return 0;
}

static int ctl_attach_on_resume(struct ctl_call *c)
{
	char err[256];

	if (sim_vm_attach_on_resume(c->s, c->arg[0], c->vf, err, sizeof(err)))
		snprintf(c->out, c->len, "error: %s\n", err);
	return 0;
}

/* move VM SOCKET PF VF: PF and VF are the receiver's. */
static int ctl_move(struct ctl_call *c)
{
	unsigned long long pf, vf;
	char err[512];

	if (number(c->arg[2], 10, UINT32_MAX, &pf) || number(c->arg[3], 10, UINT32_MAX, &vf))
		return -EINVAL;
	if (sim_vm_send(c->s, c->arg[0], c->arg[1], pf, vf, err, sizeof(err)))
		snprintf(c->out, c->len, "error: %s\n", err);
	return 0;
}

static int ctl_write(struct ctl_call *c)
{
	unsigned long long slba, nlb, byte = 0xa5;

	if (number(c->arg[2], 10, UINT64_MAX, &slba) ||
	    number(c->arg[3], 10, UINT64_MAX, &nlb) ||
	    (c->nargs > 4 && number(c->arg[4], 0, 0xff, &byte)))
		return -EINVAL;
	if (sim_vf_write_fill(c->vf, slba, nlb, byte))
		snprintf(c->out, c->len, "error: the VF has no namespace there, or the write failed\n");
	return 0;
}

/* fault write-after-read PF VF LBA [BYTE] */
static int ctl_fault_war(struct ctl_call *c)
{
	unsigned long long lba, byte = 0x5a;
	int ret;

	if (c->nargs < 4 || c->nargs > 5)
		return -EINVAL;
	ret = vf_arg(c, c->arg + 1);
	if (ret)
		return ret;
	if (number(c->arg[3], 10, UINT64_MAX, &lba) ||
	    (c->nargs > 4 && number(c->arg[4], 0, 0xff, &byte)))
		return -EINVAL;
	c->s->war = (struct sim_war){ .vf = c->vf, .lba = lba, .byte = byte };
	return 0;
}

static int ctl_fault(struct ctl_call *c)
{
	struct sim_fault f = { .kind = sim_fault_by_name(c->arg[0]) };
	unsigned long long opc, nth, val = 0;
	int ret;

	if (c->nargs == 1 && !strcmp(c->arg[0], "clear")) {
		sim_fault_clear(c->s);
		return 0;
	}
	if (!strcmp(c->arg[0], "write-after-read"))
		return ctl_fault_war(c);
	if (f.kind == SIM_FAULT_NONE ||
	    c->nargs != 3 + (int)sim_fault_args(f.kind) ||
	    number(c->arg[1], 0, 0xff, &opc) ||
	    number(c->arg[2], 10, UINT32_MAX, &nth) || !nth ||
	    (f.kind != SIM_FAULT_RESET && c->nargs > 3 &&
	     number(c->arg[3], 0, UINT32_MAX, &val)))
		return -EINVAL;
	if (f.kind == SIM_FAULT_RESET) {
		ret = vf_arg(c, c->arg + 3);
		if (ret)
			return ret;
		f.reset = c->vf;
	}
	f.opcode = opc;
	f.nth = nth;
	f.arg = val;
	if (sim_fault_arm(c->s, &f))
		snprintf(c->out, c->len, "error: too many faults armed\n");
	return 0;
}

/* The preload's read covered the watched block: the write happens now. */
static int ctl_war_hit(struct ctl_call *c)
{
	if (sim_war_fire(c->s))
		snprintf(c->out, c->len, "error: no write-after-read armed, or it failed\n");
	return 0;
}

static const struct ctl_cmd ctl_cmds[] = {
	{ "status", 0, 0, -1, ctl_status, "" },
	{ "stop", 0, 0, -1, ctl_stop, "" },
	{ "bind", 3, 3, 0, ctl_bind, "PF VF DRIVER" },
	{ "reset", 2, 2, 0, ctl_reset, "PF VF" },
	{ "attach", 3, 5, 1, ctl_attach, "VM PF VF [QUEUES [ENTRIES]]" },
	{ "attach-on-resume", 3, 3, 1, ctl_attach_on_resume, "VM PF VF" },
	{ "move", 4, 4, -1, ctl_move, "VM SOCKET PF VF" },
	{ "write", 4, 5, 0, ctl_write, "PF VF SLBA NLB [BYTE]" },
	{ "fault", 1, 5, -1, ctl_fault,
	  "status|delay|lose|flip|mute|timeout OPCODE NTH [STATUS|MS], reset OPCODE NTH PF VF, write-after-read PF VF LBA [BYTE], or clear" },
	{ "write-after-read", 0, 0, -1, ctl_war_hit, "" },
};

#define CTL_NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

void sim_ctl(struct sim *s, const char *line, char *out, size_t len)
{
	char copy[512], *word[CTL_MAX_WORDS + 1], *save = NULL;
	const struct ctl_cmd *cmd = NULL;
	struct ctl_call call = { .s = s, .arg = word + 1, .out = out, .len = len };
	unsigned int i;
	int n = 0, ret = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (word[0] = strtok_r(copy, " \t\n", &save); word[n] && n < CTL_MAX_WORDS;
	     word[++n] = strtok_r(NULL, " \t\n", &save))
		;
	for (i = 0; n && i < CTL_NCMDS && !cmd; i++)
		if (!strcmp(word[0], ctl_cmds[i].name))
			cmd = &ctl_cmds[i];
	if (!cmd) {
		snprintf(out, len, "error: unknown control '%s'\n", line);
		return;
	}
	call.nargs = n - 1;
	snprintf(out, len, "ok\n");
	if (n - 1 < cmd->min_args || n - 1 > cmd->max_args || word[n])
		ret = -EINVAL;
	else if (cmd->vf_arg >= 0)
		ret = vf_arg(&call, word + 1 + cmd->vf_arg);
	if (!ret)
		ret = cmd->run(&call);
	if (ret < 0)
		snprintf(out, len, "error: %s%s%s\n", cmd->name,
			 *cmd->usage ? " " : "", cmd->usage);
}

void sim_ctl_usage(FILE *f)
{
	unsigned int i;

	for (i = 0; i < CTL_NCMDS; i++)
		fprintf(f, "  %s%s%s\n", ctl_cmds[i].name,
			*ctl_cmds[i].usage ? " " : "", ctl_cmds[i].usage);
}
