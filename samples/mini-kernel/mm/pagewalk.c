// SPDX-License-Identifier: GPL-2.0
/*
 * The folio_walk part of the page table walker (sample tree, 6.12 shape).
 * The PUD level and hugetlb details are left out.
 */
#include <linux/pagewalk.h>
#include <linux/swapops.h>

/**
 * folio_walk_start - walk the page tables to the folio mapped at an address
 * @fw: filled with what was found; pass it to folio_walk_end()
 * @vma: the VMA that covers @addr
 * @addr: the user virtual address
 * @flags: FW_MIGRATION and/or FW_ZEROPAGE to report those entries too
 *
 * Looks up the single page table entry that maps @addr and returns the folio
 * behind it, with the page table lock still held so that the entry cannot
 * change while the caller looks at it. No folio reference is taken: the
 * folio must not be used after folio_walk_end() unless the caller took a
 * short-term reference before that call. Never use this as a replacement for
 * get_user_pages() or to pin pages for DMA.
 *
 * Context: mmap_lock held for read (or the VMA lock); may take the page
 * table lock, which is held on success.
 * Return: the folio on success, with @fw filled and the page table lock held
 * (call folio_walk_end()); NULL if nothing, or nothing suitable, is mapped.
 */
struct folio *folio_walk_start(struct folio_walk *fw,
		struct vm_area_struct *vma, unsigned long addr,
		folio_walk_flags_t flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio = NULL;
	struct page *page = NULL;
	pte_t *ptep, pte;
	pmd_t *pmdp, pmd;
	spinlock_t *ptl;

	vma_pgtable_walk_begin(vma);
	pmdp = mm_find_pmd(mm, addr);
	if (!pmdp)
		goto not_found;
	pmd = pmdp_get_lockless(pmdp);
	if (pmd_leaf(pmd)) {
		ptl = pmd_lock(mm, pmdp);
		pmd = pmdp_get(pmdp);
		if (pmd_present(pmd))
			page = vm_normal_page_pmd(vma, addr, pmd);
		if (page)
			folio = page_folio(page);
		if (!folio) {
			spin_unlock(ptl);
			goto not_found;
		}
		fw->level = FW_LEVEL_PMD;
		fw->pmdp = pmdp;
		fw->pmd = pmd;
		goto found;
	}

	ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (!ptep)
		goto not_found;
	pte = ptep_get(ptep);
	if (pte_present(pte)) {
		page = vm_normal_page(vma, addr, pte);
		if (page)
			folio = page_folio(page);
	} else if ((flags & FW_MIGRATION) &&
		   is_migration_entry(pte_to_swp_entry(pte))) {
		/* Report the folio, but not a page that is being moved. */
		folio = page_folio(pfn_swap_entry_to_page(pte_to_swp_entry(pte)));
	}
	if (!folio) {
		pte_unmap_unlock(ptep, ptl);
		goto not_found;
	}
	fw->level = FW_LEVEL_PTE;
	fw->ptep = ptep;
	fw->pte = pte;
found:
	fw->page = page;
	fw->ptl = ptl;
	return folio;
not_found:
	vma_pgtable_walk_end(vma);
	return NULL;
}
