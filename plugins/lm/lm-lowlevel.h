/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One admin command each, as upstream nvme-cli's lm plugin names them. */
#ifndef LM_LOWLEVEL_H
#define LM_LOWLEVEL_H

#include <stdbool.h>
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

/* One shape for all seven: send one command on d, print what it did. */
typedef int (*lm_ll_send_fn)(struct lm_dev *d, const struct lm_ll_args *a);

int lm_ll_migration_send(struct lm_dev *d, const struct lm_ll_args *a);
int lm_ll_migration_recv(struct lm_dev *d, const struct lm_ll_args *a);
int lm_ll_create_cdq(struct lm_dev *d, const struct lm_ll_args *a);
int lm_ll_delete_cdq(struct lm_dev *d, const struct lm_ll_args *a);
int lm_ll_track_send(struct lm_dev *d, const struct lm_ll_args *a);
int lm_ll_set_cdq(struct lm_dev *d, const struct lm_ll_args *a);
int lm_ll_get_cdq(struct lm_dev *d, const struct lm_ll_args *a);

#endif /* LM_LOWLEVEL_H */
