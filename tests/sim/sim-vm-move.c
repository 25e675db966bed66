// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A VM moves to another simulator, as a VMM moves a VM to another host
 * once its VF's state is on that host's device ("lmsimctl move"): the
 * guest's memory, its driver's queues and requests in flight, and the NBD
 * connections of the workload running in it. The receiver attaches it to
 * its VF as "attach" does after a migration, so the VF fetches from the
 * rings where its restored state says and answers the same connections.
 *
 * Both simulators run on one machine (the two-host bed): the memory file
 * and the sockets go to the receiver's admin socket as descriptors
 * (SCM_RIGHTS). A VMM's own transfer of guest memory over the network is
 * not modelled; the namespace's data is the migration's to copy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lmsim-io.h"
#include "lmsim-proto.h"
#include "sim.h"

/* How long the sender waits for the receiver. */
#define MOVE_TIMEOUT_S	5

/* What goes as payload; both ends are the same build of lmsimd. */
struct vm_wire {
	char name[32];
	uint32_t pf, vf;		/* where the receiver attaches it */
	uint64_t mem_len;
	uint32_t nsid, lba_shift;
	uint64_t size;
	uint32_t nq, qentries, next_q;
	uint32_t clients;		/* bit i: NBD client i, its socket passed */
	uint64_t completed, errors;
	struct sim_gq q[SIM_VM_QUEUES];
	struct sim_slot slot[SIM_VM_SLOTS];
};

#define MOVE_MAX_FDS	(1 + SIM_NBD_CLIENTS)

