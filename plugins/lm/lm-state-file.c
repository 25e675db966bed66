// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm-crc32c.h"
#include "lm-ctrl-state.h"
#include "lm-file.h"
#include "lm-le.h"
#include "lm-profile.h"
#include "lm-state-file.h"

#define OFF_VERSION	8
#define OFF_HDR_LEN	10
#define OFF_VID		12
#define OFF_CNTLID	14
#define OFF_VFN		16
#define OFF_PROFILE	18
#define OFF_CSVER	20
#define OFF_PAYLOAD_LEN	24
#define OFF_PAYLOAD_CRC	32
#define OFF_MN		40
#define OFF_FR		80
#define OFF_SN		88
#define OFF_CREATED	108
#define OFF_HDR_CRC	124

#define MN_LEN		40
#define FR_LEN		8
#define SN_LEN		20

const char *lm_sf_strerror(enum lm_sf_err err)
{
	switch (err) {
	case LM_SF_OK:			return "ok";
	case LM_SF_ETRUNC:		return "truncated";
	case LM_SF_EMAGIC:		return "not a state file";
	case LM_SF_EVERSION:		return "unknown container version";
	case LM_SF_EHDRCRC:		return "header corrupted";
	case LM_SF_EPAYLOADCRC:		return "payload corrupted";
	case LM_SF_ETOOBIG:		return "oversized";
	case LM_SF_EINCONSISTENT:	return "inconsistent";
	case LM_SF_EIO:			return "I/O error";
	case LM_SF_ENOMEM:		return "out of memory";
	}
	return "unknown error";
}

/* Identify strings are space padded, not NUL terminated. */
static void put_str(uint8_t *dst, const char *src, size_t len)
{
	size_t n = strnlen(src, len);

	memset(dst, ' ', len);
	memcpy(dst, src, n);
}

void lm_sf_encode_hdr(uint8_t out[LM_SF_HDR_LEN], const struct lm_sf_ident *id,
		      const void *payload, uint64_t len)
{
	memset(out, 0, LM_SF_HDR_LEN);
	memcpy(out, LM_SF_MAGIC, LM_SF_MAGIC_LEN);
	lm_put_le16(out + OFF_VERSION, LM_SF_VERSION);
	lm_put_le16(out + OFF_HDR_LEN, LM_SF_HDR_LEN);
	lm_put_le16(out + OFF_VID, id->vid);
	lm_put_le16(out + OFF_CNTLID, id->cntlid);
	lm_put_le16(out + OFF_VFN, id->vfn);
	out[OFF_PROFILE] = id->profile;
	lm_put_le16(out + OFF_CSVER, id->csver);
	lm_put_le64(out + OFF_PAYLOAD_LEN, len);
	lm_put_le32(out + OFF_PAYLOAD_CRC, lm_crc32c(0, payload, len));
	put_str(out + OFF_MN, id->mn, MN_LEN);
	put_str(out + OFF_FR, id->fr, FR_LEN);
	put_str(out + OFF_SN, id->sn, SN_LEN);
	lm_put_le64(out + OFF_CREATED, id->created);
	lm_put_le32(out + OFF_HDR_CRC, lm_crc32c(0, out, OFF_HDR_CRC));
}

enum lm_sf_err lm_sf_decode_hdr(const void *buf, size_t len,
				struct lm_sf_hdr *h, char *msg, size_t msglen)
{
	const uint8_t *b = buf;
	uint16_t hdr_len;

