/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_PGTABLE_DEFS_H
#define _ASM_X86_PGTABLE_DEFS_H
/*
 * x86 page table entry bits (sample tree, 6.12 shape; most bits left out).
 */
#include <linux/const.h>

#define _PAGE_BIT_PRESENT	0	/* is present */
#define _PAGE_BIT_RW		1	/* writeable */
#define _PAGE_BIT_DIRTY		6	/* was written to */
#define _PAGE_BIT_PSE		7	/* 2MB/1GB page */
#define _PAGE_BIT_SOFTW1	9	/* available for programmer */
#define _PAGE_BIT_SOFTW4	58	/* available for programmer */

#define _PAGE_BIT_SPECIAL	_PAGE_BIT_SOFTW1
/* A ZONE_DEVICE (fs-dax, device-dax) mapping: one of the software bits. */
#define _PAGE_BIT_DEVMAP	_PAGE_BIT_SOFTW4

#define _PAGE_PRESENT	(_AT(pteval_t, 1) << _PAGE_BIT_PRESENT)
#define _PAGE_RW	(_AT(pteval_t, 1) << _PAGE_BIT_RW)
#define _PAGE_DIRTY	(_AT(pteval_t, 1) << _PAGE_BIT_DIRTY)
#define _PAGE_PSE	(_AT(pteval_t, 1) << _PAGE_BIT_PSE)
#define _PAGE_SPECIAL	(_AT(pteval_t, 1) << _PAGE_BIT_SPECIAL)

#if defined(CONFIG_X86_64) || defined(CONFIG_X86_PAE)
#define _PAGE_DEVMAP	(_AT(u64, 1) << _PAGE_BIT_DEVMAP)
#else
#define _PAGE_DEVMAP	(_AT(pteval_t, 0))
#endif

/* Bits that pte_modify() keeps when the protection changes. */
#define _COMMON_PAGE_CHG_MASK	(PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_SPECIAL | \
				 _PAGE_DEVMAP)

#endif /* _ASM_X86_PGTABLE_DEFS_H */
