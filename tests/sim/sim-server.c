// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's server: the admin socket's clients (the preload library and
 * lmsimctl) and every VM's NBD socket, in one poll loop. A client message
 * is OPEN or STAT (a device node), ADMIN (a command for the device model,
 * through the faults), CTL (a control line, sim-ctl.c) or VM_IN (a VM
 * moving here, sim-vm-move.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lmsim-io.h"
#include "lmsim-proto.h"
#include "sim.h"
#include "sim-buf.h"

#define MAX_CLIENTS	256
#define RECV_TIMEOUT_S	2
#define MAX_POLL	(1 + MAX_CLIENTS + SIM_MAX_VM * (1 + SIM_NBD_CLIENTS))

struct client {
	int fd;
	pid_t pid;
	struct sim_ctrl *ctrl;
};

struct server {
	struct sim *sim;
	int listen_fd;
	pid_t owner;		/* stop when this process is gone */
	struct client client[MAX_CLIENTS];
	/* A message as read, and an admin command's data: kept, see sim-buf.h. */
	uint8_t *msg, *data;
	uint64_t msg_cap, data_cap;
};

/* What a poll slot stands for. */
enum slot_kind {
	SLOT_CLIENT,		/* an admin socket client */
	SLOT_NBD_LISTEN,	/* a VM's NBD socket */
	SLOT_NBD_CLIENT,	/* one of its clients */
};

struct slot_ref {
	enum slot_kind kind;
	unsigned int a, b;	/* client; or VM, and its NBD client */
};

/* Set by SIGTERM and SIGINT: a handler reaches nothing else. */
static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
	(void)sig;
	signalled = 1;
}

static void drop_client(struct client *cl)
{
	close(cl->fd);
	cl->fd = -1;
	cl->ctrl = NULL;
}

/* ---- OPEN / STAT ---- */

static int resolve(struct sim *s, const char *path, struct lmsim_open_rep *rep,
		   struct sim_ctrl **ctrl, struct sim_ns **ns)
{
	unsigned int inst, nsid;
	struct sim_ctrl *c;
	int n = 0;

	*ctrl = NULL;
	*ns = NULL;
	if (sscanf(path, "/dev/nvme%un%u%n", &inst, &nsid, &n) == 2 &&
	    !path[n]) {
		c = sim_ctrl_by_instance(s, inst);
		if (!c || c->index || !nsid || nsid > c->pf->nns ||
		    !(c->pf->ns[nsid - 1].attached & 1))
			return ENOENT;
		*ns = &c->pf->ns[nsid - 1];
		rep->watch_lba = sim_war_watch(s, c->pf, *ns);
		rep->write_bps = c->pf->host_write_bps;
		rep->kind = LMSIM_KIND_NS;
		rep->instance = inst;
		rep->nsid = nsid;
		rep->size = (*ns)->nsze << (*ns)->lba_shift;
		rep->lba_size = 1u << (*ns)->lba_shift;
		return 0;
	}
	n = 0;
	if (sscanf(path, "/dev/nvme%u%n", &inst, &n) == 1 && !path[n]) {
		c = sim_ctrl_by_instance(s, inst);
		/* A VF has a host device node only while nvme drives it. */
		if (!c || (c->index && strcmp(c->driver, "nvme")))
			return ENOENT;
		*ctrl = c;
		rep->kind = LMSIM_KIND_CTRL;
		rep->instance = inst;
		return 0;
	}
	return ENOENT;
}

static void handle_open(struct server *srv, struct client *cl, const char *path,
			bool stat_only)
{
	struct lmsim_open_rep rep = { 0 };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct sim_ctrl *ctrl;
	struct sim_ns *ns;
	int fd = -1;

	rep.err = resolve(srv->sim, path, &rep, &ctrl, &ns);
	if (!rep.err && ns && !stat_only) {
		/* A descriptor of its own, so file offsets are not shared. */
		fd = open(ns->path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			rep.err = errno;
		} else {
			mh.msg_control = cbuf;
			mh.msg_controllen = sizeof(cbuf);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		}
	}
	if (sendmsg(cl->fd, &mh, MSG_NOSIGNAL) != sizeof(rep)) {
		drop_client(cl);
	} else if (!rep.err && ctrl && !stat_only) {
		cl->ctrl = ctrl;
	}
	if (fd >= 0)
		close(fd);
}

