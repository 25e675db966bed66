// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest I/O through a VF's real NVMe queues. Two sides meet here, kept
 * apart as they are on real hardware:
 *  - the guest's driver (guest_*): owns guest memory, writes commands into
 *    submission rings there, rings doorbells, reaps completions by phase;
 *  - the VF controller (ctrl_*): fetches commands from the rings it knows
 *    from its queue state (PRP1, size, head, tail), executes them on its
 *    namespace, and posts completions with its current phase.
 * Nothing goes around the rings: a wrong head, tail or phase in a restored
 * controller state loses, replays or hides commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim.h"
#include "sim-le.h"

#define SQE_LEN		64
#define CQE_LEN		16

#define NBD_CMD_READ	0
#define NBD_CMD_WRITE	1
#define NBD_CMD_FLUSH	3

#define SC_DATA_XFER	0x0004
#define SC_LBA_RANGE	0x0080

/* Guest memory as the device reaches it: NULL outside the VM's memory. */
static uint8_t *dma(struct sim_vm *vm, uint64_t pa, uint64_t len)
{
	if (!vm || pa > vm->mem_len || len > vm->mem_len - pa)
		return NULL;
	return vm->mem + pa;
}

/* ---- the VF controller ---- */

static struct sim_sq *ctrl_sq(struct sim_ctrl *c, uint16_t qid)
{
	unsigned int i;

	for (i = 0; i < c->nsq; i++)
		if (c->sq[i].qid == qid)
			return &c->sq[i];
	return NULL;
}

static struct sim_cq *ctrl_cq(struct sim_ctrl *c, uint16_t qid)
{
	unsigned int i;

	for (i = 0; i < c->ncq; i++)
		if (c->cq[i].qid == qid)
			return &c->cq[i];
	return NULL;
}

/*
 * The phase a controller writes next: that of slot 0 (S0PT) for the rest
 * of this pass, flipped when the next entry goes to slot 0 again.
 */
static uint8_t cq_phase(const struct sim_cq *cq)
{
	uint8_t s0 = (cq->attr >> 2) & 1;

	return cq->tail ? s0 : !s0;
}

static bool cq_full(const struct sim_cq *cq)
{
	return (cq->tail + 1u) % (cq->qsize + 1u) == cq->head;
}

/* Gather the pages a command's PRPs describe; 0 or an NVMe status. */
static int prp_pages(struct sim_vm *vm, uint64_t prp1, uint64_t prp2,
		     uint32_t len, uint64_t *pages, unsigned int *n)
{
	unsigned int need, i;
	uint8_t *list;

	if (prp1 % 4)
		return SC_DATA_XFER;
	need = (uint32_t)((prp1 % SIM_PAGE + len + SIM_PAGE - 1) / SIM_PAGE);
	if (need > SIM_MAX_IO / SIM_PAGE + 1)
		return SC_DATA_XFER;
	pages[0] = prp1;
	if (need == 2) {
		pages[1] = prp2;
	} else if (need > 2) {
		list = dma(vm, prp2, 8ull * (need - 1));
		if (!list || prp2 % 8)
			return SC_DATA_XFER;
		for (i = 1; i < need; i++)
			pages[i] = r64(list + 8 * (i - 1));
	}
	*n = need;
	return 0;
}

