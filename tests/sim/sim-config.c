// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Topology: "pf KEY=VALUE ..." lines, from --pf arguments or a config file.
 *
 *   vfs=N            secondary controllers (VFs), default 4
 *   mdts=N           Identify MDTS (2^N pages of 4 KiB), default 5
 *   model=S fw=S sn=S  Identify strings (model: no spaces, '_' for space)
 *   profile=tp4159|intel-2022
 *   vendor-state=SIZE  vendor-specific controller state per VF, default 4K;
 *                    held in memory from the start, with room for a state
 *                    coming in: twice SIZE per VF
 *   queues=N         I/O queue pairs each VF starts with, default 2
 *   ns-size=SIZE     size of each VF's namespace, default 64M
 *   iommu=identity|DMA|DMA-FQ  the PF's IOMMU group type, default identity
 *   csup=0|1         report suspension in Get Controller State's completion
 *                    dword 0 (CSUP) as well as in the header's CSATTR,
 *                    default 1 (Samsung's QEMU model: 0)
 *   get-running=refuse|answer  Get Controller State of a running VF: refuse
 *                    with Controller Not Suspended, or answer with CSATTR 0
 *                    (the QEMU model), default refuse
 *   host-write-rate=SIZE  bytes a second the host may write through
 *                    /dev/nvmeXnY of this PF's namespaces, default 0
 *                    (unlimited): a destination slower than a busy guest
 *   state-versions=V[,V...]  NVMe controller state versions CNS 20h lists,
 *                    default 0; CSVI k selects the k-th (only 0 is a state
 *                    this device can produce)
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static int parse_size(const char *v, uint64_t *out)
{
	char *end;
	uint64_t n = strtoull(v, &end, 0);

	switch (toupper((unsigned char)*end)) {
	case 'K': n <<= 10; end++; break;
	case 'M': n <<= 20; end++; break;
	case 'G': n <<= 30; end++; break;
	default: break;
	}
	if (*end || end == v)
		return -EINVAL;
	*out = n;
	return 0;
}

static int parse_versions(const char *v, struct sim_pf *pf)
{
	char *end;
	unsigned long n;

	pf->nver = 0;
	while (*v && pf->nver < SIM_MAX_VER) {
		n = strtoul(v, &end, 0);
		if (end == v || n > 0xffff || (*end && *end != ','))
			return -EINVAL;
		pf->ver[pf->nver++] = n;
		v = *end ? end + 1 : end;
	}
	return *v || !pf->nver ? -EINVAL : 0;
}

static void set_str(char *dst, size_t len, const char *v)
{
	size_t i;

	snprintf(dst, len, "%s", v);
	for (i = 0; dst[i]; i++)
		if (dst[i] == '_')
			dst[i] = ' ';
}

int sim_config_pf(struct sim *s, const char *spec, char *err, size_t errlen)
{
	struct sim_pf *pf;
	char *copy, *tok, *save = NULL, *val;
	uint64_t n;
	int ret = 0;

	if (s->npf == SIM_MAX_PF) {
		snprintf(err, errlen, "at most %d PFs", SIM_MAX_PF);
		return -EINVAL;
	}
	pf = &s->pf[s->npf];
	memset(pf, 0, sizeof(*pf));
	pf->idx = s->npf;
	pf->profile = SIM_PROFILE_TP4159;
	pf->vid = 0x1b36;
	pf->ssvid = 0x1af4;
	pf->mdts = 5;
	pf->nvf = 4;
	pf->vendor_state = 4096;
	pf->queues = 2;
	pf->ns_size = 64 << 20;
	set_str(pf->mn, sizeof(pf->mn), "lmsim_TP4159_SSD");
	set_str(pf->fr, sizeof(pf->fr), "1.0");
	snprintf(pf->sn, sizeof(pf->sn), "LMSIM-PF%u", pf->idx);
	snprintf(pf->iommu_type, sizeof(pf->iommu_type), "identity");
	pf->csup = true;
	pf->nver = 1;
	pf->ver[0] = 0;

	copy = strdup(spec);
	for (tok = strtok_r(copy, " \t\n", &save); tok && !ret;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		val = strchr(tok, '=');
		if (!val) {
			snprintf(err, errlen, "'%s' is not KEY=VALUE", tok);
			ret = -EINVAL;
			break;
		}
		*val++ = '\0';
		if (!strcmp(tok, "vfs") && !parse_size(val, &n) && n <= SIM_MAX_VF)
			pf->nvf = n;
		else if (!strcmp(tok, "mdts") && !parse_size(val, &n) && n >= 1 && n <= 10)
			pf->mdts = n;
		else if (!strcmp(tok, "model"))
			set_str(pf->mn, sizeof(pf->mn), val);
		else if (!strcmp(tok, "fw"))
			set_str(pf->fr, sizeof(pf->fr), val);
		else if (!strcmp(tok, "sn"))
			set_str(pf->sn, sizeof(pf->sn), val);
		else if (!strcmp(tok, "profile") && !strcmp(val, "tp4159"))
			pf->profile = SIM_PROFILE_TP4159;
		else if (!strcmp(tok, "profile") && !strcmp(val, "intel-2022"))
			pf->profile = SIM_PROFILE_VENDOR;
		else if (!strcmp(tok, "vendor-state") && !parse_size(val, &n) &&
			 n % 4 == 0 && n <= (256ull << 20))
			pf->vendor_state = n;
		else if (!strcmp(tok, "queues") && !parse_size(val, &n) && n <= SIM_MAX_Q)
			pf->queues = n;
		else if (!strcmp(tok, "ns-size") && !parse_size(val, &n) &&
			 n >= 4096 && n % 4096 == 0)
			pf->ns_size = n;
		else if (!strcmp(tok, "iommu") && (!strcmp(val, "identity") ||
			 !strcmp(val, "DMA") || !strcmp(val, "DMA-FQ")))
			snprintf(pf->iommu_type, sizeof(pf->iommu_type), "%s", val);
		else if (!strcmp(tok, "csup") && (!strcmp(val, "0") || !strcmp(val, "1")))
			pf->csup = *val == '1';
		else if (!strcmp(tok, "get-running") && !strcmp(val, "refuse"))
			pf->answer_running = false;
		else if (!strcmp(tok, "get-running") && !strcmp(val, "answer"))
			pf->answer_running = true;
		else if (!strcmp(tok, "host-write-rate") && !parse_size(val, &n))
			pf->host_write_bps = n;
		else if (!strcmp(tok, "state-versions") && !parse_versions(val, pf))
			;
		else {
			snprintf(err, errlen, "bad PF setting %s=%s", tok, val);
			ret = -EINVAL;
		}
	}
	free(copy);
	if (!ret)
		s->npf++;
	return ret;
}

int sim_config_file(struct sim *s, const char *path, char *err, size_t errlen)
{
	char line[1024], *p;
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		lineno++;
		p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		if (strncmp(p, "pf", 2) || !isspace((unsigned char)p[2])) {
			snprintf(err, errlen, "%s:%u: expected 'pf KEY=VALUE...'",
				 path, lineno);
			ret = -EINVAL;
			break;
		}
		ret = sim_config_pf(s, p + 2, err, errlen);
	}
	fclose(f);
	return ret;
}

