// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of mkfs.iopfs's layout, superblock and crc32c (format.c,
 * crc32c.c).  Prints "ok - ..." or "not ok - ..." per check; tests/run.sh
 * counts them.
 *
 * "test-format dump FILE" prints FILE's superblock as key=value lines,
 * decoded from the bytes at the offsets iopfs.h gives and checked with a
 * bit-at-a-time crc32c written here: the shell tests read mkfs's output
 * without trusting the code that wrote it.
 *
 * "test-format slots FILE" prints how each of the two log slots starts:
 * "zero", "epoch SEQ" for an EPOCH record naming its slot with its
 * padding zero, checked the same way, or "bad".
 *
 * "test-format hold DEVICE CMD..." runs CMD with DEVICE open O_EXCL, as a
 * mounted file system holds it.
 */
#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "mkfs.h"

static int failed;

static void expect(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	failed += !cond;
}

/* The definition, one bit at a time: the reference for the table. */
static uint32_t crc32c_bitwise(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78 : crc >> 1;
	}
	return crc;
}

static uint64_t le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static int dump(const char *path)
{
	unsigned char b[IOPFS_SUPER_SIZE], tmp[96];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return 2;
	}
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (n != sizeof(b)) {
		fprintf(stderr, "%s: shorter than %d bytes\n", path, IOPFS_SUPER_SIZE);
		return 2;
	}
	memcpy(tmp, b, sizeof(tmp));
	memset(tmp + 92, 0, 4);
	printf("magic=%s\n", memcmp(b, "IOPFS\0\0\0", 8) ? "bad" : "IOPFS");
	printf("version=%" PRIu64 "\nheader_size=%" PRIu64 "\n", le(b + 8, 4), le(b + 12, 4));
	printf("device_size=%" PRIu64 "\nlog_offset=%" PRIu64 "\nlog_size=%" PRIu64 "\n",
	       le(b + 16, 8), le(b + 24, 8), le(b + 32, 8));
	printf("data_offset=%" PRIu64 "\ndata_extents=%" PRIu64 "\n", le(b + 40, 8), le(b + 48, 8));
	printf("uuid=");
	for (int i = 56; i < 72; i++)
		printf("%02x%s", b[i], i == 59 || i == 61 || i == 63 || i == 65 ? "-" : "");
	printf("\nmkfs_time=%" PRIu64 "\nroot_mode=%" PRIo64 "\nroot_uid=%" PRIu64 "\nroot_gid=%" PRIu64 "\n",
	       le(b + 72, 8), le(b + 80, 4), le(b + 84, 4), le(b + 88, 4));
	printf("checksum=%s\n", le(b + 92, 4) == crc32c_bitwise(~0U, tmp, sizeof(tmp)) ? "ok" : "bad");
	for (size_t i = sizeof(tmp); i < sizeof(b); i++)
		if (b[i]) {
			printf("padding=not zero at %zu\n", i);
			return 0;
		}
	printf("padding=zero\n");
	return 0;
}

/* "epoch SEQ" if @r is the EPOCH record of slot @slot, with zero padding */
static const char *epoch_of(const unsigned char *r, uint64_t slot, char *buf, size_t len)
{
	static const unsigned char zero[64];

	if (!memcmp(r, zero, 64))
		return "zero";
	if (le(r, 4) != crc32c_bitwise(~0U, r + 4, 28) || le(r + 4, 2) != 7 ||
	    le(r + 6, 2) != 16 || le(r + 16, 4) != slot || memcmp(r + 20, zero, 44))
		return "bad";
	snprintf(buf, len, "epoch %" PRIu64, le(r + 8, 8));
	return buf;
}

static int slots(const char *path)
{
	unsigned char b[96], r[64];
	uint64_t off, half;
	FILE *f = fopen(path, "rb");
	char buf[32];

	if (!f || fread(b, 1, sizeof(b), f) != sizeof(b)) {
		perror(path);
		return 2;
	}
	off = le(b + 24, 8);
	half = le(b + 32, 8) / 2;
	for (int i = 0; i < 2; i++) {
		if (fseeko(f, off + i * half, SEEK_SET) || fread(r, 1, sizeof(r), f) != sizeof(r)) {
			perror(path);
			return 2;
		}
		printf("slot%d=%s\n", i, epoch_of(r, i, buf, sizeof(buf)));
	}
	fclose(f);
	return 0;
}