static int ctrl_rw(struct sim_ctrl *c, const uint8_t *sqe, bool write)
{
	struct sim_vm *vm = c->dma;
	uint32_t nsid = r32(sqe + 4);
	uint64_t slba = r64(sqe + 40);
	uint32_t nlb = (r32(sqe + 48) & 0xffff) + 1;
	uint64_t pages[SIM_MAX_IO / SIM_PAGE + 2], off, pa;
	struct sim_ns *ns;
	uint32_t len, done, n;
	unsigned int np, i;
	uint8_t *p;
	int st;

	if (!nsid || nsid > c->pf->nns)
		return SIM_INVALID_NS & 0x7ff;
	ns = &c->pf->ns[nsid - 1];
	if (!(ns->attached & (1ull << c->index)))
		return SIM_INVALID_NS & 0x7ff;
	if (slba >= ns->nsze || nlb > ns->nsze - slba)
		return SC_LBA_RANGE;
	len = nlb << ns->lba_shift;
	if (len > SIM_MAX_IO)
		return SIM_INVALID_FIELD & 0x7ff;
	st = prp_pages(vm, r64(sqe + 24), r64(sqe + 32), len, pages, &np);
	if (st)
		return st;
	off = slba << ns->lba_shift;
	for (i = 0, done = 0; i < np && done < len; i++, done += n) {
		pa = pages[i];
		n = SIM_PAGE - (uint32_t)(pa % SIM_PAGE);
		if (n > len - done)
			n = len - done;
		p = dma(vm, pa, n);
		if (!p)
			return SC_DATA_XFER;
		if ((write ? pwrite(ns->fd, p, n, off + done) :
			     pread(ns->fd, p, n, off + done)) != (ssize_t)n)
			return SIM_INTERNAL & 0x7ff;
	}
	if (write)
		sim_cdq_log_write(c, nsid, slba, nlb);
	return 0;
}

static int ctrl_exec(struct sim_ctrl *c, const uint8_t *sqe)
{
	uint32_t nsid = r32(sqe + 4);

	switch (sqe[0]) {
	case SIM_OPC_IO_WRITE:
		return ctrl_rw(c, sqe, true);
	case SIM_OPC_IO_READ:
		return ctrl_rw(c, sqe, false);
	case SIM_OPC_IO_FLUSH:
		if (!nsid || nsid > c->pf->nns)
			return SIM_INVALID_NS & 0x7ff;
		return fdatasync(c->pf->ns[nsid - 1].fd) ? SIM_INTERNAL & 0x7ff : 0;
	default:
		return SIM_INVALID_OPCODE & 0x7ff;
	}
}

/* The first namespace attached to a VF: the disk its guest sees. */
static struct sim_ns *vf_ns(struct sim_ctrl *vf)
{
	unsigned int i;

	for (i = 0; i < vf->pf->nns; i++)
		if (vf->pf->ns[i].attached & (1ull << vf->index))
			return &vf->pf->ns[i];
	return NULL;
}

/*
 * A write of NLB blocks of one byte value that the VF executes outside any
 * guest ring ("lmsimctl write"): it lands in the VF's namespace and is
 * logged like a guest's write, so a test chooses exactly which blocks change.
 */
int sim_vf_write_fill(struct sim_ctrl *vf, uint64_t slba, uint64_t nlb,
		      uint8_t byte)
{
	struct sim_ns *ns = vf_ns(vf);
	uint8_t buf[4096];
	uint64_t off, end, n;

	if (!ns || !nlb || slba >= ns->nsze || nlb > ns->nsze - slba ||
	    nlb > (1u << 16))
		return -EINVAL;
	if (vf->state == SIM_SUSPENDED)
		return -EBUSY;	/* a suspended controller fetches nothing */
	memset(buf, byte, sizeof(buf));
	off = slba << ns->lba_shift;
	end = (slba + nlb) << ns->lba_shift;
	for (; off < end; off += n) {
		n = end - off < sizeof(buf) ? end - off : sizeof(buf);
		if (pwrite(ns->fd, buf, n, off) != (ssize_t)n)
			return -EIO;
	}
	sim_cdq_log_write(vf, ns->nsid, slba, nlb);
	return 0;
}

static void guest_reap(struct sim_vm *vm);
static void guest_create_queues(struct sim_vm *vm, struct sim_ctrl *vf);

/*
 * Fetch and execute what the doorbells say is there, while running: a
 * suspended controller fetches nothing, and the commands wait in the rings.
 */
