// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Each VM's disk over NBD (newstyle, fixed) on a Unix socket, so fio's nbd
 * engine, nbdcopy or nbdsh drive the guest's I/O path at real queue depths.
 * Only simple replies; structured replies and meta contexts are declined,
 * which clients handle by falling back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lmsim-io.h"
#include "sim.h"

#define NBD_MAGIC		0x4e42444d41474943ull	/* "NBDMAGIC" */
#define NBD_OPTS_MAGIC		0x49484156454f5054ull	/* "IHAVEOPT" */
#define NBD_REP_MAGIC		0x0003e889045565a9ull
#define NBD_REQUEST_MAGIC	0x25609513u
#define NBD_REPLY_MAGIC		0x67446698u

#define NBD_FLAG_FIXED_NEWSTYLE	(1 << 0)
#define NBD_FLAG_NO_ZEROES	(1 << 1)
#define NBD_FLAG_HAS_FLAGS	(1 << 0)
#define NBD_FLAG_SEND_FLUSH	(1 << 2)

#define NBD_OPT_EXPORT_NAME	1
#define NBD_OPT_ABORT		2
#define NBD_OPT_INFO		6
#define NBD_OPT_GO		7

#define NBD_REP_ACK		1
#define NBD_REP_INFO		3
#define NBD_REP_ERR_UNSUP	0x80000001u

#define NBD_INFO_EXPORT		0
#define NBD_INFO_BLOCK_SIZE	3

#define NBD_CMD_READ		0
#define NBD_CMD_WRITE		1
#define NBD_CMD_DISC		2
#define NBD_CMD_FLUSH		3

static uint64_t be64(uint64_t v) { return ((uint64_t)htonl(v) << 32) | htonl(v >> 32); }

int sim_nbd_listen(struct sim_vm *vm, char *err, size_t errlen)
{
	int e;

	vm->listen_fd = lmsim_listen(vm->sock, 8);
	if (vm->listen_fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot listen on %s: %s", vm->sock, strerror(e));
		return -e;
	}
	return 0;
}

void sim_nbd_drop(struct sim_vm *vm, int i)
{
	unsigned int s;

	if (i < 0 || i >= SIM_NBD_CLIENTS || vm->client[i].fd < 0)
		return;
	close(vm->client[i].fd);
	vm->client[i].fd = -1;
	/* Its requests still complete on the device; their replies go nowhere. */
	for (s = 0; s < SIM_VM_SLOTS; s++)
		if (vm->slot[s].busy && vm->slot[s].client == i)
			vm->slot[s].client = -1;
}

static int send_rep(int fd, uint32_t opt, uint32_t type, const void *data,
		    uint32_t len)
{
	struct {
		uint64_t magic;
		uint32_t opt, type, len;
	} __attribute__((packed)) r = { be64(NBD_REP_MAGIC), htonl(opt),
					htonl(type), htonl(len) };

	return lmsim_full_io(fd, &r, sizeof(r), true) ||
	       (len && lmsim_full_io(fd, (void *)data, len, true)) ? -1 : 0;
}

/* The option haggling, done at once; returns 0 once in transmission. */
static int handshake(struct sim_vm *vm, int fd)
{
	struct {
		uint64_t magic, opts;
		uint16_t flags;
	} __attribute__((packed)) hello = { be64(NBD_MAGIC), be64(NBD_OPTS_MAGIC),
		htons(NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES) };
	struct {
		uint64_t magic;
		uint32_t opt, len;
	} __attribute__((packed)) o;
	uint16_t tflags = htons(NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH);
	uint8_t info[14], data[4096], zeroes[124] = { 0 };
	uint64_t size = be64(vm->size);
	uint32_t cflags, opt, len;
	uint32_t v;

	if (lmsim_full_io(fd, &hello, sizeof(hello), true) ||
	    lmsim_full_io(fd, &cflags, 4, false))
		return -1;
	cflags = ntohl(cflags);
	for (;;) {
		if (lmsim_full_io(fd, &o, sizeof(o), false) ||
		    be64(o.magic) != NBD_OPTS_MAGIC)
			return -1;
		opt = ntohl(o.opt);
		len = ntohl(o.len);
		if (len > sizeof(data) || (len && lmsim_full_io(fd, data, len, false)))
			return -1;
		switch (opt) {
		case NBD_OPT_EXPORT_NAME:
			if (lmsim_full_io(fd, &size, 8, true) ||
			    lmsim_full_io(fd, &tflags, 2, true) ||
			    (!(cflags & NBD_FLAG_NO_ZEROES) &&
			     lmsim_full_io(fd, zeroes, sizeof(zeroes), true)))
				return -1;
			return 0;
		case NBD_OPT_INFO:
		case NBD_OPT_GO:
			memset(info, 0, sizeof(info));
			info[1] = NBD_INFO_EXPORT;
			memcpy(info + 2, &size, 8);
			memcpy(info + 10, &tflags, 2);
			if (send_rep(fd, opt, NBD_REP_INFO, info, 12))
				return -1;
			info[1] = NBD_INFO_BLOCK_SIZE;
			v = htonl(1u << vm->lba_shift);
			memcpy(info + 2, &v, 4);
			v = htonl(SIM_PAGE);
			memcpy(info + 6, &v, 4);
			v = htonl(SIM_MAX_IO);
			memcpy(info + 10, &v, 4);
			if (send_rep(fd, opt, NBD_REP_INFO, info, 14) ||
			    send_rep(fd, opt, NBD_REP_ACK, NULL, 0))
				return -1;
			if (opt == NBD_OPT_GO)
				return 0;
			break;
		case NBD_OPT_ABORT:
			send_rep(fd, opt, NBD_REP_ACK, NULL, 0);
			return -1;
		default:
			if (send_rep(fd, opt, NBD_REP_ERR_UNSUP, NULL, 0))
				return -1;
		}
	}
}

