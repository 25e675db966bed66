/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Admin command encoders for host-managed live migration (TP4159) and for the
 * vendor profile that predates it. Pure functions: a request goes in, a fully
 * formed admin command comes out; nothing here touches a device, so every
 * dword can be unit tested. This file is the one place that knows opcodes,
 * field positions and the NUMD conventions.
 */
#ifndef LM_CMD_H
#define LM_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lm_opcode {
	LM_OPC_SET_FEATURES	= 0x09,
	LM_OPC_GET_FEATURES	= 0x0a,
	LM_OPC_IDENTIFY		= 0x06,
	LM_OPC_VIRT_MGMT	= 0x1c,
	LM_OPC_TRACK_SEND	= 0x3d,
	LM_OPC_TRACK_RECV	= 0x3e,
	LM_OPC_MIGRATION_SEND	= 0x41,
	LM_OPC_MIGRATION_RECV	= 0x42,
	LM_OPC_CDQ		= 0x45,

	/* Vendor profile (2022 RFC for an IPU NVMe VF). */
	LM_OPC_VS_QUERY_SIZE	= 0xc4,
	LM_OPC_VS_SUSPEND	= 0xc8,
	LM_OPC_VS_RESUME	= 0xcc,
	LM_OPC_VS_SAVE		= 0xd2,
	LM_OPC_VS_LOAD		= 0xd5,
};

enum lm_cns {
	LM_CNS_CTRL		= 0x01,
	LM_CNS_SECONDARY_LIST	= 0x15,
	LM_CNS_STATE_FORMATS	= 0x20,
};

#define LM_FID_CDQ		0x21

enum lm_migration_send_sel {
	LM_MSEND_SUSPEND	= 0,
	LM_MSEND_RESUME		= 1,
	LM_MSEND_SET_STATE	= 2,
};

enum lm_suspend_type {
	LM_STYPE_NOTIFY		= 0,
	LM_STYPE_SUSPEND	= 1,
};

/* SEQIND of Set Controller State: where a chunk sits in the transfer. */
enum lm_seqind {
	LM_SEQ_MIDDLE		= 0,
	LM_SEQ_FIRST		= 1,
	LM_SEQ_LAST		= 2,
	LM_SEQ_ENTIRE		= 3,
};

enum lm_cdq_sel {
	LM_CDQ_CREATE		= 0,
	LM_CDQ_DELETE		= 1,
};

#define LM_CDQ_QT_USER_DATA	0

/* SEL 1 (Track Memory Changes) has no public layout: refused. */
enum lm_track_sel {
	LM_TRACK_USER_DATA	= 0,
};

enum lm_track_lact {
	LM_LACT_STOP		= 0,
	LM_LACT_START		= 1,
};

enum lm_dir {
	LM_DIR_NONE,
	LM_DIR_TO_DEV,		/* host -> controller */
	LM_DIR_FROM_DEV,	/* controller -> host */
};

/* An admin command as the passthrough ioctl takes it, minus the transport. */
struct lm_cmd {
	uint8_t opcode;
	uint32_t nsid;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	enum lm_dir dir;
	uint32_t data_len;
	void *data;
};

/* TP4159 Migration Send */
void lm_enc_suspend(struct lm_cmd *c, uint16_t cntlid,
		    enum lm_suspend_type stype, bool dudmq);
void lm_enc_resume(struct lm_cmd *c, uint16_t cntlid);

struct lm_state_xfer {
	uint16_t cntlid;
	uint8_t csvi;		/* controller state version index */
	uint8_t csuuidi;	/* controller state UUID index */
	uint8_t csuidxp;	/* UUID index of the vendor part (receive only) */
	uint8_t uidx;		/* UUID index of the command */
	uint64_t offset;	/* byte offset into the controller state */
	uint32_t len;		/* bytes in this transfer, a multiple of 4 */
	void *buf;
};

int lm_enc_set_state(struct lm_cmd *c, const struct lm_state_xfer *x,
		     enum lm_seqind seqind);

/* TP4159 Migration Receive */
int lm_enc_get_state(struct lm_cmd *c, const struct lm_state_xfer *x);

/* Controller Data Queue and its feature */
void lm_enc_cdq_create(struct lm_cmd *c, uint16_t cntlid, uint8_t qt,
		       bool pc, uint32_t size_dw, void *buf);
void lm_enc_cdq_delete(struct lm_cmd *c, uint16_t cdqid);
void lm_enc_cdq_set_head(struct lm_cmd *c, uint16_t cdqid, uint32_t head,
			 bool etpt, uint32_t tpt);
void lm_enc_cdq_get(struct lm_cmd *c, uint16_t cdqid, void *buf8);

/* Track Send */
void lm_enc_track_user_data(struct lm_cmd *c, uint16_t cdqid,
			    enum lm_track_lact lact);

/* Identify */
void lm_enc_identify(struct lm_cmd *c, uint8_t cns, uint16_t cntid,
		     void *buf4k);

/* Vendor profile: VF index is 1-based, in CDW10 bits 15:0. */
void lm_enc_vs_query_size(struct lm_cmd *c, uint16_t vf);
void lm_enc_vs_suspend(struct lm_cmd *c, uint16_t vf);
void lm_enc_vs_resume(struct lm_cmd *c, uint16_t vf);
void lm_enc_vs_save(struct lm_cmd *c, uint16_t vf, void *buf, uint32_t len);
void lm_enc_vs_load(struct lm_cmd *c, uint16_t vf, void *buf, uint32_t len);

/*
 * Splitting a transfer larger than the controller accepts. Every chunk but
 * the last has max_chunk bytes; SEQIND follows from the chunk's position.
 */
struct lm_chunker {
	uint64_t total;
	uint32_t max_chunk;
	uint64_t next;
};

struct lm_chunk {
	uint64_t offset;
	uint32_t len;
	enum lm_seqind seqind;
};

int lm_chunker_init(struct lm_chunker *it, uint64_t total, uint32_t max_chunk);
bool lm_chunker_next(struct lm_chunker *it, struct lm_chunk *out);

/* Maximum data transfer in bytes from Identify MDTS and the minimum page size. */
uint32_t lm_mdts_bytes(uint8_t mdts, uint32_t mps_min);

const char *lm_opcode_name(uint8_t opcode);
bool lm_opcode_is_lm(uint8_t opcode);

#endif /* LM_CMD_H */
