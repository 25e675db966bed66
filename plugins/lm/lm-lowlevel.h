/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One admin command each, as upstream nvme-cli's lm plugin names them. */
#ifndef LM_LOWLEVEL_H
#define LM_LOWLEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lm-dev.h"

struct lm_ll_msend {
	uint8_t sel, stype, seqind, csuuidi, csvi, uidx;
	bool dudmq;
	uint16_t cntlid;
	uint64_t offset;
	uint32_t numd;		/* dwords, as Migration Send counts them */
	const char *input;
};

struct lm_ll_mrecv {
	uint8_t sel, csuuidi, csvi, uidx;
	uint16_t cntlid;
	uint64_t offset;
	uint32_t numd;		/* 0's-based, as on the wire */
	const char *output;
};

struct lm_ll_cdq {
	uint16_t cntlid;
	uint8_t queue_type;
	uint32_t size_dw;
	bool hold;
};

struct lm_ll_track {
	uint8_t sel, mos;
	uint16_t cdqid;
	bool start, stop;
};

/* Every low-level command's options; each command reads its own part. */
struct lm_ll_args {
	struct lm_ll_msend msend;
	struct lm_ll_mrecv mrecv;
	struct lm_ll_cdq cdq;
	struct lm_ll_track track;
	uint16_t cdqid;		/* delete-cdq, set-cdq, get-cdq */
	uint32_t hp;		/* set-cdq: the head pointer handed back */
	int64_t tpt;		/* set-cdq: tail pointer trigger, -1 for none */
};

/* What a low-level command did, for its report (lm-print.h's ll). */
enum lm_ll_event {
	LM_LL_SENT,		/* migration-send: sel done to cntlid */
	LM_LL_RECEIVED,		/* migration-recv: data from cntlid */
	LM_LL_CDQ_CREATED,	/* create-cdq: cdqid for cntlid, held */
	LM_LL_CDQ_RELEASED,	/* create-cdq: cdqid deleted on the way out */
	LM_LL_CDQ_DELETED,	/* delete-cdq */
	LM_LL_TRACK_SENT,	/* track-send: logging started or stopped */
	LM_LL_CDQ_HEAD_SET,	/* set-cdq */
	LM_LL_CDQ_HEAD,		/* get-cdq */
};

struct lm_ll_report {
	enum lm_ll_event event;
	uint16_t cntlid;
	uint16_t cdqid;
	uint8_t sel;		/* migration-send */
	bool start;		/* track-send: started, not stopped */
	uint32_t entries;	/* create-cdq */
	uint32_t head;		/* set-cdq, get-cdq */
	uint32_t tpt;		/* get-cdq: the tail pointer trigger */
	bool tpt_set;		/* set-cdq: a trigger was set */
	/* migration-recv */
	const uint8_t *data;
	size_t len;
	uint64_t offset;
	uint32_t dw0;
	int suspended;		/* 1, 0, or -1: unknown (no header, CSUP clear) */
	bool written;		/* to --output-file; else the data is the output */
};

/* Called once a command's effect is real (never in a dry run). */
typedef void (*lm_ll_report_fn)(const struct lm_ll_report *r);

/*
 * One shape for all seven: send one command on d and report what it did
 * (create-cdq reports twice: created, and deleted when it lets go).
 * Returns 0, or an error with the reason in err.
 */
typedef int lm_ll_send_fn(struct lm_dev *d, const struct lm_ll_args *a,
			  lm_ll_report_fn report, char *err, size_t errlen);

lm_ll_send_fn lm_ll_migration_send, lm_ll_migration_recv, lm_ll_create_cdq,
	lm_ll_delete_cdq, lm_ll_track_send, lm_ll_set_cdq, lm_ll_get_cdq;

#endif /* LM_LOWLEVEL_H */
