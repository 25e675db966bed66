/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a PF says about live migration and its VFs: Identify Controller, the
 * Secondary Controller List (CNS 15h), Supported Controller State Formats
 * (CNS 20h); and the resolution of --vf/--cntlid into one target VF.
 */
#ifndef LM_DISCOVER_H
#define LM_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lm-dev.h"
#include "lm-profile.h"

#define LM_OACS_HMLMS		(1u << 11)
#define LM_TRATTR_THMCS		0x01
#define LM_TRATTR_TUDCS		0x02
#define LM_TRATTR_MRTLL		0x04
#define LM_VS_LM_FLAG_OFF	3072

struct lm_ctrl_info {
	uint16_t vid;
	char sn[21], mn[41], fr[9];
	uint8_t mdts;
	uint16_t cntlid;
	uint16_t oacs;
	bool hmlms;		/* OACS bit 11 */
	bool vendor_lm;		/* Identify byte 3072 == 01h */
	uint16_t cmmrtd, nmmrtd;
	uint8_t minmrtg, maxmrtg, trattr;
	uint16_t mcudmq, mnsudmq, mcmr, nmcmr, mcdqpc;
};

struct lm_sec_ctrl {
	uint16_t scid;
	uint16_t pcid;
	uint8_t scs;		/* bit 0: online */
	uint16_t vfn;
	uint16_t nvq, nvi;
};

#define LM_MAX_SEC	127
#define LM_MAX_FORMATS	32

struct lm_state_formats {
	unsigned int nv;
	uint16_t ver[LM_MAX_FORMATS];
	unsigned int nuuid;
};

void lm_parse_id_ctrl(const uint8_t *id, struct lm_ctrl_info *info);
/* Entries in a CNS 15h list (at most max). */
int lm_parse_sec_list(const uint8_t *buf, struct lm_sec_ctrl *out, int max);
void lm_parse_state_formats(const uint8_t *buf, struct lm_state_formats *f);
bool lm_formats_has(const struct lm_state_formats *f, uint16_t ver);

/*
 * The Controller State Version Index (CSVI) that selects NVMe controller
 * state version ver on this controller. CSVI is an index into CNS 20h's
 * version list and 1-based: CSVI 1 is the first version listed. CSVI 0
 * selects no NVMe-defined state at all (a device then returns the 48-byte
 * header alone), so 0 here means "ver is not listed". This function is the
 * one place that knows the index is 1-based.
 */
uint8_t lm_formats_csvi(const struct lm_state_formats *f, uint16_t ver);
/* "3, 0", or "none": the versions a controller lists, for messages. */
void lm_formats_str(const struct lm_state_formats *f, char *buf, size_t len);

/* A PF and its secondary controllers, as Identify tells them. */
struct lm_pf {
	struct lm_ctrl_info id;
	enum lm_profile profile;	/* resolved: tp4159 or intel-2022 */
	bool supported;			/* in that profile */
	int nsec;
	struct lm_sec_ctrl sec[LM_MAX_SEC];
	struct lm_state_formats formats;
	char addr[32];			/* PCI address, "" if sysfs lacks it */
};

/*
 * Identify the PF and its VFs. With require, a PF without live migration
 * in the requested profile (auto: whichever it has) is an error; without,
 * it is a finding (pf->supported) and the VFs are listed all the same.
 */
int lm_pf_probe(struct lm_dev *d, enum lm_profile profile, bool require, struct lm_pf *pf,
		char *err, size_t errlen);

/* One VF of one PF, as every workflow command needs it. */
struct lm_target {
	struct lm_ctrl_info pf;
	enum lm_profile profile;
	uint16_t cntlid;
	uint16_t vfn;
	bool online;
	uint16_t nvq, nvi;
	uint32_t max_xfer;		/* bytes per command, from MDTS */
	bool have_sysfs;		/* the VF's PCI function is known */
	char pf_addr[32];
	char vf_addr[32];
	char driver[64];		/* "" for none, or when driver_err */
	int driver_err;			/* why sysfs does not tell it, or 0 */
	struct lm_state_formats formats;
	/*
	 * CSVI for this plugin's NVMe controller state version on this
	 * controller (0: not listed, see lm_formats_csvi), or what --csvi
	 * asked for.
	 */
	uint8_t csvi;
};

struct lm_select {
	int vf;				/* -1: not given */
	int cntlid;			/* -1: not given */
	enum lm_profile profile;
	int csvi;			/* -1: from CNS 20h */
};

/*
 * Identify the PF, check it supports live migration, find the VF in its
 * Secondary Controller List and in sysfs. Returns 0, or an error with a
 * one-line message.
 */
int lm_target_resolve(struct lm_dev *d, const struct lm_select *sel,
		      struct lm_target *t, char *err, size_t errlen);

#endif /* LM_DISCOVER_H */