	memset(h, 0, sizeof(*h));
	if (len < LM_SF_MAGIC_LEN || (len < LM_SF_HDR_LEN &&
	    !memcmp(b, LM_SF_MAGIC, LM_SF_MAGIC_LEN))) {
		snprintf(msg, msglen,
			 "state file truncated: %zu bytes, the header alone is %d",
			 len, LM_SF_HDR_LEN);
		return LM_SF_ETRUNC;
	}
	if (memcmp(b, LM_SF_MAGIC, LM_SF_MAGIC_LEN)) {
		snprintf(msg, msglen,
			 "not an nvme-lm state file (no \"%s\" magic); for a bare controller state use --raw",
			 LM_SF_MAGIC);
		return LM_SF_EMAGIC;
	}
	h->version = lm_get_le16(b + OFF_VERSION);
	if (h->version != LM_SF_VERSION) {
		snprintf(msg, msglen,
			 "state file container version %u is not supported (this build reads version %d)",
			 h->version, LM_SF_VERSION);
		return LM_SF_EVERSION;
	}
	h->hdr_crc = lm_get_le32(b + OFF_HDR_CRC);
	if (lm_crc32c(0, b, OFF_HDR_CRC) != h->hdr_crc) {
		snprintf(msg, msglen,
			 "state file header corrupted: CRC32C 0x%08x, expected 0x%08x",
			 lm_crc32c(0, b, OFF_HDR_CRC), h->hdr_crc);
		return LM_SF_EHDRCRC;
	}
	hdr_len = lm_get_le16(b + OFF_HDR_LEN);
	h->id.vid = lm_get_le16(b + OFF_VID);
	h->id.cntlid = lm_get_le16(b + OFF_CNTLID);
	h->id.vfn = lm_get_le16(b + OFF_VFN);
	h->id.profile = b[OFF_PROFILE];
	h->id.csver = lm_get_le16(b + OFF_CSVER);
	h->payload_len = lm_get_le64(b + OFF_PAYLOAD_LEN);
	h->payload_crc = lm_get_le32(b + OFF_PAYLOAD_CRC);
	lm_get_str(h->id.mn, b + OFF_MN, MN_LEN, '?');
	lm_get_str(h->id.fr, b + OFF_FR, FR_LEN, '?');
	lm_get_str(h->id.sn, b + OFF_SN, SN_LEN, '?');
	h->id.created = lm_get_le64(b + OFF_CREATED);

	if (hdr_len != LM_SF_HDR_LEN) {
		snprintf(msg, msglen,
			 "state file inconsistent: header length %u, version %d headers are %d bytes",
			 hdr_len, LM_SF_VERSION, LM_SF_HDR_LEN);
		return LM_SF_EINCONSISTENT;
	}
	if (h->id.profile != LM_PROFILE_TP4159 &&
	    h->id.profile != LM_PROFILE_INTEL_2022) {
		snprintf(msg, msglen,
			 "state file inconsistent: unknown profile %u", h->id.profile);
		return LM_SF_EINCONSISTENT;
	}
	if (h->payload_len > LM_SF_MAX_PAYLOAD) {
		snprintf(msg, msglen,
			 "state file oversized: payload of %" PRIu64 " bytes exceeds the %llu-byte limit",
			 h->payload_len, LM_SF_MAX_PAYLOAD);
		return LM_SF_ETOOBIG;
	}
	if (!h->payload_len) {
		snprintf(msg, msglen, "state file inconsistent: empty payload");
		return LM_SF_EINCONSISTENT;
	}
	return LM_SF_OK;
}

enum lm_sf_err lm_sf_check_payload(const struct lm_sf_hdr *h,
				   const void *payload, size_t len,
				   char *msg, size_t msglen)
{
	char why[160];
	uint64_t total;
	int ver;
	uint32_t crc;

	if (len < h->payload_len) {
		snprintf(msg, msglen,
			 "state file truncated: payload has %zu of %" PRIu64 " bytes",
			 len, h->payload_len);
		return LM_SF_ETRUNC;
	}
	if (len > h->payload_len) {
		snprintf(msg, msglen,
			 "state file inconsistent: %zu bytes follow the header, which announces %" PRIu64,
			 len, h->payload_len);
		return LM_SF_EINCONSISTENT;
	}
	crc = lm_crc32c(0, payload, len);
	if (crc != h->payload_crc) {
		snprintf(msg, msglen,
			 "state file payload corrupted: CRC32C 0x%08x, expected 0x%08x",
			 crc, h->payload_crc);
		return LM_SF_EPAYLOADCRC;
	}
	if (h->id.profile != LM_PROFILE_TP4159)
		return LM_SF_OK;
	if (lm_ctrl_state_total(payload, len, &total, why, sizeof(why))) {
		snprintf(msg, msglen, "state file inconsistent: %s", why);
		return LM_SF_EINCONSISTENT;
	}
	if (total != len) {
		snprintf(msg, msglen,
			 "state file inconsistent: the controller state header describes %" PRIu64 " bytes, the payload is %zu",
			 total, len);
		return LM_SF_EINCONSISTENT;
	}
	ver = lm_ctrl_state_nvme_version(payload, len);
	if (ver < 0) {
		snprintf(msg, msglen,
			 "state file inconsistent: the controller state has no NVMe part (a header alone is no state)");
		return LM_SF_EINCONSISTENT;
	}
	if (ver != h->id.csver) {
		snprintf(msg, msglen,
			 "state file inconsistent: container says NVMe controller state version %u, the state says %d",
			 h->id.csver, ver);
		return LM_SF_EINCONSISTENT;
	}
	return LM_SF_OK;
}

