/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_PGTABLE_PROT_H
#define __ASM_PGTABLE_PROT_H
/*
 * arm64 software PTE bits (sample tree, 6.12 shape; a few only).
 */
#define PTE_WRITE		(PTE_DBM)		 /* same as DBM (51) */
#define PTE_SWP_EXCLUSIVE	(_AT(pteval_t, 1) << 2)	 /* only for swp ptes */
#define PTE_DIRTY		(_AT(pteval_t, 1) << 55)
#define PTE_SPECIAL		(_AT(pteval_t, 1) << 56)
#define PTE_DEVMAP		(_AT(pteval_t, 1) << 57)

#endif /* __ASM_PGTABLE_PROT_H */