void sim_io_kick(struct sim_ctrl *c)
{
	struct sim_vm *vm = c->dma;
	struct sim_sq *sq;
	struct sim_cq *cq;
	uint8_t *sqe, *cqe, phase;
	bool progress = true;
	unsigned int i;
	int st;

	if (!vm || c->state != SIM_RUNNING)
		return;
	while (progress) {
		progress = false;
		for (i = 0; i < c->nsq; i++) {
			sq = &c->sq[i];
			cq = ctrl_cq(c, sq->cqid);
			if (!cq || sq->head == sq->tail || cq_full(cq))
				continue;
			sqe = dma(vm, sq->prp1 + (uint64_t)sq->head * SQE_LEN, SQE_LEN);
			cqe = dma(vm, cq->prp1 + (uint64_t)cq->tail * CQE_LEN, CQE_LEN);
			if (!sqe || !cqe)
				continue;	/* rings outside the VM: nothing to do */
			sq->head = (sq->head + 1u) % (sq->qsize + 1u);
			st = ctrl_exec(c, sqe);
			phase = cq_phase(cq);
			w32(cqe, 0);
			w32(cqe + 4, 0);
			w16(cqe + 8, sq->head);
			w16(cqe + 10, sq->qid);
			w16(cqe + 12, r16(sqe + 2));
			/* Status and phase last, as a device makes an entry visible. */
			w16(cqe + 14, (uint16_t)(phase | st << 1));
			if (cq->tail == 0)
				cq->attr = (cq->attr & ~4u) | (uint32_t)phase << 2;
			cq->tail = (cq->tail + 1u) % (cq->qsize + 1u);
			progress = true;
		}
	}
	guest_reap(vm);
}

/* ---- the guest's driver ---- */

static void ring_sq(struct sim_vm *vm, struct sim_gq *q)
{
	struct sim_sq *sq = vm->vf ? ctrl_sq(vm->vf, q->qid) : NULL;

	if (sq)
		sq->tail = q->sq_tail;
}

static void ring_cq(struct sim_vm *vm, struct sim_gq *q)
{
	struct sim_cq *cq = vm->vf ? ctrl_cq(vm->vf, q->qid) : NULL;

	if (cq)
		cq->head = q->cq_head;
}

static void guest_complete(struct sim_vm *vm, unsigned int cid, uint16_t status)
{
	struct sim_slot *s;

	if (cid >= SIM_VM_SLOTS || !vm->slot[cid].busy) {
		/* A completion for nothing in flight: a replayed command. */
		vm->errors++;
		return;
	}
	s = &vm->slot[cid];
	s->busy = false;
	vm->completed++;
	if (status)
		vm->errors++;
	sim_nbd_reply(vm, s->client, s->handle, status ? EIO : 0,
		      s->type == NBD_CMD_READ && !status ? vm->mem + s->buf_pa : NULL,
		      s->type == NBD_CMD_READ && !status ? s->len : 0);
}

static void guest_reap(struct sim_vm *vm)
{
	struct sim_gq *q;
	uint8_t *cqe;
	unsigned int i;
	bool any;

	for (i = 0; i < vm->nq; i++) {
		q = &vm->q[i];
		any = false;
		for (;;) {
			cqe = vm->mem + q->cq_pa + (uint64_t)q->cq_head * CQE_LEN;
			if ((r16(cqe + 14) & 1) != q->cq_phase)
				break;
			guest_complete(vm, r16(cqe + 12), r16(cqe + 14) >> 1);
			if (++q->cq_head == q->entries) {
				q->cq_head = 0;
				q->cq_phase ^= 1;
			}
			any = true;
		}
		if (any)
			ring_cq(vm, q);
	}
}

int sim_vm_free_slot(const struct sim_vm *vm)
{
	int i;

	for (i = 0; i < SIM_VM_SLOTS; i++)
		if (!vm->slot[i].busy)
			return i;
	return -1;
}

/*
 * Queue one NBD request as an NVMe command in slot cid, whose buffer holds
 * the data of a write already.
 */
