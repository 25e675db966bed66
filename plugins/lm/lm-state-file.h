/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state file: a self-describing container around the controller state
 * exactly as the controller returned it. All integers little-endian.
 *
 *   off len  field
 *     0   8  magic "NVMELMSF"
 *     8   2  container version (1)
 *    10   2  header length (128)
 *    12   2  PCI vendor ID of the source
 *    14   2  CNTLID of the source
 *    16   2  VF number of the source (1-based, 0 = unknown)
 *    18   1  profile (1 tp4159, 2 intel-2022)
 *    19   1  reserved
 *    20   2  controller state format version
 *    22   2  reserved
 *    24   8  payload length in bytes
 *    32   4  CRC32C of the payload
 *    36   4  reserved
 *    40  40  model number (space padded, as in Identify)
 *    80   8  firmware revision
 *    88  20  serial number
 *   108   8  creation time, seconds since the epoch
 *   116   8  reserved
 *   124   4  CRC32C of bytes 0..123
 *   128      payload
 */
#ifndef LM_STATE_FILE_H
#define LM_STATE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LM_SF_MAGIC		"NVMELMSF"
#define LM_SF_MAGIC_LEN		8
#define LM_SF_VERSION		1
#define LM_SF_HDR_LEN		128
/* Far above any controller state seen; a guard against absurd allocations. */
#define LM_SF_MAX_PAYLOAD	(1ull << 30)

struct lm_sf_ident {
	uint16_t vid;
	uint16_t cntlid;
	uint16_t vfn;
	uint8_t profile;
	uint16_t csver;
	char mn[41];
	char fr[9];
	char sn[21];
	uint64_t created;
};

struct lm_sf_hdr {
	struct lm_sf_ident id;
	uint16_t version;
	uint64_t payload_len;
	uint32_t payload_crc;
	uint32_t hdr_crc;
};

enum lm_sf_err {
	LM_SF_OK = 0,
	LM_SF_ETRUNC,		/* ends before the header or payload does */
	LM_SF_EMAGIC,		/* not a state file */
	LM_SF_EVERSION,		/* a container version this build cannot read */
	LM_SF_EHDRCRC,		/* header corrupted */
	LM_SF_EPAYLOADCRC,	/* payload corrupted */
	LM_SF_ETOOBIG,		/* payload length beyond LM_SF_MAX_PAYLOAD */
	LM_SF_EINCONSISTENT,	/* fields that contradict each other */
	LM_SF_EIO,		/* read or write failed; errno tells */
	LM_SF_ENOMEM,
};

const char *lm_sf_strerror(enum lm_sf_err err);

void lm_sf_encode_hdr(uint8_t out[LM_SF_HDR_LEN], const struct lm_sf_ident *id,
		      const void *payload, uint64_t len);
enum lm_sf_err lm_sf_decode_hdr(const void *buf, size_t len,
				struct lm_sf_hdr *h, char *msg, size_t msglen);
enum lm_sf_err lm_sf_check_payload(const struct lm_sf_hdr *h,
				   const void *payload, size_t len,
				   char *msg, size_t msglen);

/* Whole file in memory: header and payload checks together. */
enum lm_sf_err lm_sf_parse(const void *buf, size_t len, struct lm_sf_hdr *h,
			   const void **payload, char *msg, size_t msglen);

/*
 * Read a container from fd (a file or a pipe), checking everything before
 * returning. On success *payload is malloc'ed and owned by the caller.
 */
enum lm_sf_err lm_sf_read_fd(int fd, struct lm_sf_hdr *h, void **payload,
			     char *msg, size_t msglen);

enum lm_sf_err lm_sf_write_fd(int fd, const struct lm_sf_ident *id,
			      const void *payload, uint64_t len);

/*
 * Write atomically: a temporary file beside path, fsync, rename, fsync of the
 * directory. "-" writes to stdout. An interrupted write leaves no file that
 * looks complete.
 */
enum lm_sf_err lm_sf_write_path(const char *path, const struct lm_sf_ident *id,
				const void *payload, uint64_t len, bool replace,
				char *msg, size_t msglen);

#endif /* LM_STATE_FILE_H */