enum lm_sf_err lm_sf_parse(const void *buf, size_t len, struct lm_sf_hdr *h,
			   const void **payload, char *msg, size_t msglen)
{
	enum lm_sf_err err;

	err = lm_sf_decode_hdr(buf, len, h, msg, msglen);
	if (err)
		return err;
	err = lm_sf_check_payload(h, (const uint8_t *)buf + LM_SF_HDR_LEN,
				  len - LM_SF_HDR_LEN, msg, msglen);
	if (err)
		return err;
	*payload = (const uint8_t *)buf + LM_SF_HDR_LEN;
	return LM_SF_OK;
}

enum lm_sf_err lm_sf_read_fd(int fd, struct lm_sf_hdr *h, void **payload,
			     char *msg, size_t msglen)
{
	uint8_t hdr[LM_SF_HDR_LEN];
	enum lm_sf_err err;
	uint8_t extra;
	ssize_t n;
	void *p;

	*payload = NULL;
	n = lm_read_full(fd, hdr, sizeof(hdr));
	if (n < 0) {
		snprintf(msg, msglen, "cannot read state file: %s",
			 strerror(errno));
		return LM_SF_EIO;
	}
	err = lm_sf_decode_hdr(hdr, n, h, msg, msglen);
	if (err)
		return err;

	/* Only a header that passed its CRC decides how much to allocate. */
	p = malloc(h->payload_len);
	if (!p) {
		snprintf(msg, msglen, "cannot allocate %" PRIu64 " bytes for the state",
			 h->payload_len);
		return LM_SF_ENOMEM;
	}
	n = lm_read_full(fd, p, h->payload_len);
	if (n < 0) {
		snprintf(msg, msglen, "cannot read state file: %s",
			 strerror(errno));
		free(p);
		return LM_SF_EIO;
	}
	if ((uint64_t)n == h->payload_len && lm_read_full(fd, &extra, 1) == 1) {
		snprintf(msg, msglen,
			 "state file inconsistent: data follows the %" PRIu64 "-byte payload the header announces",
			 h->payload_len);
		free(p);
		return LM_SF_EINCONSISTENT;
	}
	err = lm_sf_check_payload(h, p, n, msg, msglen);
	if (err) {
		free(p);
		return err;
	}
	*payload = p;
	return LM_SF_OK;
}

enum lm_sf_err lm_sf_write_fd(int fd, const struct lm_sf_ident *id,
			      const void *payload, uint64_t len)
{
	uint8_t hdr[LM_SF_HDR_LEN];

	lm_sf_encode_hdr(hdr, id, payload, len);
	if (lm_write_full(fd, hdr, sizeof(hdr)) < 0 ||
	    lm_write_full(fd, payload, len) < 0)
		return LM_SF_EIO;
	return LM_SF_OK;
}

enum lm_sf_err lm_sf_write_path(const char *path, const struct lm_sf_ident *id,
				const void *payload, uint64_t len, bool replace,
				char *msg, size_t msglen)
{
	struct lm_atomic out;

	if (lm_atomic_open(&out, path, replace)) {
		snprintf(msg, msglen, "cannot create %s: %s", path,
			 strerror(errno));
		return LM_SF_EIO;
	}
	if (lm_sf_write_fd(out.fd, id, payload, len)) {
		snprintf(msg, msglen, "cannot write %s: %s", path,
			 strerror(errno));
		lm_atomic_abort(&out);
		return LM_SF_EIO;
	}
	if (lm_atomic_commit(&out)) {
		if (errno == EEXIST)
			snprintf(msg, msglen, "%s appeared meanwhile: not replaced; the state was not written", path);
		else
			snprintf(msg, msglen, "cannot complete %s: %s", path,
				 strerror(errno));
		return LM_SF_EIO;
	}
	return LM_SF_OK;
}