void sim_nbd_accept(struct sim_vm *vm)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = accept4(vm->listen_fd, NULL, NULL, SOCK_CLOEXEC), i;

	if (fd < 0)
		return;
	for (i = 0; i < SIM_NBD_CLIENTS && vm->client[i].fd >= 0; i++)
		;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (i == SIM_NBD_CLIENTS || handshake(vm, fd)) {
		close(fd);
		return;
	}
	vm->client[i].fd = fd;
}

void sim_nbd_reply(struct sim_vm *vm, int client, uint64_t handle,
		   uint32_t error, const void *data, uint32_t len)
{
	struct {
		uint32_t magic, error;
		uint64_t handle;
	} __attribute__((packed)) r = { htonl(NBD_REPLY_MAGIC), htonl(error), handle };
	int fd;

	if (client < 0 || client >= SIM_NBD_CLIENTS || vm->client[client].fd < 0)
		return;
	fd = vm->client[client].fd;
	if (lmsim_full_io(fd, &r, sizeof(r), true) ||
	    (len && lmsim_full_io(fd, (void *)data, len, true)))
		sim_nbd_drop(vm, client);
}

/* One request from a client; called only when a slot is free. */
void sim_nbd_request(struct sim_vm *vm, int client)
{
	struct {
		uint32_t magic;
		uint16_t flags, type;
		uint64_t handle, offset;
		uint32_t len;
	} __attribute__((packed)) q;
	int fd = vm->client[client].fd, cid = sim_vm_free_slot(vm);
	uint64_t off;
	uint32_t len;
	uint16_t type;
	uint8_t sink[4096];

	if (cid < 0 || lmsim_full_io(fd, &q, sizeof(q), false) ||
	    ntohl(q.magic) != NBD_REQUEST_MAGIC) {
		sim_nbd_drop(vm, client);
		return;
	}
	type = ntohs(q.type);
	off = be64(q.offset);
	len = ntohl(q.len);
	if (type == NBD_CMD_DISC) {
		sim_nbd_drop(vm, client);
		return;
	}
	if ((type != NBD_CMD_READ && type != NBD_CMD_WRITE && type != NBD_CMD_FLUSH) ||
	    (type != NBD_CMD_FLUSH && (!len || len > SIM_MAX_IO || off > vm->size ||
				       len > vm->size - off ||
				       (off | len) % (1u << vm->lba_shift)))) {
		/* A write's data must still be read off the socket. */
		while (type == NBD_CMD_WRITE && len) {
			uint32_t n = len < sizeof(sink) ? len : sizeof(sink);

			if (lmsim_full_io(fd, sink, n, false)) {
				sim_nbd_drop(vm, client);
				return;
			}
			len -= n;
		}
		sim_nbd_reply(vm, client, q.handle, EINVAL, NULL, 0);
		return;
	}
	if (type == NBD_CMD_WRITE &&
	    lmsim_full_io(fd, vm->mem + vm->slot[cid].buf_pa, len, false)) {
		sim_nbd_drop(vm, client);
		return;
	}
	sim_vm_submit(vm, cid, client, q.handle, type, off, len);
}