struct sim_ctrl *sim_ctrl_by_cntlid(struct sim_pf *pf, uint16_t cntlid)
{
	unsigned int i;

	for (i = 0; i <= pf->nvf; i++)
		if (pf->ctrl[i].cntlid == cntlid)
			return &pf->ctrl[i];
	return NULL;
}

struct sim_ctrl *sim_ctrl_by_instance(struct sim *s, uint32_t instance)
{
	unsigned int p, i;

	for (p = 0; p < s->npf; p++)
		for (i = 0; i <= s->pf[p].nvf; i++)
			if (s->pf[p].ctrl[i].instance == instance)
				return &s->pf[p].ctrl[i];
	return NULL;
}

static int make_ns(const struct sim *s, struct sim_pf *pf, unsigned int vf,
		   char *err, size_t errlen)
{
	struct sim_ns *ns = &pf->ns[pf->nns];
	int ret;

	ns->nsid = pf->nns + 1;
	ns->lba_shift = 9;
	ns->nsze = pf->ns_size >> ns->lba_shift;
	ret = sim_image_create(s, pf, ns, err, errlen);
	if (ret)
		return ret;
	/* Each VF's namespace is also attached to its PF, so the host can copy it. */
	ns->attached = 1ull | 1ull << vf;
	pf->nns++;
	return 0;
}

int sim_setup(struct sim *s, char *err, size_t errlen)
{
	uint32_t instance = s->npf;
	struct sim_ctrl *c;
	struct sim_pf *pf;
	unsigned int p, i;
	int ret;

	if (!s->npf) {
		snprintf(err, errlen, "no PF configured");
		return -EINVAL;
	}
	for (p = 0; p < s->npf; p++) {
		pf = &s->pf[p];
		pf->next_cdqid = 0;
		for (i = 0; i <= pf->nvf; i++) {
			c = &pf->ctrl[i];
			c->pf = pf;
			c->index = i;
			c->vfn = i;
			/* Far from the VF numbers, so mixing the two up shows. */
			c->cntlid = i ? 0x10 + i : 1;
			c->instance = i ? instance++ : p;
			c->online = true;
			c->nvq = i ? (pf->queues + 1 > 9 ? pf->queues + 1 : 9) : 64;
			c->nvi = i ? 1 : 32;
			snprintf(c->driver, sizeof(c->driver), "%s",
				 i ? "vfio-pci" : "nvme");
			sim_ctrl_init_state(c);
			if (i) {
				ret = make_ns(s, pf, i, err, errlen);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}
