/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lmsim: a simulated SR-IOV NVMe SSD with host-managed live migration
 * (TP4159), or with the 2022 vendor opcodes. Its own implementation of the
 * facts in Documentation/tp4159-notes.md, deliberately sharing no code with plugins/lm,
 * so that each checks the other.
 */
#ifndef SIM_H
#define SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define SIM_MAX_PF	8
#define SIM_MAX_VF	31
#define SIM_MAX_NS	32
#define SIM_MAX_Q	64
#define SIM_MAX_CDQ	8
#define SIM_PATH	512
#define SIM_DIR		256	/* room left in SIM_PATH for file names */

/* Status: SC | SCT << 8, with DNR for errors a retry cannot fix. */
#define SIM_DNR			0x4000
#define SIM_SC(sct, sc)		(SIM_DNR | (sct) << 8 | (sc))
#define SIM_OK			0
#define SIM_INVALID_OPCODE	SIM_SC(0, 0x01)
#define SIM_INVALID_FIELD	SIM_SC(0, 0x02)
#define SIM_INTERNAL		SIM_SC(0, 0x06)
#define SIM_INVALID_NS		SIM_SC(0, 0x0b)
#define SIM_SEQ_ERROR		SIM_SC(0, 0x0c)
#define SIM_INVALID_CTRL_ID	SIM_SC(1, 0x1f)
#define SIM_INVALID_SEC_STATE	SIM_SC(1, 0x20)
#define SIM_INVALID_CDQ		SIM_SC(1, 0x37)
#define SIM_NO_RESOURCES	SIM_SC(1, 0x38)
#define SIM_CTRL_SUSPENDED	SIM_SC(1, 0x39)
#define SIM_CTRL_NOT_SUSPENDED	SIM_SC(1, 0x3a)
#define SIM_CDQ_FULL		SIM_SC(1, 0x3b)

/*
 * Opcodes, the one list of them in tests/sim: admin commands, the TP4159
 * migration commands, the 2022 vendor profile's, and the NVM I/O commands
 * a VF fetches from its guest's rings.
 */
enum sim_opcode {
	SIM_OPC_GET_LOG			= 0x02,
	SIM_OPC_IDENTIFY		= 0x06,
	SIM_OPC_SET_FEATURES		= 0x09,
	SIM_OPC_GET_FEATURES		= 0x0a,
	SIM_OPC_NS_ATTACH		= 0x15,
	SIM_OPC_VIRT_MGMT		= 0x1c,
	SIM_OPC_TRACK_SEND		= 0x3d,
	SIM_OPC_TRACK_RECV		= 0x3e,
	SIM_OPC_MIGRATION_SEND		= 0x41,	/* suspend, resume, set state */
	SIM_OPC_MIGRATION_RECV		= 0x42,	/* get state */
	SIM_OPC_CDQ			= 0x45,	/* create or delete a CDQ */

	SIM_OPC_VENDOR_STATE_SIZE	= 0xc4,
	SIM_OPC_VENDOR_SUSPEND		= 0xc8,
	SIM_OPC_VENDOR_RESUME		= 0xcc,
	SIM_OPC_VENDOR_SAVE		= 0xd2,
	SIM_OPC_VENDOR_LOAD		= 0xd5,

	SIM_OPC_IO_FLUSH		= 0x00,
	SIM_OPC_IO_WRITE		= 0x01,
	SIM_OPC_IO_READ			= 0x02,
};

/* Identify CNS values, log pages and features the device answers. */
enum sim_cns {
	SIM_CNS_NS			= 0x00,
	SIM_CNS_CTRL			= 0x01,
	SIM_CNS_NS_LIST			= 0x02,
	SIM_CNS_PRIMARY_CAPS		= 0x14,
	SIM_CNS_SECONDARY_LIST		= 0x15,
	SIM_CNS_STATE_FORMATS		= 0x20,
};

enum sim_lid {
	SIM_LID_ERROR			= 0x01,
	SIM_LID_SMART			= 0x02,
	SIM_LID_EFFECTS			= 0x05,
};

enum sim_fid {
	SIM_FID_NUM_QUEUES		= 0x07,
	SIM_FID_CDQ			= 0x21,	/* a CDQ's head and TPT */
};

enum sim_profile {
	SIM_PROFILE_TP4159,
	SIM_PROFILE_VENDOR,
};

struct sim_sq {
	uint64_t prp1;
	uint16_t qsize, qid, cqid, attr, head, tail;
};

struct sim_cq {
	uint64_t prp1;
	uint16_t qsize, qid, head, tail;
	uint32_t attr;
};

struct sim_ctrl;