int sim_vm_submit(struct sim_vm *vm, int cid, int client, uint64_t handle,
		  uint16_t type, uint64_t off, uint32_t len)
{
	struct sim_slot *s;
	struct sim_gq *q;
	uint8_t *sqe, *list;
	uint32_t npages, i;

	if (cid < 0 || cid >= SIM_VM_SLOTS || vm->slot[cid].busy)
		return -EBUSY;
	s = &vm->slot[cid];
	*s = (struct sim_slot){ .busy = true, .client = client,
		.handle = handle, .type = type, .len = len,
		.buf_pa = vm->slot[cid].buf_pa, .prp_pa = vm->slot[cid].prp_pa };
	q = &vm->q[vm->next_q++ % vm->nq];
	sqe = vm->mem + q->sq_pa + (uint64_t)q->sq_tail * SQE_LEN;
	memset(sqe, 0, SQE_LEN);
	sqe[0] = type == NBD_CMD_WRITE ? SIM_OPC_IO_WRITE : type == NBD_CMD_READ ?
		 SIM_OPC_IO_READ : SIM_OPC_IO_FLUSH;
	w16(sqe + 2, cid);
	w32(sqe + 4, vm->nsid);
	if (type != NBD_CMD_FLUSH) {
		npages = (len + SIM_PAGE - 1) / SIM_PAGE;
		w64(sqe + 24, s->buf_pa);
		if (npages == 2) {
			w64(sqe + 32, s->buf_pa + SIM_PAGE);
		} else if (npages > 2) {
			list = vm->mem + s->prp_pa;
			for (i = 1; i < npages; i++)
				w64(list + 8 * (i - 1), s->buf_pa + (uint64_t)i * SIM_PAGE);
			w64(sqe + 32, s->prp_pa);
		}
		w64(sqe + 40, off >> vm->lba_shift);
		w32(sqe + 48, (len >> vm->lba_shift) - 1);
	}
	memcpy(s->sqe, sqe, SQE_LEN);
	q->sq_tail = (q->sq_tail + 1u) % q->entries;
	ring_sq(vm, q);
	if (vm->vf)
		sim_io_kick(vm->vf);
	return 0;
}

/*
 * Guest memory is a memory file, so that the VM can move to another
 * simulator (sim-vm-move.c) with its memory as it is: map fd, or a new
 * zeroed one for fd -1. 0, or -1 with errno set.
 */
