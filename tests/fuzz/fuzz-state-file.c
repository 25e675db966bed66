// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state-file container (lm_sf_parse: header, CRCs, lengths) and, when
 * it holds together, the controller state inside it, as restore reads it.
 * A parsed header must also encode back to the bytes it came from.
 */
#include <string.h>

#include "fuzz.h"
#include "lm-crc32c.h"
#include "lm-ctrl-state.h"
#include "lm-le.h"
#include "lm-state-file.h"

static void parse(const uint8_t *data, size_t size)
{
	struct lm_sf_hdr h;
	struct lm_ctrl_state st;
	uint8_t hdr[LM_SF_HDR_LEN];
	const void *payload = NULL;
	char msg[256] = "";
	enum lm_sf_err e;

	e = lm_sf_parse(data, size, &h, &payload, msg, sizeof(msg));
	FUZZ_ASSERT(lm_sf_strerror(e) != NULL);
	if (e != LM_SF_OK) {
		fuzz_check_msg(msg);
		return;
	}
	FUZZ_ASSERT(payload == data + LM_SF_HDR_LEN);
	FUZZ_ASSERT(h.payload_len <= size - LM_SF_HDR_LEN);
	FUZZ_ASSERT(strlen(h.id.mn) < sizeof(h.id.mn));
	FUZZ_ASSERT(strlen(h.id.fr) < sizeof(h.id.fr));
	FUZZ_ASSERT(strlen(h.id.sn) < sizeof(h.id.sn));
	fuzz_touch(payload, h.payload_len);
	lm_sf_encode_hdr(hdr, &h.id, payload, h.payload_len);
	FUZZ_ASSERT(lm_sf_decode_hdr(hdr, sizeof(hdr), &h, msg, sizeof(msg)) == LM_SF_OK);
	if (!lm_ctrl_state_parse(payload, h.payload_len, &st, msg, sizeof(msg)) &&
	    st.nvme_decoded)
		(void)lm_ctrl_state_check_queues(&st, msg, sizeof(msg));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t plen;
	uint8_t *b;

	parse(data, size);
	/*
	 * Random bytes almost never carry matching CRCs: parse once more with
	 * both CRCs made right, so the fuzzer reaches what lies behind them.
	 */
	if (size < LM_SF_HDR_LEN)
		return 0;
	b = malloc(size);
	FUZZ_ASSERT(b);
	memcpy(b, data, size);
	plen = lm_get_le64(b + 24);
	if (plen > size - LM_SF_HDR_LEN)
		plen = size - LM_SF_HDR_LEN;
	lm_put_le32(b + 32, lm_crc32c(0, b + LM_SF_HDR_LEN, plen));
	lm_put_le32(b + 124, lm_crc32c(0, b, 124));
	parse(b, size);
	free(b);
	return 0;
}