static void test_crc32c(void)
{
	unsigned char buf[4096], zeros[32] = { 0 }, ones[32];
	uint32_t c;
	int same = 1;

	expect(crc32c(~0U, "123456789", 9) == 0x1cf96d7c,
	       "crc32c(~0, \"123456789\") is 0x1cf96d7c, as the kernel's");
	expect(~crc32c(~0U, "123456789", 9) == 0xe3069283,
	       "... the complement of the Castagnoli check value 0xe3069283");
	/* RFC 3720 B.4 (iSCSI), final inversion undone */
	memset(ones, 0xff, sizeof(ones));
	expect(~crc32c(~0U, zeros, 32) == 0x8a9136aa, "crc32c of 32 zero bytes (RFC 3720)");
	expect(~crc32c(~0U, ones, 32) == 0x62a8ab43, "crc32c of 32 0xff bytes (RFC 3720)");
	expect(crc32c(~0U, buf, 0) == ~0U, "crc32c of nothing is the seed: no final inversion");
	srand(1);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = rand();
	for (size_t len = 0; len < sizeof(buf); len += 97)
		same &= crc32c(~0U, buf, len) == crc32c_bitwise(~0U, buf, len);
	expect(same, "table crc32c equals the bit-at-a-time definition on random data");
	expect(crc32c(crc32c(~0U, buf, 1000), buf + 1000, 3000) == crc32c(~0U, buf, 4000),
	       "crc32c continues across calls, as the kernel's does");
	c = crc32c(~0U, buf, sizeof(buf));
	buf[1234] ^= 0x10;
	expect(crc32c(~0U, buf, sizeof(buf)) != c, "control: one flipped bit changes the crc");
}

static void test_parse_size(void)
{
	uint64_t v = 0;

	expect(!parse_size("2M", &v) && v == 2ULL << 20, "parse_size 2M");
	expect(!parse_size("64m", &v) && v == 64ULL << 20, "parse_size 64m");
	expect(!parse_size("1G", &v) && v == 1ULL << 30, "parse_size 1G");
	expect(!parse_size("2048K", &v) && v == 2ULL << 20, "parse_size 2048K");
	expect(!parse_size("2097152", &v) && v == 2ULL << 20, "parse_size in bytes");
	expect(parse_size("", &v), "parse_size empty refused");
	expect(parse_size("M", &v), "parse_size M refused");
	expect(parse_size("2MB", &v), "parse_size 2MB refused");
	expect(parse_size("2T", &v), "parse_size 2T refused");
	expect(parse_size("-2M", &v), "parse_size -2M refused");
	expect(parse_size(" 2M", &v), "parse_size leading space refused");
	expect(parse_size("99999999999999999999", &v), "parse_size overflow refused");
	expect(parse_size("17179869184G", &v), "parse_size overflow by the suffix refused");
}

