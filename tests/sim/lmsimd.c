// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lmsimd: the simulated host's NVMe device, one process per simulated host.
 *
 *   lmsimd --dir DIR [--config FILE] [--pf SPEC]...
 *   lmsimd ctl SOCKET WORDS...        (the client lmsimctl uses)
 *
 * It listens on DIR/lmsim.sock, logs every admin command to
 * DIR/commands.log, keeps namespaces in DIR/pfP-nsN.img and a fake sysfs
 * in DIR/sys. SIGTERM, "ctl stop", or the end of the --owner process ends
 * it cleanly.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lmsim-io.h"
#include "lmsim-proto.h"
#include "sim.h"

#define MAX_CLIENTS	256
#define RECV_TIMEOUT_S	2

struct client {
	int fd;
	pid_t pid;
	struct sim_ctrl *ctrl;
};

static struct sim sim;
static struct client clients[MAX_CLIENTS];
static volatile sig_atomic_t stopping;
static pid_t owner;		/* stop when this process is gone */
static char sock_path[SIM_PATH];

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void drop_client(struct client *cl)
{
	close(cl->fd);
	cl->fd = -1;
	cl->ctrl = NULL;
}

/* ---- OPEN / STAT ---- */

static int resolve(const char *path, struct lmsim_open_rep *rep,
		   struct sim_ctrl **ctrl, struct sim_ns **ns)
{
	unsigned int inst, nsid;
	struct sim_ctrl *c;
	int n = 0;

