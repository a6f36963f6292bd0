// SPDX-License-Identifier: GPL-2.0
/*
 * Two folio_walk callers in the style of mm/ksm.c (sample tree, 6.12 shape).
 */
#include <linux/mm.h>
#include <linux/pagewalk.h>

struct ksm_rmap_item {
	struct mm_struct *mm;
	unsigned long address;
};

static struct vm_area_struct *find_mergeable_vma(struct mm_struct *mm,
						 unsigned long addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	if (!vma || !(vma->vm_flags & VM_MERGEABLE) || !vma->anon_vma)
		return NULL;
	return vma;
}

/*
 * The page at an item's address, with a reference, if it is an ordinary
 * anonymous page. The reference is taken before folio_walk_end(): after it
 * the folio could be freed at any time.
 */
static struct page *get_mergeable_page(struct ksm_rmap_item *rmap_item)
{
	struct mm_struct *mm = rmap_item->mm;
	unsigned long addr = rmap_item->address;
	struct vm_area_struct *vma;
	struct page *page = NULL;
	struct folio_walk fw;
	struct folio *folio;

	mmap_read_lock(mm);
	vma = find_mergeable_vma(mm, addr);
	if (!vma)
		goto out;

	folio = folio_walk_start(&fw, vma, addr, 0);
	if (folio) {
		if (!folio_is_zone_device(folio) && folio_test_anon(folio)) {
			folio_get(folio);
			page = fw.page;
		}
		folio_walk_end(&fw, vma);
	}
out:
	mmap_read_unlock(mm);
	return page;
}

/*
 * Is the address still backed by a KSM page? Only looks, under the page
 * table lock, and takes no reference at all.
 */
static bool addr_maps_ksm_page(struct vm_area_struct *vma, unsigned long addr)
{
	struct folio_walk fw;
	struct folio *folio;
	bool ksm = false;

	folio = folio_walk_start(&fw, vma, addr, FW_MIGRATION);
	if (folio) {
		ksm = folio_test_ksm(folio) && fw.level == FW_LEVEL_PTE;
		folio_walk_end(&fw, vma);
	}
	return ksm;
}
