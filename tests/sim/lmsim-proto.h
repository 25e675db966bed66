/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wire protocol between the preload library (the "kernel" side of a
 * simulated /dev/nvmeX) and lmsimd (the device), over a Unix stream socket.
 * Every message is a header followed by len payload bytes.
 *
 * OPEN: payload is a path. The reply says what it is; for a namespace the
 * backing file's descriptor comes with it (SCM_RIGHTS). A connection whose
 * OPEN named a controller stays bound to it and carries its ADMIN commands,
 * so the application's descriptor is that socket.
 */
#ifndef LMSIM_PROTO_H
#define LMSIM_PROTO_H

#include <stdint.h>

#define LMSIM_MAGIC		0x4c4d5331u	/* "LMS1" */
#define LMSIM_MAX_PAYLOAD	(64u << 20)
#define LMSIM_MAX_PATH		256

enum lmsim_msg {
	LMSIM_OPEN	= 1,	/* bind this connection to a device */
	LMSIM_STAT	= 2,	/* like OPEN, but nothing is bound or passed */
	LMSIM_ADMIN	= 3,
	LMSIM_CTL	= 4,	/* a text control line from lmsimctl */
	/*
	 * A VM arriving from another simulator (sim-vm-move.c): its driver's
	 * state as payload, then one byte carrying its memory file and its
	 * NBD clients' sockets (SCM_RIGHTS). Answered as CTL is.
	 */
	LMSIM_VM_IN	= 5,
};

struct lmsim_hdr {
	uint32_t magic;
	uint32_t type;
	uint32_t len;
	uint32_t rsvd;
};

enum lmsim_kind {
	LMSIM_KIND_CTRL	= 1,
	LMSIM_KIND_NS	= 2,
};

struct lmsim_open_rep {
	int32_t err;		/* 0 or a positive errno */
	uint32_t kind;
	uint32_t instance;	/* nvme<instance> */
	uint32_t nsid;
	uint64_t size;		/* bytes, for a namespace */
	uint32_t lba_size;
	uint32_t rsvd;
	/*
	 * 1 + a block whose read through this descriptor must be followed by
	 * a "write-after-read" control message before the read returns, or 0.
	 */
	uint64_t watch_lba;
	/* Bytes a second writes through this descriptor may take; 0: any. */
	uint64_t write_bps;
};

/* Mirrors struct nvme_passthru_cmd64, plus where the data went. */
struct lmsim_admin_req {
	uint8_t opcode;
	uint8_t flags;
	uint16_t rsvd1;
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t metadata;
	uint64_t addr;		/* the caller's buffer: PRP1 as the device sees it */
	uint32_t metadata_len;
	uint32_t data_len;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	uint32_t timeout_ms;	/* how long the caller waits for the reply */
	uint32_t xfer;		/* LMSIM_REQ_* */
	/*
	 * followed by data_len bytes when the opcode moves data to the device,
	 * unless LMSIM_REQ_DMA: then the device reads them at addr itself
	 */
};

/*
 * The device may move the data itself, as a device's DMA does: read it
 * from addr in the caller's memory, or write what it returns there
 * (process_vm_readv/writev), so that a state moves by one copy and not
 * through the socket. Never once the caller may have given up on the
 * command (its timeout_ms, less a margin, has passed).
 */
#define LMSIM_REQ_DMA		0x1
#define LMSIM_REP_DMA		0x1	/* the returned data is in place */
#define LMSIM_ERR_NO_DMA	1000	/* rep.err: send the data inline */
#define LMSIM_DMA_MARGIN_MS	100

struct lmsim_admin_rep {
	int32_t err;		/* 0, or a positive errno for the ioctl */
	uint32_t status;	/* NVMe status: SC | SCT << 8 | DNR bit 14 */
	uint64_t result;	/* completion DW0 (and DW1) */
	uint32_t data_len;	/* bytes that follow, to the caller's buffer */
	uint32_t xfer;		/* LMSIM_REP_* */
};

/* Data direction from the opcode's two low bits, as the kernel decides it. */
static inline int lmsim_opc_to_dev(uint8_t opc)
{
	return opc & 1;
}

static inline int lmsim_opc_from_dev(uint8_t opc)
{
	return (opc & 2) >> 1;
}

#endif /* LMSIM_PROTO_H */
