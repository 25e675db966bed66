// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm-ctrl-state.h"
#include "lm-discover.h"
#include "lm-le.h"
#include "lm-profile.h"
#include "lm-status.h"
#include "lm-sysfs.h"

void lm_parse_id_ctrl(const uint8_t *id, struct lm_ctrl_info *i)
{
	memset(i, 0, sizeof(*i));
	i->vid = lm_get_le16(id + 0);
	lm_get_str(i->sn, id + 4, 20, ' ');
	lm_get_str(i->mn, id + 24, 40, ' ');
	lm_get_str(i->fr, id + 64, 8, ' ');
	i->mdts = id[77];
	i->cntlid = lm_get_le16(id + 78);
	i->oacs = lm_get_le16(id + 256);
	i->hmlms = i->oacs & LM_OACS_HMLMS;
	i->cmmrtd = lm_get_le16(id + 570);
	i->nmmrtd = lm_get_le16(id + 572);
	i->minmrtg = id[574];
	i->maxmrtg = id[575];
	i->trattr = id[576];
	i->mcudmq = lm_get_le16(id + 578);
	i->mnsudmq = lm_get_le16(id + 580);
	i->mcmr = lm_get_le16(id + 582);
	i->nmcmr = lm_get_le16(id + 584);
	i->mcdqpc = lm_get_le16(id + 586);
	i->vendor_lm = id[LM_VS_LM_FLAG_OFF] == 0x01;
}

int lm_parse_sec_list(const uint8_t *buf, struct lm_sec_ctrl *out, int max)
{
	int n = buf[0], i;
	const uint8_t *e;

	if (n > LM_MAX_SEC)
		n = LM_MAX_SEC;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		e = buf + 32 + 32 * i;
		out[i] = (struct lm_sec_ctrl){
			.scid = lm_get_le16(e), .pcid = lm_get_le16(e + 2),
			.scs = e[4], .vfn = lm_get_le16(e + 8),
			.nvq = lm_get_le16(e + 10), .nvi = lm_get_le16(e + 12),
		};
	}
	return n;
}

void lm_parse_state_formats(const uint8_t *buf, struct lm_state_formats *f)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->nv = buf[0] < LM_MAX_FORMATS ? buf[0] : LM_MAX_FORMATS;
	f->nuuid = buf[1];
	for (i = 0; i < f->nv; i++)
		f->ver[i] = lm_get_le16(buf + 2 + 2 * i);
}

bool lm_formats_has(const struct lm_state_formats *f, uint16_t ver)
{
	unsigned int i;

	for (i = 0; i < f->nv; i++)
		if (f->ver[i] == ver)
			return true;
	return false;
}

uint8_t lm_formats_csvi(const struct lm_state_formats *f, uint16_t ver)
{
	unsigned int i;

	for (i = 0; i < f->nv && i < 255; i++)
		if (f->ver[i] == ver)
			return i + 1;
	return 0;
}