static void test_layout(void)
{
	struct mkfs_layout l;

	expect(default_log_size(8ULL << 20) == 2ULL << 20, "default log of 8 MiB: 2 MiB (the least)");
	expect(default_log_size(128ULL << 20) == 2ULL << 20, "default log of 128 MiB: 2 MiB");
	expect(default_log_size((128ULL << 20) + 64) == 4ULL << 20,
	       "default log just over 128 MiB: rounded up to 4 MiB");
	expect(default_log_size(1ULL << 30) == 16ULL << 20, "default log of 1 GiB: 16 MiB");
	expect(default_log_size(4ULL << 30) == 64ULL << 20, "default log of 4 GiB: 64 MiB");
	expect(default_log_size(1ULL << 40) == 64ULL << 20, "default log of 1 TiB: 64 MiB (the most)");

	expect(compute_layout(8ULL << 20, 2ULL << 20, &l) == LAYOUT_OK &&
	       l.log_offset == 2ULL << 20 && l.data_offset == 4ULL << 20 &&
	       l.data_extents == 2 && l.size == 8ULL << 20,
	       "layout of 8 MiB: log at 2 MiB, data at 4 MiB, 2 extents");
	expect(compute_layout((8ULL << 20) - 1, 2ULL << 20, &l) == LAYOUT_TOO_SMALL,
	       "layout under 8 MiB refused");
	expect(compute_layout(8ULL << 20, 4ULL << 20, &l) == LAYOUT_OK && l.data_extents == 1,
	       "layout of 8 MiB with a 4 MiB log: 1 extent");
	expect(compute_layout(8ULL << 20, 6ULL << 20, &l) == LAYOUT_NO_DATA,
	       "layout of 8 MiB with a 6 MiB log: no extent, refused");
	expect(compute_layout((10ULL << 20) - 1, 6ULL << 20, &l) == LAYOUT_NO_DATA,
	       "layout with under 2 MiB left for data refused");
	expect(compute_layout(8ULL << 20, 1ULL << 62, &l) == LAYOUT_NO_DATA,
	       "layout with a log larger than the device refused (no wrap)");
	expect(compute_layout((9ULL << 20) + 5, 2ULL << 20, &l) == LAYOUT_OK &&
	       l.data_extents == 2 && l.size == (9ULL << 20) + 5,
	       "layout of an odd size: whole extents, device_size the size");
	expect(compute_layout(1ULL << 30, default_log_size(1ULL << 30), &l) == LAYOUT_OK &&
	       l.data_offset == 18ULL << 20 && l.data_extents == 503,
	       "layout of 1 GiB: data at 18 MiB, 503 extents");
}

static void test_uuid(void)
{
	const char *s = "0123abcd-89ef-4567-89ab-cdef01234567";
	uint8_t u[16];
	char out[37];

	expect(!parse_uuid(s, u) && u[0] == 0x01 && u[3] == 0xcd && u[15] == 0x67,
	       "parse_uuid: bytes in the order written");
	format_uuid(u, out);
	expect(!strcmp(out, s), "format_uuid gives back what parse_uuid read");
	expect(!parse_uuid("0123ABCD-89EF-4567-89AB-CDEF01234567", u) && u[3] == 0xcd,
	       "parse_uuid: upper case");
	expect(parse_uuid("0123abcd-89ef-4567-89ab-cdef0123456", u), "parse_uuid: short refused");
	expect(parse_uuid("0123abcd-89ef-4567-89ab-cdef012345678", u), "parse_uuid: long refused");
	expect(parse_uuid("0123abcd89ef-4567-89ab-cdef012345678", u), "parse_uuid: no dash refused");
	expect(parse_uuid("0123abcg-89ef-4567-89ab-cdef01234567", u), "parse_uuid: not hex refused");
	expect(parse_uuid("", u), "parse_uuid: empty refused");
}

static void test_super(void)
{
	static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct iopfs_super sb;
	unsigned char b[sizeof(sb)], tmp[sizeof(sb)];
	struct mkfs_layout l;

	expect(sizeof(sb) == 96 && offsetof(struct iopfs_super, checksum) == 92,
	       "struct iopfs_super: 96 bytes, checksum last (the offsets dump reads)");
	compute_layout(1ULL << 30, 16ULL << 20, &l);
	super_fill(&sb, &l, uuid, 0x0102030405060708ULL);
	memcpy(b, &sb, sizeof(b));
	expect(!memcmp(b, "IOPFS\0\0\0", 8), "superblock: magic");
	expect(le(b + 8, 4) == 1 && le(b + 12, 4) == 96, "superblock: version 1, header_size 96");
	expect(le(b + 16, 8) == 1ULL << 30 && le(b + 24, 8) == 2ULL << 20 &&
	       le(b + 32, 8) == 16ULL << 20 && le(b + 40, 8) == 18ULL << 20 &&
	       le(b + 48, 8) == 503, "superblock: sizes and offsets, little endian");
	expect(!memcmp(b + 56, uuid, 16), "superblock: uuid");
	expect(b[72] == 8 && b[79] == 1, "superblock: mkfs_time little endian");
	expect(le(b + 80, 4) == 040755 && le(b + 84, 4) == 0 && le(b + 88, 4) == 0,
	       "superblock: root 040755, uid 0, gid 0");
	memcpy(tmp, b, sizeof(tmp));
	memset(tmp + 92, 0, 4);
	expect(le(b + 92, 4) == crc32c_bitwise(~0U, tmp, sizeof(tmp)),
	       "superblock: checksum is crc32c(~0) of the structure with the field zero");
	expect(super_checksum(&sb) == le32toh(sb.checksum),
	       "super_checksum of a filled superblock is its checksum field");
	sb.data_extents = htole64(504);
	expect(super_checksum(&sb) != le32toh(sb.checksum),
	       "control: a changed field no longer matches the checksum");
}

