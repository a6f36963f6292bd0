/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_PAGEWALK_H
#define _LINUX_PAGEWALK_H
/*
 * folio_walk: look up the folio mapped at one user address (sample tree,
 * 6.12 shape). It replaced follow_page() for callers that only inspect the
 * mapping.
 */
#include <linux/mm.h>

typedef int __bitwise folio_walk_flags_t;

/* Also report folios behind migration entries (fw->page is then NULL). */
#define FW_MIGRATION	((__force folio_walk_flags_t)BIT(0))
/* Also report the shared zeropage (fw->page is then NULL). */
#define FW_ZEROPAGE	((__force folio_walk_flags_t)BIT(1))

enum folio_walk_level {
	FW_LEVEL_PTE,
	FW_LEVEL_PMD,
	FW_LEVEL_PUD,
};

/**
 * struct folio_walk - what folio_walk_start() found, for folio_walk_end()
 * @page: the exact page mapped at the address, or NULL (see FW_* flags)
 * @level: the page table level of the entry that maps it
 * @ptep: the entry, when @level is FW_LEVEL_PTE
 * @pmdp: the entry, when @level is FW_LEVEL_PMD
 * @pudp: the entry, when @level is FW_LEVEL_PUD
 * @pte: value of *@ptep read under the lock
 * @pmd: value of *@pmdp read under the lock
 * @pud: value of *@pudp read under the lock
 * @vma: private, the walked VMA
 * @ptl: private, the page table lock held until folio_walk_end()
 */
struct folio_walk {
	struct page *page;
	enum folio_walk_level level;
	union {
		pte_t *ptep;
		pmd_t *pmdp;
		pud_t *pudp;
	};
	union {
		pte_t pte;
		pmd_t pmd;
		pud_t pud;
	};
	struct vm_area_struct *vma;
	spinlock_t *ptl;
};

struct folio *folio_walk_start(struct folio_walk *fw,
		struct vm_area_struct *vma, unsigned long addr,
		folio_walk_flags_t flags);

/* Drop the page table lock (and PTE mapping) taken by folio_walk_start(). */
#define folio_walk_end(__fw, __vma) do { \
	spin_unlock((__fw)->ptl); \
	if (likely((__fw)->level == FW_LEVEL_PTE)) \
		pte_unmap((__fw)->ptep); \
	vma_pgtable_walk_end(__vma); \
} while (0)

#endif /* _LINUX_PAGEWALK_H */