/* ---- ADMIN ---- */

static void log_cmd(struct sim *s, const struct sim_cmd *c, uint32_t status,
		    enum sim_fault_kind fault)
{
	if (!s->log)
		return;
	fprintf(s->log,
		"seq=%llu dev=nvme%u cntlid=0x%x opc=0x%02x nsid=0x%x cdw10=0x%08x cdw11=0x%08x cdw12=0x%08x cdw13=0x%08x cdw14=0x%08x cdw15=0x%08x len=%u status=0x%x result=0x%llx fault=%s\n",
		(unsigned long long)++s->seq, c->ctrl->instance,
		c->ctrl->cntlid, c->opcode, c->nsid, c->cdw10, c->cdw11,
		c->cdw12, c->cdw13, c->cdw14, c->cdw15, c->data_len, status,
		(unsigned long long)c->result, sim_fault_name(fault));
	fflush(s->log);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/*
 * The device moving a command's data itself, between its buffer and the
 * caller's memory at addr (lmsim-proto.h): 0, or -1 when it cannot.
 */
static int dma(pid_t pid, uint8_t *buf, uint64_t addr, uint32_t len, bool to_host)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n;

	if (!pid)
		return -1;
	n = to_host ? process_vm_writev(pid, &local, 1, &remote, 1, 0) :
		      process_vm_readv(pid, &local, 1, &remote, 1, 0);
	return n == (ssize_t)len ? 0 : -1;
}

static void handle_admin(struct server *srv, struct client *cl,
			 const struct lmsim_hdr *h, const uint8_t *payload)
{
	const struct lmsim_admin_req *req = (const void *)payload;
	struct lmsim_hdr rh = { .magic = LMSIM_MAGIC, .type = LMSIM_ADMIN,
				.rsvd = h->rsvd };
	struct lmsim_admin_rep rep = { 0 };
	struct sim_cmd c = { 0 };
	enum sim_fault_kind fault;
	bool to_dev, from_dev, by_dma;
	uint64_t received = now_ms();
	uint32_t status = 0;

	if (h->len < sizeof(*req)) {
		drop_client(cl);
		return;
	}
	to_dev = lmsim_opc_to_dev(req->opcode) && req->data_len;
	from_dev = lmsim_opc_from_dev(req->opcode) && req->data_len;
	by_dma = req->xfer & LMSIM_REQ_DMA;
	if (req->data_len > LMSIM_MAX_PAYLOAD ||
	    h->len != sizeof(*req) + (to_dev && !by_dma ? req->data_len : 0)) {
		drop_client(cl);
		return;
	}
	if (!cl->ctrl) {
		rep.err = ENOTTY;
		goto reply;
	}
	if (sim_buf_reserve(&srv->data, &srv->data_cap, req->data_len ?: 1)) {
		rep.err = ENOMEM;
		goto reply;
	}
	c = (struct sim_cmd){ .ctrl = cl->ctrl, .pid = cl->pid,
		.opcode = req->opcode, .nsid = req->nsid,
		.cdw10 = req->cdw10, .cdw11 = req->cdw11, .cdw12 = req->cdw12,
		.cdw13 = req->cdw13, .cdw14 = req->cdw14, .cdw15 = req->cdw15,
		.addr = req->addr, .data = srv->data, .data_len = req->data_len };
	if (to_dev && by_dma && dma(cl->pid, c.data, req->addr, req->data_len, false)) {
		rep.err = LMSIM_ERR_NO_DMA;
		goto reply;
	}
	if (to_dev && !by_dma)
		memcpy(c.data, payload + sizeof(*req), req->data_len);
	/* What the command leaves unwritten goes back as zeroes, nothing older. */
	if (!to_dev)
		memset(c.data, 0, req->data_len);

	fault = sim_fault_admin(srv->sim, &c, &status);
	log_cmd(srv->sim, &c, status, fault);
	if (!sim_fault_completes(fault))
		return;			/* it never completes */
	rep.status = status;
	rep.result = c.result;
	/* Into the caller's memory only while it still waits (a delay fault). */
	if (from_dev && by_dma &&
	    now_ms() - received + LMSIM_DMA_MARGIN_MS < req->timeout_ms &&
	    !dma(cl->pid, c.data, req->addr, req->data_len, true))
		rep.xfer = LMSIM_REP_DMA;
	else if (from_dev)
		rep.data_len = req->data_len;
reply:
	rh.len = sizeof(rep) + rep.data_len;
	if (lmsim_full_io(cl->fd, &rh, sizeof(rh), true) ||
	    lmsim_full_io(cl->fd, &rep, sizeof(rep), true) ||
	    (rep.data_len && lmsim_full_io(cl->fd, c.data, rep.data_len, true)))
		drop_client(cl);
}

