// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Controller state as Get Controller State returns it (or a state file's
 * payload holds it): header sizes, the NVMe-defined queue lists, the queue
 * consistency checks.
 */
#include <string.h>

#include "fuzz.h"
#include "lm-ctrl-state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lm_ctrl_state st;
	struct lm_sq_state sq;
	struct lm_cq_state cq;
	char err[256] = "";
	uint64_t total;
	unsigned int i;

	if (!lm_ctrl_state_total(data, size, &total, err, sizeof(err)))
		FUZZ_ASSERT(total >= LM_CS_HDR_LEN);
	(void)lm_ctrl_state_nvme_version(data, size);
	err[0] = '\0';
	if (lm_ctrl_state_parse(data, size, &st, err, sizeof(err))) {
		FUZZ_ASSERT(err[0]);
		fuzz_check_msg(err);
		return 0;
	}
	/* Whatever the parser accepted lies inside the input. */
	FUZZ_ASSERT(LM_CS_HDR_LEN + st.nvme_len + st.vendor_len <= size);
	fuzz_touch(st.nvme, st.nvme_len);
	fuzz_touch(st.vendor, st.vendor_len);
	if (!st.nvme_decoded)
		return 0;
	for (i = 0; i < st.niosq; i++)
		lm_ctrl_state_sq(&st, i, &sq);
	for (i = 0; i < st.niocq; i++)
		lm_ctrl_state_cq(&st, i, &cq);
	(void)lm_sq_prio_name(st.niosq ? sq.attr : 0);
	err[0] = '\0';
	if (lm_ctrl_state_check_queues(&st, err, sizeof(err)))
		FUZZ_ASSERT(err[0]);
	return 0;
}
