/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IOPFS_CRC32C_H
#define IOPFS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * The kernel's crc32c(crc, p, len): Castagnoli, reflected, no inversion on
 * the way in or out.  iopfs checksums are crc32c(~0, p, len).
 */
uint32_t crc32c(uint32_t crc, const void *p, size_t len);

#endif