	*ctrl = NULL;
	*ns = NULL;
	if (sscanf(path, "/dev/nvme%un%u%n", &inst, &nsid, &n) == 2 &&
	    !path[n]) {
		c = sim_ctrl_by_instance(&sim, inst);
		if (!c || c->index || !nsid || nsid > c->pf->nns ||
		    !(c->pf->ns[nsid - 1].attached & 1))
			return ENOENT;
		*ns = &c->pf->ns[nsid - 1];
		rep->kind = LMSIM_KIND_NS;
		rep->instance = inst;
		rep->nsid = nsid;
		rep->size = (*ns)->nsze << (*ns)->lba_shift;
		rep->lba_size = 1u << (*ns)->lba_shift;
		return 0;
	}
	n = 0;
	if (sscanf(path, "/dev/nvme%u%n", &inst, &n) == 1 && !path[n]) {
		c = sim_ctrl_by_instance(&sim, inst);
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

static void handle_open(struct client *cl, const char *path, bool stat_only)
{
	struct lmsim_open_rep rep = { 0 };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct sim_ctrl *ctrl;
	struct sim_ns *ns;
	int fd = -1;

	rep.err = resolve(path, &rep, &ctrl, &ns);
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

/* ---- faults ---- */

static const char *fault_name(enum sim_fault_kind k)
{
	switch (k) {
	case SIM_FAULT_STATUS:	return "status";
	case SIM_FAULT_DELAY:	return "delay";
	case SIM_FAULT_LOSE:	return "lose";
	case SIM_FAULT_FLIP:	return "flip";
	case SIM_FAULT_MUTE:	return "mute";
	default:		return "none";
	}
}

/* The fault, if any, that strikes this command; it is used up. */
static struct sim_fault take_fault(uint8_t opcode)
{
	struct sim_fault none = { .kind = SIM_FAULT_NONE }, f;
	unsigned int i;

	for (i = 0; i < SIM_MAX_FAULT; i++) {
		if (sim.fault[i].kind == SIM_FAULT_NONE ||
		    sim.fault[i].opcode != opcode)
			continue;
		if (--sim.fault[i].nth)
			continue;
		f = sim.fault[i];
		sim.fault[i].kind = SIM_FAULT_NONE;
		return f;
	}
	return none;
}

/* ---- ADMIN ---- */

static void log_cmd(const struct sim_cmd *c, uint32_t status,
		    enum sim_fault_kind fault)
{
	if (!sim.log)
		return;
	fprintf(sim.log,
		"seq=%llu dev=nvme%u cntlid=0x%x opc=0x%02x nsid=0x%x cdw10=0x%08x cdw11=0x%08x cdw12=0x%08x cdw13=0x%08x cdw14=0x%08x cdw15=0x%08x len=%u status=0x%x result=0x%llx fault=%s\n",
		(unsigned long long)++sim.seq, c->ctrl->instance,
		c->ctrl->cntlid, c->opcode, c->nsid, c->cdw10, c->cdw11,
		c->cdw12, c->cdw13, c->cdw14, c->cdw15, c->data_len, status,
		(unsigned long long)c->result, fault_name(fault));
	fflush(sim.log);
}

static void handle_admin(struct client *cl, const struct lmsim_hdr *h,
			 const uint8_t *payload)
{
	const struct lmsim_admin_req *req = (const void *)payload;
	struct lmsim_hdr rh = { .magic = LMSIM_MAGIC, .type = LMSIM_ADMIN,
				.rsvd = h->rsvd };
	struct lmsim_admin_rep rep = { 0 };
	struct sim_cmd c = { 0 };
	struct sim_fault f;
	bool to_dev, from_dev;
	uint32_t status;

	if (h->len < sizeof(*req)) {
		drop_client(cl);
		return;
	}
	to_dev = lmsim_opc_to_dev(req->opcode) && req->data_len;
	from_dev = lmsim_opc_from_dev(req->opcode) && req->data_len;
	if (req->data_len > LMSIM_MAX_PAYLOAD ||
	    h->len != sizeof(*req) + (to_dev ? req->data_len : 0)) {
		drop_client(cl);
		return;
	}
	if (!cl->ctrl) {
		rep.err = ENOTTY;
		goto reply;
	}
	c.ctrl = cl->ctrl;
	c.pid = cl->pid;
	c.opcode = req->opcode;
	c.nsid = req->nsid;
	c.cdw10 = req->cdw10;
	c.cdw11 = req->cdw11;
	c.cdw12 = req->cdw12;
	c.cdw13 = req->cdw13;
	c.cdw14 = req->cdw14;
	c.cdw15 = req->cdw15;
	c.addr = req->addr;
	c.data_len = req->data_len;
	c.data = calloc(1, req->data_len ? req->data_len : 1);
	if (!c.data) {
		rep.err = ENOMEM;
		goto reply;
	}
	if (to_dev)
		memcpy(c.data, payload + sizeof(*req), req->data_len);

	f = take_fault(c.opcode);
	if (f.kind == SIM_FAULT_DELAY)
		usleep(f.arg * 1000);
	if (f.kind == SIM_FAULT_LOSE) {
		log_cmd(&c, 0, f.kind);
		free(c.data);
		return;			/* it never completes */
	}
	if (f.kind == SIM_FAULT_STATUS)
		status = f.arg;
	else if (c.data_len > (4096u << c.ctrl->pf->mdts))
		status = SIM_INVALID_FIELD;	/* beyond MDTS */
	else {
		c.ctrl->pf->mute_cdq = f.kind == SIM_FAULT_MUTE;
		status = sim_admin(&sim, &c);
		c.ctrl->pf->mute_cdq = false;
	}
	if (f.kind == SIM_FAULT_FLIP && c.out_len)
		c.data[c.out_len / 2] ^= 0x01;
	log_cmd(&c, status, f.kind);
	rep.status = status;
	rep.result = c.result;
	if (from_dev)
		rep.data_len = req->data_len;
reply:
	rh.len = sizeof(rep) + rep.data_len;
	if (lmsim_full_io(cl->fd, &rh, sizeof(rh), true) ||
	    lmsim_full_io(cl->fd, &rep, sizeof(rep), true) ||
	    (rep.data_len && lmsim_full_io(cl->fd, c.data, rep.data_len, true)))
		drop_client(cl);
	free(c.data);
}

/* ---- CTL ---- */

static struct sim_ctrl *ctl_vf(unsigned int p, unsigned int v)
{
	if (p >= sim.npf || !v || v > sim.pf[p].nvf)
		return NULL;
	return &sim.pf[p].ctrl[v];
}

static void ctl_status(char *out, size_t len)
{
	size_t n = 0;
	unsigned int p, i;
	struct sim_vm *vm;

	for (p = 0; p < sim.npf && n < len; p++) {
		struct sim_pf *pf = &sim.pf[p];

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
	for (i = 0; i < SIM_MAX_VM && n < len; i++) {
		vm = &sim.vm[i];
		if (vm->used)
			n += snprintf(out + n, len - n,
				      "vm %s pf%u vf%u queues=%u entries=%u completed=%llu errors=%llu nbd=%s\n",
				      vm->name, vm->vf->pf->idx, vm->vf->vfn, vm->nq,
				      vm->qentries, (unsigned long long)vm->completed,
				      (unsigned long long)vm->errors, vm->sock);
	}
}

/*
 * A write the VF executes for its guest, as far as the device can tell:
 * the data lands in the VF's namespace and, if logging is on, is logged.
 * Stands in for guest I/O until the simulator runs real guest queues.
 */
static int guest_write(struct sim_ctrl *vf, uint64_t slba, uint64_t nlb,
		       unsigned int fill)
{
	struct sim_pf *pf = vf->pf;
	struct sim_ns *ns = NULL;
	uint8_t buf[4096];
	uint64_t off, end, n;
	unsigned int i;

	for (i = 0; i < pf->nns && !ns; i++)
		if (pf->ns[i].attached & (1ull << vf->index))
			ns = &pf->ns[i];
	if (!ns || !nlb || slba >= ns->nsze || nlb > ns->nsze - slba ||
	    nlb > (1u << 16))
		return -EINVAL;
	if (vf->state == SIM_SUSPENDED)
		return -EBUSY;	/* a suspended controller fetches nothing */
	memset(buf, fill, sizeof(buf));
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

static void handle_ctl(struct client *cl, const struct lmsim_hdr *h,
		       const uint8_t *payload)
{
	char line[512], out[8192] = "ok\n", word[4][64] = { { 0 } };
	unsigned int a = 0, b = 0, i;
	unsigned long n = 0, arg = 0;
	struct lmsim_hdr rh = { .magic = LMSIM_MAGIC, .type = LMSIM_CTL };
	struct sim_ctrl *vf;
	int nw;

	snprintf(line, sizeof(line), "%.*s", (int)(h->len < sizeof(line) - 1 ?
		 h->len : sizeof(line) - 1), (const char *)payload);
	nw = sscanf(line, "%63s %63s %63s %63s", word[0], word[1], word[2], word[3]);
	if (nw >= 1 && !strcmp(word[0], "status")) {
		ctl_status(out, sizeof(out));
	} else if (nw == 1 && !strcmp(word[0], "stop")) {
		stopping = 1;
	} else if (nw == 4 && !strcmp(word[0], "bind") &&
		   sscanf(word[1], "%u", &a) == 1 && sscanf(word[2], "%u", &b) == 1) {
		vf = ctl_vf(a, b);
		if (!vf)
			snprintf(out, sizeof(out), "error: no VF %u on PF %u\n", b, a);
		else if (sim_sysfs_bind(&sim, vf, word[3]))
			snprintf(out, sizeof(out), "error: cannot update sysfs\n");
	} else if (nw == 3 && !strcmp(word[0], "reset") &&
		   sscanf(word[1], "%u", &a) == 1 && sscanf(word[2], "%u", &b) == 1) {
		vf = ctl_vf(a, b);
		if (!vf)
			snprintf(out, sizeof(out), "error: no VF %u on PF %u\n", b, a);
		else {
			sim_ctrl_reset(vf);
			if (vf->dma)
				sim_vm_recover(vf->dma);
		}
	} else if (!strncmp(line, "attach ", 7)) {
		char name[32];
		unsigned int nq = 2, qe = 64;

		if (sscanf(line, "attach %31s %u %u %u %u", name, &a, &b, &nq, &qe) < 3 ||
		    !(vf = ctl_vf(a, b)))
			snprintf(out, sizeof(out), "error: attach VM PF VF [QUEUES [ENTRIES]]\n");
		else if (sim_vm_attach(&sim, name, vf, nq, qe, out + 7, sizeof(out) - 8)) {
			memcpy(out, "error: ", 7);
			strcat(out, "\n");
		} else
			snprintf(out, sizeof(out), "ok %s/%s.nbd\n", sim.dir, name);
	} else if (!strncmp(line, "write ", 6)) {
		unsigned long long slba, nlb;
		unsigned int fill = 0xa5;

		if (sscanf(line, "write %u %u %llu %llu %i", &a, &b, &slba, &nlb, &fill) < 4 ||
		    !(vf = ctl_vf(a, b)))
			snprintf(out, sizeof(out), "error: write PF VF SLBA NLB [BYTE]\n");
		else if (guest_write(vf, slba, nlb, fill))
			snprintf(out, sizeof(out), "error: the VF has no namespace there, or the write failed\n");
	} else if (nw >= 2 && !strcmp(word[0], "fault")) {
		struct sim_fault f = { 0 };
		char kind[16];
		unsigned int opc = 0;
		int k = sscanf(line, "fault %15s %i %lu %li", kind, &opc, &n, &arg);

		if (!strcmp(kind, "clear")) {
			memset(sim.fault, 0, sizeof(sim.fault));
			goto reply;
		}
		if (k >= 3 && !strcmp(kind, "status") && k == 4)
			f.kind = SIM_FAULT_STATUS;
		else if (k == 4 && !strcmp(kind, "delay"))
			f.kind = SIM_FAULT_DELAY;
		else if (k == 3 && !strcmp(kind, "lose"))
			f.kind = SIM_FAULT_LOSE;
		else if (k == 3 && !strcmp(kind, "flip"))
			f.kind = SIM_FAULT_FLIP;
		else if (k == 3 && !strcmp(kind, "mute"))
			f.kind = SIM_FAULT_MUTE;
		if (f.kind == SIM_FAULT_NONE || opc > 0xff || !n) {
			snprintf(out, sizeof(out),
				 "error: fault status|delay|lose|flip|mute OPCODE NTH [STATUS|MS], or fault clear\n");
			goto reply;
		}
		f.opcode = opc;
		f.nth = n;
		f.arg = arg;
		for (i = 0; i < SIM_MAX_FAULT && sim.fault[i].kind; i++)
			;
		if (i == SIM_MAX_FAULT)
			snprintf(out, sizeof(out), "error: too many faults armed\n");
		else
			sim.fault[i] = f;
	} else {
		snprintf(out, sizeof(out), "error: unknown control '%s'\n", line);
	}
reply:
	rh.len = strlen(out);
	if (lmsim_full_io(cl->fd, &rh, sizeof(rh), true) ||
	    lmsim_full_io(cl->fd, out, rh.len, true))
		drop_client(cl);
}

static void handle(struct client *cl)
{
	struct lmsim_hdr h;
	uint8_t *payload;

	if (lmsim_full_io(cl->fd, &h, sizeof(h), false) || h.magic != LMSIM_MAGIC ||
	    h.len > LMSIM_MAX_PAYLOAD + sizeof(struct lmsim_admin_req)) {
		drop_client(cl);
		return;
	}
	payload = malloc(h.len + 1);
	if (!payload || lmsim_full_io(cl->fd, payload, h.len, false)) {
		free(payload);
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
			handle_open(cl, (char *)payload, h.type == LMSIM_STAT);
		break;
	case LMSIM_ADMIN:
		handle_admin(cl, &h, payload);
		break;
	case LMSIM_CTL:
		handle_ctl(cl, &h, payload);
		break;
	default:
		drop_client(cl);
	}
	free(payload);
}

static void accept_client(int lfd)
{
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned int i;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS && clients[i].fd >= 0; i++)
		;
	if (i == MAX_CLIENTS) {
		close(fd);
		return;
	}
	/* A client that stalls mid-message is dropped, not waited for. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	clients[i].fd = fd;
	clients[i].ctrl = NULL;
	clients[i].pid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ?
			 0 : cred.pid;
}

/* What a poll slot stands for. */
struct slot_ref {
	int kind;		/* 0 admin client, 1 NBD listener, 2 NBD client */
	unsigned int a, b;
};

#define MAX_POLL (1 + MAX_CLIENTS + SIM_MAX_VM * (1 + SIM_NBD_CLIENTS))

static int serve(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pfd[MAX_POLL];
	struct slot_ref map[MAX_POLL];
	unsigned int i, j, n;
	struct sim_vm *vm;
	int lfd;

	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || strlen(sock_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "lmsimd: cannot create socket %s\n", sock_path);
		return 1;
	}
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 64)) {
		fprintf(stderr, "lmsimd: cannot listen on %s: %s\n", sock_path,
			strerror(errno));
		return 1;
	}
	for (i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	while (!stopping) {
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0, n = 1; i < MAX_CLIENTS; i++) {
			if (clients[i].fd < 0)
				continue;
			pfd[n] = (struct pollfd){ .fd = clients[i].fd, .events = POLLIN };
			map[n++] = (struct slot_ref){ 0, i, 0 };
		}
		for (i = 0; i < SIM_MAX_VM; i++) {
			vm = &sim.vm[i];
			if (!vm->used)
				continue;
			pfd[n] = (struct pollfd){ .fd = vm->listen_fd, .events = POLLIN };
			map[n++] = (struct slot_ref){ 1, i, 0 };
			/* A request is read only when a slot can take it. */
			if (sim_vm_free_slot(vm) < 0)
				continue;
			for (j = 0; j < SIM_NBD_CLIENTS; j++) {
				if (vm->client[j].fd < 0)
					continue;
				pfd[n] = (struct pollfd){ .fd = vm->client[j].fd, .events = POLLIN };
				map[n++] = (struct slot_ref){ 2, i, j };
			}
		}
		if (owner && kill(owner, 0) && errno == ESRCH)
			break;
		if (poll(pfd, n, 200) < 0)
			continue;
		if (pfd[0].revents & POLLIN)
			accept_client(lfd);
		for (i = 1; i < n; i++) {
			bool gone = pfd[i].revents & (POLLHUP | POLLERR | POLLNVAL) &&
				    !(pfd[i].revents & POLLIN);

			if (!pfd[i].revents)
				continue;
			vm = &sim.vm[map[i].a];
			switch (map[i].kind) {
			case 0:
				if (gone)
					drop_client(&clients[map[i].a]);
				else
					handle(&clients[map[i].a]);
				break;
			case 1:
				sim_nbd_accept(vm);
				break;
			default:
				/* The request may have dropped an earlier one's client. */
				if (vm->client[map[i].b].fd != pfd[i].fd)
					break;
				if (gone)
					sim_nbd_drop(vm, map[i].b);
				else if (sim_vm_free_slot(vm) >= 0)
					sim_nbd_request(vm, map[i].b);
				break;
			}
		}
	}
	for (i = 0; i < SIM_MAX_VM; i++)
		sim_vm_destroy(&sim.vm[i]);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			drop_client(&clients[i]);
	close(lfd);
	unlink(sock_path);
	return 0;
}

/* ---- the control client ---- */

static int ctl_main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct lmsim_hdr h = { .magic = LMSIM_MAGIC, .type = LMSIM_CTL };
	char line[512] = "", *reply;
	int i, s;

	if (argc < 4) {
		fprintf(stderr, "usage: lmsimd ctl SOCKET WORDS...\n");
		return 2;
	}
	for (i = 3; i < argc; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
			 i > 3 ? " " : "", argv[i]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[2]);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "lmsimctl: no simulator at %s: %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	h.len = strlen(line);
	if (lmsim_full_io(s, &h, sizeof(h), true) || lmsim_full_io(s, line, h.len, true) ||
	    lmsim_full_io(s, &h, sizeof(h), false) || h.len > 1 << 20) {
		fprintf(stderr, "lmsimctl: the simulator did not answer\n");
		return 1;
	}
	reply = calloc(1, h.len + 1);
	if (!reply || lmsim_full_io(s, reply, h.len, false))
		return 1;
	fputs(reply, strncmp(reply, "error", 5) ? stdout : stderr);
	return strncmp(reply, "error", 5) ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lmsimd --dir DIR [--config FILE] [--pf 'KEY=VALUE ...']... [--owner PID]\n"
		"       lmsimd ctl SOCKET WORDS...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char err[512], path[PATH_MAX];
	const char *dir = NULL;
	int i;

	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_main(argc, argv);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			if (sim_config_file(&sim, argv[++i], err, sizeof(err)))
				goto fail;
		} else if (!strcmp(argv[i], "--owner") && i + 1 < argc) {
			owner = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--pf") && i + 1 < argc) {
			if (sim_config_pf(&sim, argv[++i], err, sizeof(err)))
				goto fail;
		} else {
			usage();
		}
	}
	if (!dir)
		usage();
	if (!sim.npf && sim_config_pf(&sim, "", err, sizeof(err)))
		goto fail;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(err, sizeof(err), "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (!realpath(dir, path) || strlen(path) >= sizeof(sim.dir)) {
		snprintf(err, sizeof(err), "%s: cannot resolve, or longer than %zu bytes",
			 dir, sizeof(sim.dir) - 1);
		goto fail;
	}
	strcpy(sim.dir, path);
	if (sim_setup(&sim, err, sizeof(err)) ||
	    sim_sysfs_create(&sim, err, sizeof(err)))
		goto fail;
	snprintf(path, sizeof(path), "%s/commands.log", sim.dir);
	sim.log = fopen(path, "a");
	snprintf(sock_path, sizeof(sock_path), "%s/lmsim.sock", sim.dir);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return serve();
fail:
	fprintf(stderr, "lmsimd: %s\n", err);
	return 1;
}
