/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_PGTABLE_H
#define __ASM_PGTABLE_H
/*
 * arm64 page table helpers (sample tree, 6.12 shape; a handful only).
 * arm64 builds the PMD helpers from the PTE ones.
 */
#include <asm/pgtable-prot.h>

#define pte_special(pte)	(!!(pte_val(pte) & PTE_SPECIAL))
#define pte_devmap(pte)		(!!(pte_val(pte) & PTE_DEVMAP))

static inline pte_t pte_mkdevmap(pte_t pte)
{
	return set_pte_bit(pte, __pgprot(PTE_DEVMAP | PTE_SPECIAL));
}

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
#define pmd_trans_huge(pmd)	(pmd_val(pmd) && !(pmd_val(pmd) & PMD_TABLE_BIT))
#define pmd_devmap(pmd)		pte_devmap(pmd_pte(pmd))
#endif

static inline pmd_t pmd_mkdevmap(pmd_t pmd)
{
	return pte_pmd(set_pte_bit(pmd_pte(pmd), __pgprot(PTE_DEVMAP)));
}

#endif /* __ASM_PGTABLE_H */