/* A user data migration queue: host memory the controller writes into. */
#define SIM_MAX_VER	4

struct sim_cdq {
	bool used;
	uint16_t id;
	struct sim_ctrl *logged;	/* whose writes are logged */
	pid_t pid;			/* whose memory the queue is in */
	uint64_t addr;
	uint32_t entries;
	uint32_t tail;			/* next entry the controller writes */
	uint32_t head;			/* last head the host reported */
	uint8_t phase;
	/*
	 * PC = 1: bytes from addr that are physically contiguous in the
	 * owner's memory. Only those are the queue; an entry past them goes
	 * to whatever physical page follows, not to the owner.
	 */
	uint64_t contig;
	bool contig_unknown;		/* pagemap unreadable: not modelled */
	uint64_t stray;			/* entries written outside the queue */
	bool logging;
	bool first_posted;
	bool broken;			/* its memory went away */
	bool etpt;
	uint32_t tpt;
};

struct sim_ns {
	uint32_t nsid;
	uint64_t nsze;			/* blocks */
	uint32_t lba_shift;
	char path[SIM_PATH];
	int fd;
	uint64_t attached;		/* bit i: controller index i (0 = PF) */
};

enum sim_cstate {
	SIM_RUNNING,
	SIM_SUSPENDED,
};

/*
 * A controller state's header and queue entries at most (sim-lm.c): the
 * 48-byte header, the NVMe part's 8, and 24 a queue.
 */
#define SIM_STATE_HEAD_MAX	(48 + 8 + 24 * 2 * SIM_MAX_Q)

struct sim_pf;
struct sim_vm;

struct sim_ctrl {
	struct sim_pf *pf;
	unsigned int index;		/* 0 = PF, n = VF n */
	uint16_t cntlid;
	uint16_t vfn;			/* 1-based; 0 for the PF */
	uint32_t instance;		/* /dev/nvme<instance> */
	bool online;
	uint16_t nvq, nvi;
	enum sim_cstate state;
	bool ever_suspended;
	char driver[32];		/* "" = unbound */

	unsigned int nsq, ncq;
	struct sim_sq sq[SIM_MAX_Q];
	struct sim_cq cq[SIM_MAX_Q];
	/*
	 * The vendor part: vendor_len bytes at vendor once vendor_ready (the
	 * starting pattern is made when the VF is set up, or when first
	 * needed if there was no memory then); the buffer, vendor_cap
	 * bytes, is kept.
	 */
	uint8_t *vendor;
	uint64_t vendor_len, vendor_cap;
	bool vendor_ready;

	/*
	 * Get Controller State: what offset 0 froze. The header and queue
	 * entries are copied into snap (snap_head bytes); the vendor part
	 * follows from vendor, which only a load changes, and a load drops
	 * the snapshot. snap_len: the whole state's size, 0 when none.
	 */
	uint8_t snap[SIM_STATE_HEAD_MAX];
	uint32_t snap_head;
	uint64_t snap_len;
	bool snap_hdr_only;		/* taken for CSVI 0 */

	/* The VM whose memory this VF may DMA into (its IOMMU domain). */
	struct sim_vm *dma;
	/* A VM that moves here when this VF resumes ("attach-on-resume"). */
	struct sim_vm *arriving;
	/* States loaded by Set Controller State: an armed VM moves only after one. */
	uint64_t loads;

	/*
	 * Set Controller State in progress: in_len bytes announced (0: none),
	 * in_next received, into a buffer of in_cap bytes that is kept.
	 */
	uint8_t *in;
	uint64_t in_cap;
	uint64_t in_len;
	uint64_t in_next;
};

struct sim_pf {
	unsigned int idx;
	enum sim_profile profile;
	char mn[41], fr[9], sn[21];
	uint16_t vid, ssvid;
	uint8_t mdts;
	uint64_t vendor_state;		/* bytes of vendor state per VF */
	unsigned int queues;		/* I/O queue pairs a VF starts with */
	uint64_t host_write_bps;	/* the host's writes to its namespaces; 0: any */
	char iommu_type[16];
	unsigned int nvf;
	struct sim_ctrl ctrl[SIM_MAX_VF + 1];
	unsigned int nns;
	struct sim_ns ns[SIM_MAX_NS];
	uint64_t ns_size;
	struct sim_cdq cdq[SIM_MAX_CDQ];
	uint16_t next_cdqid;

	/*
	 * How this device tells the host about suspension and migration
	 * state; real devices differ, within what the specification allows.
	 */
	bool csup;			/* set CSUP in Get Controller State's DW0 */
	bool mute_cdq;			/* the command running now posts no entry */
	bool answer_running;		/* answer Get Controller State when running */
	unsigned int nver;		/* CNS 20h: NVMe state versions listed */
	uint16_t ver[SIM_MAX_VER];
};