void lm_formats_str(const struct lm_state_formats *f, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	snprintf(buf, len, "none");
	for (i = 0; i < f->nv && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%u", i ? ", " : "", f->ver[i]);
}

static int identify(struct lm_dev *d, uint8_t cns, uint16_t cntid, void *buf,
		    char *err, size_t errlen)
{
	struct lm_cmd c;
	int ret;

	memset(buf, 0, 4096);
	lm_enc_identify(&c, cns, cntid, buf);
	ret = lm_dev_submit(d, &c, NULL);
	if (ret) {
		char why[256];

		lm_dev_error(why, sizeof(why), &c, ret);
		snprintf(err, errlen, "%s: Identify CNS %02xh: %s", d->name, cns, why);
	}
	return ret;
}

int lm_pf_probe(struct lm_dev *d, enum lm_profile profile, bool require, struct lm_pf *pf,
		char *err, size_t errlen)
{
	uint8_t *buf;
	int ret;

	memset(pf, 0, sizeof(*pf));
	buf = aligned_alloc(4096, 4096);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = identify(d, LM_CNS_CTRL, 0, buf, err, errlen);
	if (ret)
		goto out;
	lm_parse_id_ctrl(buf, &pf->id);
	pf->profile = profile;
	if (profile == LM_PROFILE_AUTO)
		pf->profile = pf->id.hmlms ? LM_PROFILE_TP4159 :
			      pf->id.vendor_lm ? LM_PROFILE_INTEL_2022 : LM_PROFILE_AUTO;
	pf->supported = !(pf->profile == LM_PROFILE_AUTO ||
			  (pf->profile == LM_PROFILE_TP4159 && !pf->id.hmlms) ||
			  (pf->profile == LM_PROFILE_INTEL_2022 && !pf->id.vendor_lm));
	if (!pf->supported && require) {
		if (profile == LM_PROFILE_INTEL_2022)
			snprintf(err, errlen,
				 "%s: this controller does not have the intel-2022 vendor flag (Identify byte 3072)%s",
				 d->name, pf->id.hmlms ? "; it supports TP4159: drop --profile or use --profile tp4159" : "");
		else
			snprintf(err, errlen,
				 "%s: this controller does not support live migration (TP4159): OACS bit 11 is clear%s",
				 d->name,
				 pf->id.vendor_lm ? "; it has the intel-2022 vendor flag: try --profile intel-2022" : "");
		ret = -EOPNOTSUPP;
		goto out;
	}
	ret = identify(d, LM_CNS_SECONDARY_LIST, 0, buf, err, errlen);
	if (ret && !require) {
		/* Not an SR-IOV controller, say: no VFs, and that is an answer. */
		pf->nsec = 0;
		ret = 0;
	} else if (ret) {
		goto out;
	} else {
		pf->nsec = lm_parse_sec_list(buf, pf->sec, LM_MAX_SEC);
	}
	/* Optional: a controller may not list its formats. */
	if (pf->profile == LM_PROFILE_TP4159 &&
	    !identify(d, LM_CNS_STATE_FORMATS, 0, buf, err, errlen))
		lm_parse_state_formats(buf, &pf->formats);
	err[0] = '\0';
	if (lm_sysfs_ctrl_addr(d->name, pf->addr, sizeof(pf->addr)))
		pf->addr[0] = '\0';
out:
	free(buf);
	return ret;
}

int lm_target_resolve(struct lm_dev *d, const struct lm_select *sel,
		      struct lm_target *t, char *err, size_t errlen)
{
	struct lm_pf *pf;
	int i, ret;

	memset(t, 0, sizeof(*t));
	if (sel->vf < 0 && sel->cntlid < 0) {
		snprintf(err, errlen, "no VF given: use --vf N (its VF number) or --cntlid ID");
		return -EINVAL;
	}
	if (d->dry_run && d->fd < 0) {
		/* No device to read: the options must say it all. */
		if (sel->profile == LM_PROFILE_AUTO ||
		    (sel->profile == LM_PROFILE_TP4159 && sel->cntlid < 0) ||
		    (sel->profile == LM_PROFILE_INTEL_2022 && sel->vf < 0)) {
			snprintf(err, errlen,
				 "--dry-run without the device (%s) cannot look the VF up: give --profile and --cntlid (tp4159) or --vf (intel-2022)",
				 d->path);
			return -EINVAL;
		}
		t->profile = sel->profile;
		t->cntlid = sel->cntlid < 0 ? 0 : sel->cntlid;
		t->vfn = sel->vf < 0 ? 0 : sel->vf;
		t->max_xfer = lm_mdts_bytes(0, 4096);
		return 0;
	}

	pf = malloc(sizeof(*pf));
	if (!pf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = lm_pf_probe(d, sel->profile, true, pf, err, errlen);
	if (ret)
		goto out;
	for (i = 0; i < pf->nsec; i++)
		if ((sel->vf >= 0 && pf->sec[i].vfn == sel->vf) ||
		    (sel->vf < 0 && pf->sec[i].scid == sel->cntlid))
			break;
	if (i == pf->nsec ||
	    (sel->vf >= 0 && sel->cntlid >= 0 && pf->sec[i].scid != sel->cntlid)) {
		if (sel->vf >= 0 && sel->cntlid >= 0)
			snprintf(err, errlen,
				 "%s: --vf %d and --cntlid 0x%x are not the same secondary controller",
				 d->name, sel->vf, sel->cntlid);
		else if (sel->vf >= 0)
			snprintf(err, errlen,
				 "%s has no VF %d in its secondary controller list (%d VFs): check --vf",
				 d->name, sel->vf, pf->nsec);
		else
			snprintf(err, errlen,
				 "%s has no secondary controller with CNTLID 0x%x (%d VFs): check --cntlid",
				 d->name, sel->cntlid, pf->nsec);
		ret = -ENODEV;
		goto out;
	}
	t->pf = pf->id;
	t->profile = pf->profile;
	t->formats = pf->formats;
	t->csvi = sel->csvi >= 0 ? sel->csvi :
		  lm_formats_csvi(&pf->formats, LM_CS_NVME_VERSION);
	t->max_xfer = lm_mdts_bytes(pf->id.mdts, 4096);
	t->cntlid = pf->sec[i].scid;
	t->vfn = pf->sec[i].vfn;
	t->online = pf->sec[i].scs & 1;
	t->nvq = pf->sec[i].nvq;
	t->nvi = pf->sec[i].nvi;
	snprintf(t->pf_addr, sizeof(t->pf_addr), "%s", pf->addr);
	t->have_sysfs = *pf->addr &&
		!lm_sysfs_vf_addr(pf->addr, t->vfn, t->vf_addr, sizeof(t->vf_addr));
	if (t->have_sysfs)
		t->driver_err = lm_sysfs_driver(t->vf_addr, t->driver, sizeof(t->driver));
	if (t->driver_err)
		t->driver[0] = '\0';
out:
	free(pf);
	return ret;
}