/* The descriptors after the payload, on one byte of their own. */
static int send_fds(int sock, const int *fds, unsigned int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * MOVE_MAX_FDS)] = { 0 };
	char byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int connect_to(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = MOVE_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: the path is too long for a socket", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "no simulator answers at %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int sim_vm_send(struct sim *s, const char *name, const char *sock,
		unsigned int pf, unsigned int vf, char *err, size_t errlen)
{
	struct lmsim_hdr h = { .magic = LMSIM_MAGIC, .type = LMSIM_VM_IN };
	struct sim_vm *vm = sim_vm_by_name(s, name);
	int fds[MOVE_MAX_FDS], fd;
	struct vm_wire *w;
	char reply[512];
	unsigned int n = 0, i;
	int ret = -EIO;

	if (!vm) {
		snprintf(err, errlen, "no VM %s here", name);
		return -ENOENT;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(w->name, sizeof(w->name), "%s", vm->name);
	w->pf = pf;
	w->vf = vf;
	w->mem_len = vm->mem_len;
	w->nsid = vm->nsid;
	w->lba_shift = vm->lba_shift;
	w->size = vm->size;
	w->nq = vm->nq;
	w->qentries = vm->qentries;
	w->next_q = vm->next_q;
	w->completed = vm->completed;
	w->errors = vm->errors;
	memcpy(w->q, vm->q, sizeof(w->q));
	memcpy(w->slot, vm->slot, sizeof(w->slot));
	fds[n++] = vm->mem_fd;
	for (i = 0; i < SIM_NBD_CLIENTS; i++) {
		if (vm->client[i].fd >= 0) {
			w->clients |= 1u << i;
			fds[n++] = vm->client[i].fd;
		}
	}
	h.len = sizeof(*w);
	fd = connect_to(sock, err, errlen);
	if (fd < 0)
		goto out;
	if (lmsim_full_io(fd, &h, sizeof(h), true) ||
	    lmsim_full_io(fd, w, sizeof(*w), true) || send_fds(fd, fds, n) ||
	    lmsim_full_io(fd, &h, sizeof(h), false) || h.magic != LMSIM_MAGIC ||
	    h.len >= sizeof(reply) || lmsim_full_io(fd, reply, h.len, false)) {
		snprintf(err, errlen, "the simulator at %s did not answer: the VM stays here",
			 sock);
		close(fd);
		goto out;
	}
	close(fd);
	reply[h.len] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	if (strncmp(reply, "ok", 2)) {
		snprintf(err, errlen, "%s", strncmp(reply, "error: ", 7) ? reply : reply + 7);
		goto out;
	}
	/* It runs there now: here it ends, its sockets and memory with it. */
	sim_vm_destroy(vm);
	ret = 0;
out:
	free(w);
	return ret;
}

/* Whether the wire's driver state fits its memory: rings and buffers inside. */
static bool wire_fits(const struct vm_wire *w)
{
	uint64_t ring = (uint64_t)w->qentries * (64 + 16);
	unsigned int i;

	if (!w->nq || w->nq > SIM_VM_QUEUES || w->qentries < 4 || w->qentries > 4096 ||
	    !w->mem_len || w->lba_shift < 9 || w->lba_shift > 16)
		return false;
	for (i = 0; i < w->nq; i++)
		if (w->q[i].sq_pa > w->mem_len || ring > w->mem_len - w->q[i].sq_pa)
			return false;
	for (i = 0; i < SIM_VM_SLOTS; i++)
		if (w->slot[i].prp_pa > w->mem_len ||
		    SIM_PAGE + SIM_MAX_IO > w->mem_len - w->slot[i].prp_pa)
			return false;
	return true;
}

/* Takes the descriptors: they end with the VM, or here on failure. */
int sim_vm_receive(struct sim *s, const void *wire, size_t len, const int *fds,
		   unsigned int nfds, char *err, size_t errlen)
{
	const struct vm_wire *w = wire;
	struct sim_vm *vm = NULL;
	struct sim_ctrl *vf;
	struct sim_pf *pf;
	struct sim_ns *ns;
	struct stat st;
	unsigned int i, k;
	int ret = -EINVAL;

	if (len != sizeof(*w) || !nfds ||
	    (unsigned int)__builtin_popcount(w->clients) != nfds - 1 ||
	    w->clients >> SIM_NBD_CLIENTS || !memchr(w->name, '\0', sizeof(w->name)) ||
	    !wire_fits(w) || fstat(fds[0], &st) || (uint64_t)st.st_size < w->mem_len) {
		snprintf(err, errlen, "not a VM this simulator can take (another build?)");
		goto fail;
	}
	if (w->pf >= s->npf || !w->vf || w->vf > s->pf[w->pf].nvf) {
		snprintf(err, errlen, "no VF %u on PF %u", w->vf, w->pf);
		goto fail;
	}
	pf = &s->pf[w->pf];
	vf = &pf->ctrl[w->vf];
	if (vf->dma) {
		snprintf(err, errlen, "VF %u of PF %u already belongs to VM %s", vf->vfn,
			 pf->idx, vf->dma->name);
		ret = -EBUSY;
		goto fail;
	}
	ns = w->nsid && w->nsid <= pf->nns ? &pf->ns[w->nsid - 1] : NULL;
	if (!ns || !(ns->attached & (1ull << vf->index)) || ns->lba_shift != w->lba_shift ||
	    ns->nsze << ns->lba_shift != w->size) {
		snprintf(err, errlen, "VF %u of PF %u has no namespace %u of %llu bytes, the VM's disk",
			 w->vf, w->pf, w->nsid, (unsigned long long)w->size);
		goto fail;
	}
	for (i = 0; i < SIM_MAX_VM; i++) {
		if (s->vm[i].used && !strcmp(s->vm[i].name, w->name)) {
			snprintf(err, errlen, "a VM %s runs here already", w->name);
			ret = -EEXIST;
			goto fail;
		}
		if (!s->vm[i].used && !vm)
			vm = &s->vm[i];
	}
	if (!vm) {
		snprintf(err, errlen, "at most %d VMs", SIM_MAX_VM);
		ret = -ENOSPC;
		goto fail;
	}
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", w->name);
	vm->mem_len = w->mem_len;
	vm->nsid = w->nsid;
	vm->lba_shift = w->lba_shift;
	vm->size = w->size;
	vm->nq = w->nq;
	vm->qentries = w->qentries;
	vm->next_q = w->next_q;
	vm->completed = w->completed;
	vm->errors = w->errors;
	memcpy(vm->q, w->q, sizeof(vm->q));
	memcpy(vm->slot, w->slot, sizeof(vm->slot));
	if (sim_vm_map(vm, fds[0])) {
		snprintf(err, errlen, "cannot map the VM's memory: %s", strerror(errno));
		ret = -errno;
		for (i = 1; i < nfds; i++)
			close(fds[i]);
		memset(vm, 0, sizeof(*vm));
		return ret;
	}
	vm->used = true;
	for (i = 0, k = 1; i < SIM_NBD_CLIENTS; i++)
		vm->client[i].fd = w->clients & (1u << i) ? fds[k++] : -1;
	snprintf(vm->sock, sizeof(vm->sock), "%s/%s.nbd", s->dir, vm->name);
	ret = sim_nbd_listen(vm, err, errlen);
	if (ret) {
		sim_vm_destroy(vm);
		return ret;
	}
	sim_vm_enter(vm, vf);
	return 0;
fail:
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	return ret;
}