enum sim_fault_kind {
	SIM_FAULT_NONE,
	SIM_FAULT_STATUS,		/* complete with this status */
	SIM_FAULT_DELAY,		/* complete late */
	SIM_FAULT_LOSE,			/* never complete */
	SIM_FAULT_FLIP,			/* flip a bit of returned data */
	SIM_FAULT_MUTE,			/* its change queue entry never arrives */
	SIM_FAULT_TIMEOUT,		/* executed, but never completes */
	SIM_FAULT_RESET,		/* completes, then a VF is reset */
};

struct sim_fault {
	enum sim_fault_kind kind;
	uint8_t opcode;
	unsigned int nth;		/* 1 = the next one */
	uint32_t arg;			/* status, or delay in ms */
	struct sim_ctrl *reset;		/* SIM_FAULT_RESET: the VF reset */
};

/*
 * A guest write placed right after the host's read of one block: armed by
 * "lmsimctl fault write-after-read", fired by the preload library once its
 * read through /dev/nvmeXnY of the VF's namespace covered the block.
 */
struct sim_war {
	struct sim_ctrl *vf;		/* NULL: not armed */
	uint64_t lba;
	uint8_t byte;
	bool fired;
};

#define SIM_MAX_FAULT 16

/* ---- guest I/O ---- */

#define SIM_MAX_VM		4
#define SIM_VM_QUEUES		8
#define SIM_VM_SLOTS		32
#define SIM_NBD_CLIENTS		8
#define SIM_MAX_IO		(1u << 20)
#define SIM_PAGE		4096

/* The guest driver's side of one I/O queue pair. */
struct sim_gq {
	uint16_t qid;
	uint16_t entries;
	uint64_t sq_pa, cq_pa;
	uint16_t sq_tail;
	uint16_t cq_head;
	uint8_t cq_phase;
};

/* One request in flight: an NBD request and its NVMe command. */
struct sim_slot {
	bool busy;
	int client;
	uint64_t handle;
	uint16_t type;
	uint32_t len;
	uint64_t buf_pa;	/* data buffer in guest memory */
	uint64_t prp_pa;	/* its PRP list page */
	uint8_t sqe[64];	/* the command, to resubmit after a reset */
};

struct sim_nbd_client {
	int fd;			/* -1: free */
};

struct sim_vm {
	bool used;
	char name[32];
	struct sim_ctrl *vf;	/* attached VF */
	struct sim_ctrl *next_vf;	/* where it moves when that VF resumes */
	uint64_t next_vf_loads;	/* next_vf's loads when armed */
	uint8_t *mem;		/* guest memory; guest physical = offset */
	uint64_t mem_len;
	int mem_fd;		/* the memory file it maps, while mem is set */
	uint32_t nsid;
	uint32_t lba_shift;
	uint64_t size;		/* bytes of the disk */
	unsigned int nq, qentries;
	struct sim_gq q[SIM_VM_QUEUES];
	unsigned int next_q;
	struct sim_slot slot[SIM_VM_SLOTS];
	int listen_fd;
	char sock[SIM_PATH];
	struct sim_nbd_client client[SIM_NBD_CLIENTS];
	uint64_t completed, errors;
};

struct sim {
	char dir[SIM_DIR];
	/*
	 * Where the namespace images are ("" = dir): a private directory on
	 * tmpfs, so that a flush costs what a device's does; removed at exit.
	 */
	char image_dir[SIM_DIR];
	unsigned int npf;
	struct sim_pf pf[SIM_MAX_PF];
	FILE *log;
	uint64_t seq;
	struct sim_fault fault[SIM_MAX_FAULT];
	struct sim_war war;
	struct sim_vm vm[SIM_MAX_VM];
	bool stop;			/* "stop" asked for: the server ends */
};

/* A command as it reached the device, and what it completes with. */
struct sim_cmd {
	struct sim_ctrl *ctrl;		/* whose admin queue */
	pid_t pid;
	uint8_t opcode;
	uint32_t nsid;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	uint64_t addr;
	uint32_t data_len;
	uint8_t *data;			/* data_len bytes, both directions */
	uint32_t out_len;		/* bytes to return */
	uint64_t result;
};

/* sim-config.c */
int sim_config_pf(struct sim *s, const char *spec, char *err, size_t errlen);
int sim_config_file(struct sim *s, const char *path, char *err, size_t errlen);
int sim_setup(struct sim *s, char *err, size_t errlen);
struct sim_ctrl *sim_ctrl_by_cntlid(struct sim_pf *pf, uint16_t cntlid);
struct sim_ctrl *sim_ctrl_by_instance(struct sim *s, uint32_t instance);

