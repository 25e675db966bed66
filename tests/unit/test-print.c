// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The printing layer (lm-print*.c): format names, the field lists both
 * backends print from, and each backend's text for the same facts.
 */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "state-build.h"
#include "lm-lowlevel.h"
#include "lm-print.h"
#include "lm-profile.h"
#include "lm-state-file.h"

static char *out;
static size_t outlen;

static FILE *capture(void)
{
	free(out);
	out = NULL;
	return open_memstream(&out, &outlen);
}

static void test_fmt_parse(void)
{
	enum lm_fmt fmt = LM_FMT_JSON;
	char err[128] = "";

	CHECK_EQ(lm_fmt_parse("normal", &fmt, err, sizeof(err)), 0);
	CHECK_EQ(fmt, LM_FMT_NORMAL);
	/* The unit tests link json-c: JSON is there. */
	CHECK_EQ(lm_fmt_parse("json", &fmt, err, sizeof(err)), 0);
	CHECK_EQ(fmt, LM_FMT_JSON);
	CHECK_EQ(lm_fmt_parse("binary", &fmt, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "unknown output format 'binary': use normal or json");
	CHECK(lm_print_backend(LM_FMT_JSON) != lm_print_backend(LM_FMT_NORMAL));
	/* Only the normal backend reports the low-level commands. */
	CHECK(lm_print_backend(LM_FMT_NORMAL)->ll != NULL);
	CHECK(lm_print_backend(LM_FMT_JSON)->ll == NULL);
}

static const struct lm_sf_hdr hdr = {
	.version = 1, .payload_len = 104, .payload_crc = 0x3e3b9e8,
	.id = { .profile = LM_PROFILE_TP4159, .vid = 0x1b36, .cntlid = 2,
		.vfn = 1, .mn = "lmsim TP4159 SSD", .fr = "1.0",
		.sn = "LMSIM-PF0", .created = 1764000000 },
};

/* One list, two renderings: each fact once in each, in the same order. */
static void test_container(void)
{
	struct sb_state s = { .csattr = 1, .nsq = 1, .ncq = 1,
		.sq = { { .prp1 = 0x1000, .qsize = 63, .qid = 1, .cqid = 1, .attr = 1 } },
		.cq = { { .prp1 = 0x2000, .qsize = 63, .qid = 1, .attr = 3 } } };
	char err[128];
	size_t len;
	uint8_t *st = sb_build(&s, &len);
	FILE *f;

	f = capture();
	CHECK_EQ(lm_print_state(f, LM_FMT_NORMAL, "st.lm", &hdr, st, len, err, sizeof(err)), 0);
	fclose(f);
	CHECK_CONTAINS(out, "State file          : st.lm\nContainer version   : 1\n"
			    "Profile             : tp4159\nSource PCI vendor   : 0x1b36\n"
			    "Source CNTLID       : 0x2\nSource VF           : 1\n");
	CHECK_CONTAINS(out, "Created             : 2025-11-24T16:00:00Z\n"
			    "Payload             : 104 bytes, CRC32C 0x03e3b9e8\n"
			    "Controller state\n  version           : 0\n"
			    "  attributes        : 0x01 (suspended)\n");
	CHECK_CONTAINS(out, "Queue check         : ok\n");

	f = capture();
	CHECK_EQ(lm_print_state(f, LM_FMT_JSON, "st.lm", &hdr, st, len, err, sizeof(err)), 0);
	fclose(f);
	CHECK_CONTAINS(out, "\"container\":{\n    \"file\":\"st.lm\",\n"
			    "    \"container_version\":1,\n    \"profile\":\"tp4159\",\n"
			    "    \"vid\":6966,\n    \"cntlid\":2,\n    \"vf\":1,\n");
	CHECK_CONTAINS(out, "\"created\":\"2025-11-24T16:00:00Z\",\n"
			    "    \"bytes\":104,\n    \"crc32c\":\"0x3e3b9e8\"\n  },");
	CHECK_CONTAINS(out, "\"csattr\":1,\n    \"suspended\":true,\n");
	CHECK_CONTAINS(out, "\"queue_check\":\"ok\"");
	/* Normal text alone: the JSON has no labels, no "Payload" line. */
	CHECK(!strstr(out, "Payload"));

	/* A state that does not decode prints nothing. */
	f = capture();
	CHECK_EQ(lm_print_state(f, LM_FMT_NORMAL, "st.lm", &hdr, st, 10, err, sizeof(err)), -EINVAL);
	fclose(f);
	CHECK_EQ(outlen, 0);
	free(st);
}

static void ll_text(const struct lm_ll_report *r, const char *want)
{
	FILE *f = capture();

	lm_print(LM_FMT_NORMAL, ll, f, r);
	fclose(f);
	CHECK_STR(out, want);
}

static void test_ll(void)
{
	static const uint8_t data[18] = { 1, 2, 3, [17] = 0xff };

	ll_text(&(struct lm_ll_report){ .event = LM_LL_SENT, .sel = 2, .cntlid = 0x12 },
		"migration-send: set controller state of CNTLID 0x12: success\n");
	ll_text(&(struct lm_ll_report){ .event = LM_LL_RECEIVED, .cntlid = 0x11,
		.len = 48, .dw0 = 1, .suspended = 1, .written = true },
		"migration-recv: CNTLID 0x11: 48 bytes at offset 0; controller suspended (CDW0 0x1)\n");
	/* Without a file the data is the output (the summary is on stderr). */
	ll_text(&(struct lm_ll_report){ .event = LM_LL_RECEIVED, .data = data,
		.len = sizeof(data), .offset = 48, .suspended = -1 },
		"00000030: 01 02 03 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
		"00000040: 00 ff\n");
	ll_text(&(struct lm_ll_report){ .event = LM_LL_CDQ_CREATED, .cdqid = 3,
		.cntlid = 0x12, .entries = 8 },
		"create-cdq: CDQID 0x0003 for CNTLID 0x12, 8 entries; holding its memory until interrupted\n");
	ll_text(&(struct lm_ll_report){ .event = LM_LL_CDQ_RELEASED, .cdqid = 3 },
		"create-cdq: CDQID 0x0003 deleted\n");
	ll_text(&(struct lm_ll_report){ .event = LM_LL_CDQ_DELETED, .cdqid = 3 },
		"delete-cdq: CDQID 0x0003 deleted\n");
	ll_text(&(struct lm_ll_report){ .event = LM_LL_TRACK_SENT, .cdqid = 3 },
		"track-send: logging stopped on CDQID 0x0003\n");
	ll_text(&(struct lm_ll_report){ .event = LM_LL_CDQ_HEAD_SET, .cdqid = 3,
		.head = 1, .tpt_set = true },
		"set-cdq: CDQID 0x0003 head 1, tail pointer trigger set\n");
	ll_text(&(struct lm_ll_report){ .event = LM_LL_CDQ_HEAD, .cdqid = 3,
		.head = 1, .tpt = 4 },
		"get-cdq: CDQID 0x0003 head 1 tail pointer trigger 4\n");
}

int main(void)
{
	RUN(test_fmt_parse);
	RUN(test_container);
	RUN(test_ll);
	free(out);
	return unit_summary("test-print");
}
