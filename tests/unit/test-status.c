// SPDX-License-Identifier: GPL-2.0-or-later
/* Status codes by name, and the "no live migration here" diagnosis. */
#include "unit.h"
#include "lm-cmd.h"
#include "lm-status.h"

static void test_lm_names(void)
{
	CHECK_STR(lm_status_name(0x11f), "Invalid Controller Identifier");
	CHECK_STR(lm_status_name(0x137), "Invalid Controller Data Queue");
	CHECK_STR(lm_status_name(0x138), "Not Enough Resources");
	CHECK_STR(lm_status_name(0x139), "Controller Suspended");
	CHECK_STR(lm_status_name(0x13a), "Controller Not Suspended");
	CHECK_STR(lm_status_name(0x13b), "Controller Data Queue Full");
	/* DNR and More do not change the name. */
	CHECK_STR(lm_status_name(0x413a), "Controller Not Suspended");
	CHECK_STR(lm_status_name(0x4001), "Invalid Command Opcode");
	CHECK(lm_status_name(0x13c) == NULL);
	/* Same SC in another type is another status. */
	CHECK(lm_status_name(0x03a) == NULL);
}

static void test_describe(void)
{
	char buf[256];

	lm_status_describe(buf, sizeof(buf), 0x42, 0x413a);
	CHECK_CONTAINS(buf, "migration-receive: Controller Not Suspended");
	CHECK_CONTAINS(buf, "SC 0x3a");

	lm_status_describe(buf, sizeof(buf), 0x41, 0x4001);
	CHECK_CONTAINS(buf, "this controller does not support live migration (TP4159)");

	lm_status_describe(buf, sizeof(buf), 0xc8, 0x4001);
	CHECK_CONTAINS(buf, "does not support live migration");

	/* Invalid opcode on Identify is not a statement about TP4159. */
	lm_status_describe(buf, sizeof(buf), 0x06, 0x4001);
	CHECK(!strstr(buf, "live migration"));
	CHECK_CONTAINS(buf, "Invalid Command Opcode");

	lm_status_describe(buf, sizeof(buf), 0x45, 0x1ff);
	CHECK_CONTAINS(buf, "Unknown Status");

	/* DNR with a Successful Completion code is a refusal, not a success. */
	lm_status_describe(buf, sizeof(buf), 0x45, 0x4000);
	CHECK(!strstr(buf, "Successful"));
	CHECK_CONTAINS(buf, "status 0x4000");
	CHECK_CONTAINS(buf, "refused");
}

int main(void)
{
	RUN(test_lm_names);
	RUN(test_describe);
	return unit_summary("test-status");
}