/* sim-images.c: the namespaces' backing files, in DIR or on tmpfs */
int sim_images_place(struct sim *s, const char *dir, bool fallback,
		     char *err, size_t errlen);
int sim_image_create(const struct sim *s, const struct sim_pf *pf,
		     struct sim_ns *ns, char *err, size_t errlen);
void sim_images_remove(struct sim *s);

/* sim-admin.c */
uint32_t sim_admin(struct sim_cmd *c);

/* sim-lm.c */
uint32_t sim_lm(struct sim_cmd *c);
uint32_t sim_vendor(struct sim_cmd *c);
uint32_t sim_cdq_get_feature(struct sim_cmd *c);
uint32_t sim_cdq_set_feature(struct sim_cmd *c);
void sim_ctrl_reset(struct sim_ctrl *ctrl);
void sim_cdq_log_write(struct sim_ctrl *ctrl, uint32_t nsid, uint64_t slba,
		       uint32_t nlb);
void sim_ctrl_init_state(struct sim_ctrl *ctrl);

/* sim-guest.c: the guest's driver and the VF's I/O queues */
struct sim_vm *sim_vm_by_name(struct sim *s, const char *name);
int sim_vm_attach(struct sim *s, const char *name, struct sim_ctrl *vf,
		  unsigned int nq, unsigned int qentries, char *err, size_t errlen);
int sim_vm_attach_on_resume(struct sim *s, const char *name, struct sim_ctrl *vf,
			    char *err, size_t errlen);
void sim_vf_resumed(struct sim_ctrl *vf);
void sim_vm_destroy(struct sim_vm *vm);
int sim_vm_map(struct sim_vm *vm, int fd);
void sim_vm_enter(struct sim_vm *vm, struct sim_ctrl *vf);
void sim_vm_recover(struct sim_vm *vm);
void sim_vf_flr(struct sim_ctrl *vf);
void sim_io_kick(struct sim_ctrl *ctrl);
int sim_vm_submit(struct sim_vm *vm, int cid, int client, uint64_t handle,
		  uint16_t type, uint64_t off, uint32_t len);
int sim_vm_free_slot(const struct sim_vm *vm);
int sim_vf_write_fill(struct sim_ctrl *vf, uint64_t slba, uint64_t nlb,
		      uint8_t byte);

/* sim-nbd.c: each VM's disk over NBD on a Unix socket */
int sim_nbd_listen(struct sim_vm *vm, char *err, size_t errlen);
void sim_nbd_accept(struct sim_vm *vm);
void sim_nbd_request(struct sim_vm *vm, int client);
void sim_nbd_reply(struct sim_vm *vm, int client, uint64_t handle,
		   uint32_t error, const void *data, uint32_t len);
void sim_nbd_drop(struct sim_vm *vm, int client);

/* sim-fault.c: faults "lmsimctl fault" arms, struck around sim_admin */
const char *sim_fault_name(enum sim_fault_kind kind);
enum sim_fault_kind sim_fault_by_name(const char *name);
unsigned int sim_fault_args(enum sim_fault_kind kind);
bool sim_fault_completes(enum sim_fault_kind kind);
int sim_fault_arm(struct sim *s, const struct sim_fault *f);
void sim_fault_clear(struct sim *s);
uint64_t sim_war_watch(const struct sim *s, const struct sim_pf *pf,
		       const struct sim_ns *ns);
int sim_war_fire(struct sim *s);
enum sim_fault_kind sim_fault_admin(struct sim *s, struct sim_cmd *c,
				    uint32_t *status);

/* sim-ctl.c: the control commands, one table */
void sim_ctl(struct sim *s, const char *line, char *out, size_t len);
void sim_ctl_usage(FILE *f);

/* sim-vm-move.c: a VM moves to another simulator (another host's) */
int sim_vm_send(struct sim *s, const char *name, const char *sock,
		unsigned int pf, unsigned int vf, char *err, size_t errlen);
int sim_vm_receive(struct sim *s, const void *wire, size_t len, const int *fds,
		   unsigned int nfds, char *err, size_t errlen);

/* sim-server.c: the admin socket, its clients and every VM's NBD socket */
int sim_serve(struct sim *s, const char *sock_path, pid_t owner);

/* sim-sysfs.c */
int sim_sysfs_create(struct sim *s, char *err, size_t errlen);
int sim_sysfs_bind(struct sim *s, struct sim_ctrl *vf, const char *driver);

#endif /* SIM_H */