static void test_epoch(void)
{
	unsigned char r[MKFS_EPOCH_SIZE];
	char buf[32];

	expect(sizeof(struct iopfs_rec) == 16 && sizeof(struct iopfs_rec_epoch) == 16 &&
	       MKFS_EPOCH_SIZE == 64, "EPOCH record: 16-byte header, 16-byte payload, 64 aligned");
	epoch_fill(r, 0, 1);
	expect(!strcmp(epoch_of(r, 0, buf, sizeof(buf)), "epoch 1"),
	       "epoch_fill(0, 1): type 7, len 16, seq 1, slot 0, crc32c of bytes 4-31");
	expect(le(r + 8, 8) == 1 && le(r + 4, 2) == IOPFS_REC_EPOCH, "... seq and type little endian");
	expect(!strcmp(epoch_of(r, 1, buf, sizeof(buf)), "bad"), "control: slot 0's EPOCH is not slot 1's");
	epoch_fill(r, 1, 0x0102030405060708ULL);
	expect(!strcmp(epoch_of(r, 1, buf, sizeof(buf)), "epoch 72623859790382856") &&
	       r[8] == 8 && r[15] == 1 && r[16] == 1, "epoch_fill(1, seq): slot 1, a 64-bit seq");
	r[9] ^= 1;
	expect(!strcmp(epoch_of(r, 1, buf, sizeof(buf)), "bad"), "control: a changed seq fails the crc");
}

static void test_signature(void)
{
	static unsigned char b[4096];
	const char *fs;

	expect(!fs_signature(b, sizeof(b)), "signature: zeroes are nothing");
	memcpy(b, "XFSB", 4);
	fs = fs_signature(b, sizeof(b));
	expect(fs && !strcmp(fs, "xfs"), "signature: XFSB at 0 is xfs");
	memset(b, 0, sizeof(b));
	b[1080] = 0x53;
	b[1081] = 0xef;
	fs = fs_signature(b, sizeof(b));
	expect(fs && !strcmp(fs, "ext2/ext3/ext4"), "signature: 0xEF53 at 1080 is ext4");
	b[1080] = 0xef;
	b[1081] = 0x53;
	expect(!fs_signature(b, sizeof(b)), "signature: 0xEF53 big endian is not");
	memset(b, 0, sizeof(b));
	memcpy(b, IOPFS_MAGIC, 8);
	fs = fs_signature(b, sizeof(b));
	expect(fs && !strcmp(fs, "iopfs"), "signature: IOPFS magic is iopfs");
	memset(b, 0, sizeof(b));
	b[1080] = 0x53;
	b[1081] = 0xef;
	expect(!fs_signature(b, 1024), "signature: a short read cannot see 1080");
}

static int hold(char **argv)
{
	if (open(argv[0], O_RDONLY | O_EXCL) < 0) {
		perror(argv[0]);
		return 2;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "slots"))
		return slots(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "hold"))
		return hold(argv + 2);
	test_crc32c();
	test_parse_size();
	test_layout();
	test_uuid();
	test_super();
	test_epoch();
	test_signature();
	return failed != 0;
}