int sim_vm_map(struct sim_vm *vm, int fd)
{
	int e;

	if (fd < 0) {
		fd = memfd_create("lmsim-vm", MFD_CLOEXEC);
		if (fd < 0)
			return -1;
		if (ftruncate(fd, vm->mem_len)) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
	}
	vm->mem = mmap(NULL, vm->mem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (vm->mem == MAP_FAILED) {
		e = errno;
		vm->mem = NULL;
		close(fd);
		errno = e;
		return -1;
	}
	vm->mem_fd = fd;
	return 0;
}

/* Lay out guest memory: rings first, then a PRP page and a buffer per slot. */
static int vm_create(struct sim *s, struct sim_vm *vm, const char *name,
		     struct sim_ctrl *vf, unsigned int nq, unsigned int qentries,
		     char *err, size_t errlen)
{
	struct sim_ns *ns = vf_ns(vf);
	uint64_t pa = 0, ring;
	unsigned int i;

	if (!ns) {
		snprintf(err, errlen, "VF %u of PF %u has no namespace", vf->vfn, vf->pf->idx);
		return -EINVAL;
	}
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	vm->nq = nq;
	vm->qentries = qentries;
	vm->nsid = ns->nsid;
	vm->lba_shift = ns->lba_shift;
	vm->size = ns->nsze << ns->lba_shift;
	ring = ((uint64_t)qentries * (SQE_LEN + CQE_LEN) + SIM_PAGE - 1) & ~(uint64_t)(SIM_PAGE - 1);
	vm->mem_len = ring * nq + (uint64_t)SIM_VM_SLOTS * (SIM_PAGE + SIM_MAX_IO);
	if (sim_vm_map(vm, -1)) {
		snprintf(err, errlen, "no memory for the VM: %s", strerror(errno));
		return -ENOMEM;
	}
	for (i = 0; i < nq; i++, pa += ring)
		vm->q[i] = (struct sim_gq){ .qid = i + 1, .entries = qentries,
			.sq_pa = pa, .cq_pa = pa + (uint64_t)qentries * SQE_LEN,
			.cq_phase = 1 };
	for (i = 0; i < SIM_VM_SLOTS; i++, pa += SIM_PAGE + SIM_MAX_IO) {
		vm->slot[i].prp_pa = pa;
		vm->slot[i].buf_pa = pa + SIM_PAGE;
	}
	for (i = 0; i < SIM_NBD_CLIENTS; i++)
		vm->client[i].fd = -1;
	snprintf(vm->sock, sizeof(vm->sock), "%s/%s.nbd", s->dir, name);
	vm->used = true;
	return sim_nbd_listen(vm, err, errlen);
}

/* What the guest's driver does at boot: create its queue pairs on the VF. */
static void guest_create_queues(struct sim_vm *vm, struct sim_ctrl *vf)
{
	unsigned int i;

	vf->nsq = vf->ncq = vm->nq;
	for (i = 0; i < vm->nq; i++) {
		vf->cq[i] = (struct sim_cq){ .prp1 = vm->q[i].cq_pa,
			.qsize = vm->qentries - 1, .qid = vm->q[i].qid,
			.attr = 0x3 | (uint32_t)vm->q[i].qid << 16 };
		vf->sq[i] = (struct sim_sq){ .prp1 = vm->q[i].sq_pa,
			.qsize = vm->qentries - 1, .qid = vm->q[i].qid,
			.cqid = vm->q[i].qid, .attr = 0x1 };
	}
}

/*
 * After a function-level reset the guest's driver does what Linux's does:
 * re-creates its queues from scratch and resubmits what was in flight.
 */
void sim_vm_recover(struct sim_vm *vm)
{
	struct sim_slot *s;
	uint8_t *sqe;
	unsigned int i;
	struct sim_gq *q;

	for (i = 0; i < vm->nq; i++) {
		q = &vm->q[i];
		memset(vm->mem + q->sq_pa, 0, (uint64_t)q->entries * (SQE_LEN + CQE_LEN));
		q->sq_tail = q->cq_head = 0;
		q->cq_phase = 1;
	}
	guest_create_queues(vm, vm->vf);
	for (i = 0; i < SIM_VM_SLOTS; i++) {
		s = &vm->slot[i];
		if (!s->busy)
			continue;
		q = &vm->q[vm->next_q++ % vm->nq];
		sqe = vm->mem + q->sq_pa + (uint64_t)q->sq_tail * SQE_LEN;
		memcpy(sqe, s->sqe, SQE_LEN);
		q->sq_tail = (q->sq_tail + 1u) % q->entries;
		ring_sq(vm, q);
	}
	sim_io_kick(vm->vf);
}

/* A function-level reset: the device drops the VF's context, its guest recovers. */
void sim_vf_flr(struct sim_ctrl *vf)
{
	sim_ctrl_reset(vf);
	if (vf->dma)
		sim_vm_recover(vf->dma);
}

struct sim_vm *sim_vm_by_name(struct sim *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_VM; i++)
		if (s->vm[i].used && !strcmp(s->vm[i].name, name))
			return &s->vm[i];
	return NULL;
}

/* The VM no longer waits for a VF's resume. */
static void vm_disarm(struct sim_vm *vm)
{
	if (vm->next_vf)
		vm->next_vf->arriving = NULL;
	vm->next_vf = NULL;
}

int sim_vm_attach(struct sim *s, const char *name, struct sim_ctrl *vf,
		  unsigned int nq, unsigned int qentries, char *err, size_t errlen)
{
	struct sim_vm *vm = NULL, *free_vm = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < SIM_MAX_VM; i++) {
		if (s->vm[i].used && !strcmp(s->vm[i].name, name))
			vm = &s->vm[i];
		else if (!s->vm[i].used && !free_vm)
			free_vm = &s->vm[i];
	}
	if (vf->dma && vf->dma != vm) {
		snprintf(err, errlen, "VF %u of PF %u already belongs to VM %s",
			 vf->vfn, vf->pf->idx, vf->dma->name);
		return -EBUSY;
	}
	if (!vm) {
		if (!free_vm) {
			snprintf(err, errlen, "at most %d VMs", SIM_MAX_VM);
			return -ENOSPC;
		}
		if (!nq || nq > SIM_VM_QUEUES || qentries < 4 || qentries > 4096) {
			snprintf(err, errlen, "queues 1-%d, queue size 4-4096", SIM_VM_QUEUES);
			return -EINVAL;
		}
		ret = vm_create(s, free_vm, name, vf, nq, qentries, err, errlen);
		if (ret) {
			sim_vm_destroy(free_vm);
			return ret;
		}
		vm = free_vm;
		guest_create_queues(vm, vf);
	}
	vm_disarm(vm);
	sim_vm_enter(vm, vf);
	return 0;
}

