// SPDX-License-Identifier: GPL-2.0
/*
 * crc32c as the kernel computes it (lib/crc32.c, __crc32c_le): the raw
 * register, so crc32c(~0, "123456789", 9) is 0x1cf96d7c, the complement of
 * the usual check value 0xe3069283.  Table-driven, one byte at a time:
 * mkfs checksums 96 bytes once, so speed does not matter.
 */
#include "crc32c.h"

#define CRC32C_POLY_LE	0x82f63b78	/* 0x1edc6f41 bit-reversed */

static uint32_t table[256];

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? CRC32C_POLY_LE : 0);
		table[i] = c;
	}
}

uint32_t crc32c(uint32_t crc, const void *p, size_t len)
{
	const unsigned char *b = p;

	/* table[0x80] is the polynomial once the table is filled */
	if (!table[0x80])
		crc32c_init();
	while (len--)
		crc = (crc >> 8) ^ table[(crc ^ *b++) & 0xff];
	return crc;
}