/* ---- CTL ---- */

static void handle_ctl(struct server *srv, struct client *cl,
		       const struct lmsim_hdr *h, const uint8_t *payload)
{
	struct lmsim_hdr rh = { .magic = LMSIM_MAGIC, .type = LMSIM_CTL };
	char line[512], out[8192];

	snprintf(line, sizeof(line), "%.*s", (int)(h->len < sizeof(line) - 1 ?
		 h->len : sizeof(line) - 1), (const char *)payload);
	sim_ctl(srv->sim, line, out, sizeof(out));
	rh.len = strlen(out);
	if (lmsim_full_io(cl->fd, &rh, sizeof(rh), true) ||
	    lmsim_full_io(cl->fd, out, rh.len, true))
		drop_client(cl);
}

/* ---- VM_IN: a VM moving here from another simulator ---- */

static void handle_vm_in(struct server *srv, struct client *cl,
			 const struct lmsim_hdr *h, const uint8_t *payload)
{
	struct lmsim_hdr rh = { .magic = LMSIM_MAGIC, .type = LMSIM_CTL };
	char cbuf[CMSG_SPACE(sizeof(int) * (1 + SIM_NBD_CLIENTS))], byte, out[512], err[256];
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fds[1 + SIM_NBD_CLIENTS];
	unsigned int n = 0;

	if (recvmsg(cl->fd, &mh, MSG_CMSG_CLOEXEC) != 1) {
		drop_client(cl);
		return;
	}
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	}
	if (sim_vm_receive(srv->sim, payload, h->len, fds, n, err, sizeof(err)))
		snprintf(out, sizeof(out), "error: %s\n", err);
	else
		snprintf(out, sizeof(out), "ok\n");
	rh.len = strlen(out);
	if (lmsim_full_io(cl->fd, &rh, sizeof(rh), true) ||
	    lmsim_full_io(cl->fd, out, rh.len, true))
		drop_client(cl);
}

static void handle(struct server *srv, struct client *cl)
{
	struct lmsim_hdr h;
	uint8_t *payload;

	if (lmsim_full_io(cl->fd, &h, sizeof(h), false) || h.magic != LMSIM_MAGIC ||
	    h.len > LMSIM_MAX_PAYLOAD + sizeof(struct lmsim_admin_req) ||
	    sim_buf_reserve(&srv->msg, &srv->msg_cap, h.len + 1ull)) {
		drop_client(cl);
		return;
	}
	payload = srv->msg;
	if (lmsim_full_io(cl->fd, payload, h.len, false)) {
		drop_client(cl);
		return;
	}
	payload[h.len] = '\0';
	switch (h.type) {
	case LMSIM_OPEN:
	case LMSIM_STAT:
		if (h.len > LMSIM_MAX_PATH)
			drop_client(cl);
		else
			handle_open(srv, cl, (char *)payload, h.type == LMSIM_STAT);
		break;
	case LMSIM_ADMIN:
		handle_admin(srv, cl, &h, payload);
		break;
	case LMSIM_CTL:
		handle_ctl(srv, cl, &h, payload);
		break;
	case LMSIM_VM_IN:
		handle_vm_in(srv, cl, &h, payload);
		break;
	default:
		drop_client(cl);
	}
}