/*
 * The hand-over of a VMM that waits on the destination: the VM moves to
 * vf in the command that resumes vf, as "attach" would move it then, and
 * not later, when a hand-over command has started and got through. An
 * attach, another arming or the VM's end disarms it. Only a resume after a
 * state was loaded into vf moves the VM: a VF never resumed, or resumed
 * with nothing loaded (a rollback resumes a destination it suspended and
 * loaded nothing into), leaves the VM where it is, still armed.
 */
int sim_vm_attach_on_resume(struct sim *s, const char *name, struct sim_ctrl *vf,
			    char *err, size_t errlen)
{
	struct sim_vm *vm = sim_vm_by_name(s, name);

	if (!vm) {
		snprintf(err, errlen, "no VM %s: attach it first", name);
		return -ENOENT;
	}
	if (vf->dma && vf->dma != vm) {
		snprintf(err, errlen, "VF %u of PF %u already belongs to VM %s",
			 vf->vfn, vf->pf->idx, vf->dma->name);
		return -EBUSY;
	}
	if (vf->arriving && vf->arriving != vm) {
		snprintf(err, errlen, "VM %s already moves to VF %u of PF %u when it resumes",
			 vf->arriving->name, vf->vfn, vf->pf->idx);
		return -EBUSY;
	}
	vm_disarm(vm);
	vm->next_vf = vf;
	vm->next_vf_loads = vf->loads;
	vf->arriving = vm;
	return 0;
}

/* vf runs again: a VM armed for it moves there, or its own rings are served. */
void sim_vf_resumed(struct sim_ctrl *vf)
{
	struct sim_vm *vm = vf->arriving;

	if (vm && vf->loads != vm->next_vf_loads) {
		vm_disarm(vm);
		if (!vf->dma || vf->dma == vm) {
			sim_vm_enter(vm, vf);
			return;
		}
	}
	sim_io_kick(vf);
}

/*
 * The hand-over a VMM does: the VM's memory now belongs to the new VF's
 * IOMMU domain, and the doorbells it last wrote reach the new device. The
 * queues themselves are whatever the VF's state says.
 */
void sim_vm_enter(struct sim_vm *vm, struct sim_ctrl *vf)
{
	unsigned int i;

	if (vm->vf && vm->vf != vf)
		vm->vf->dma = NULL;
	vm->vf = vf;
	vf->dma = vm;
	/*
	 * A VF reset since its state was loaded has no queues: the guest's
	 * driver finds a reset controller and recovers as after any reset.
	 */
	if (!vf->nsq) {
		sim_vm_recover(vm);
		return;
	}
	for (i = 0; i < vm->nq; i++) {
		ring_sq(vm, &vm->q[i]);
		ring_cq(vm, &vm->q[i]);
	}
	sim_io_kick(vf);
}

void sim_vm_destroy(struct sim_vm *vm)
{
	unsigned int i;

	if (!vm->used && !vm->mem)
		return;
	for (i = 0; i < SIM_NBD_CLIENTS; i++)
		sim_nbd_drop(vm, i);
	if (vm->listen_fd > 0)
		close(vm->listen_fd);
	if (*vm->sock)
		unlink(vm->sock);
	if (vm->vf)
		vm->vf->dma = NULL;
	vm_disarm(vm);
	if (vm->mem) {
		munmap(vm->mem, vm->mem_len);
		close(vm->mem_fd);
	}
	memset(vm, 0, sizeof(*vm));
}