static void accept_client(struct server *srv)
{
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct client *cl = NULL;
	unsigned int i;
	int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS && !cl; i++)
		if (srv->client[i].fd < 0)
			cl = &srv->client[i];
	if (!cl) {
		close(fd);
		return;
	}
	/* A client that stalls mid-message is dropped, not waited for. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	cl->fd = fd;
	cl->ctrl = NULL;
	cl->pid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ? 0 : cred.pid;
}

/* Every descriptor the loop waits on, and what each stands for. */
static unsigned int poll_set(struct server *srv, struct pollfd *pfd,
			     struct slot_ref *map)
{
	unsigned int i, j, n = 1;
	struct sim_vm *vm;

	pfd[0] = (struct pollfd){ .fd = srv->listen_fd, .events = POLLIN };
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (srv->client[i].fd < 0)
			continue;
		pfd[n] = (struct pollfd){ .fd = srv->client[i].fd, .events = POLLIN };
		map[n++] = (struct slot_ref){ SLOT_CLIENT, i, 0 };
	}
	for (i = 0; i < SIM_MAX_VM; i++) {
		vm = &srv->sim->vm[i];
		if (!vm->used)
			continue;
		pfd[n] = (struct pollfd){ .fd = vm->listen_fd, .events = POLLIN };
		map[n++] = (struct slot_ref){ SLOT_NBD_LISTEN, i, 0 };
		/* A request is read only when a slot can take it. */
		if (sim_vm_free_slot(vm) < 0)
			continue;
		for (j = 0; j < SIM_NBD_CLIENTS; j++) {
			if (vm->client[j].fd < 0)
				continue;
			pfd[n] = (struct pollfd){ .fd = vm->client[j].fd, .events = POLLIN };
			map[n++] = (struct slot_ref){ SLOT_NBD_CLIENT, i, j };
		}
	}
	return n;
}

static void serve_slot(struct server *srv, const struct pollfd *p,
		       const struct slot_ref *ref)
{
	bool gone = p->revents & (POLLHUP | POLLERR | POLLNVAL) &&
		    !(p->revents & POLLIN);
	struct sim_vm *vm = ref->kind == SLOT_CLIENT ? NULL : &srv->sim->vm[ref->a];

	switch (ref->kind) {
	case SLOT_CLIENT:
		if (gone)
			drop_client(&srv->client[ref->a]);
		else
			handle(srv, &srv->client[ref->a]);
		break;
	case SLOT_NBD_LISTEN:
		sim_nbd_accept(vm);
		break;
	case SLOT_NBD_CLIENT:
		/* The request may have dropped an earlier one's client. */
		if (vm->client[ref->b].fd != p->fd)
			break;
		if (gone)
			sim_nbd_drop(vm, ref->b);
		else if (sim_vm_free_slot(vm) >= 0)
			sim_nbd_request(vm, ref->b);
		break;
	}
}

/*
 * Serve until SIGTERM or SIGINT, "ctl stop", or the end of the owner
 * process (0: none). The socket is made at sock_path and removed at the end.
 */
int sim_serve(struct sim *s, const char *sock_path, pid_t owner)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct server *srv;
	struct pollfd pfd[MAX_POLL];
	struct slot_ref map[MAX_POLL];
	unsigned int i, n;

	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		fprintf(stderr, "lmsimd: out of memory\n");
		return 1;
	}
	srv->sim = s;
	srv->owner = owner;
	for (i = 0; i < MAX_CLIENTS; i++)
		srv->client[i].fd = -1;
	srv->listen_fd = lmsim_listen(sock_path, 64);
	if (srv->listen_fd < 0) {
		fprintf(stderr, "lmsimd: cannot listen on %s: %s\n", sock_path,
			strerror(errno));
		free(srv);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!signalled && !s->stop) {
		n = poll_set(srv, pfd, map);
		if (owner && kill(owner, 0) && errno == ESRCH)
			break;
		if (poll(pfd, n, 200) < 0)
			continue;
		if (pfd[0].revents & POLLIN)
			accept_client(srv);
		for (i = 1; i < n; i++)
			if (pfd[i].revents)
				serve_slot(srv, &pfd[i], &map[i]);
	}
	for (i = 0; i < SIM_MAX_VM; i++)
		sim_vm_destroy(&s->vm[i]);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (srv->client[i].fd >= 0)
			drop_client(&srv->client[i]);
	close(srv->listen_fd);
	unlink(sock_path);
	free(srv->msg);
	free(srv->data);
	free(srv);
	return 0;
}
