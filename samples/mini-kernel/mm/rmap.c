// SPDX-License-Identifier: GPL-2.0
/* Device-exclusive part of the reverse map (sample tree, 6.12 shape). */
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/swapops.h>

#ifdef CONFIG_DEVICE_PRIVATE
struct make_exclusive_args {	/* carried by the rmap walk */
	struct mm_struct *mm;
	unsigned long address;
	void *owner;
	bool valid;	/* the expected address was mapped writable */
};

static bool page_make_device_exclusive_one(struct folio *folio,
		struct vm_area_struct *vma, unsigned long address, void *priv)
{
	struct make_exclusive_args *args = priv;
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_notifier_range range;
	pte_t *ptep, pteval;
	swp_entry_t entry;
	spinlock_t *ptl;

	/* Other secondary MMUs drop their copy; the owner skips its own event. */
	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_EXCLUSIVE, 0, mm, address,
				      address + PAGE_SIZE, args->owner);
	mmu_notifier_invalidate_range_start(&range);
	ptep = pte_offset_map_lock(mm, mm_find_pmd(mm, address), address, &ptl);
	if (!ptep)
		goto out;
	if (!pte_present(ptep_get(ptep)))	/* raced with zap or migration */
		goto unlock;
	pteval = ptep_clear_flush(vma, address, ptep);
	if (pte_dirty(pteval))		/* the dirty bit moves to the folio */
		folio_mark_dirty(folio);
	if (args->mm == mm && args->address == address && pte_write(pteval))
		args->valid = true;
	/* The entry type remembers whether the PTE was writable. */
	if (pte_write(pteval))
		entry = make_writable_device_exclusive_entry(folio_pfn(folio));
	else
		entry = make_readable_device_exclusive_entry(folio_pfn(folio));
	set_pte_at(mm, address, ptep, swp_entry_to_pte(entry));
	folio_remove_rmap_pte(folio, folio_page(folio, 0), vma); /* looks unmapped now */
unlock:
	pte_unmap_unlock(ptep, ptl);
out:
	mmu_notifier_invalidate_range_end(&range);
	return true;
}

/**
 * folio_make_device_exclusive - Replace every mapping of a folio by device-exclusive entries.
 * @folio: the folio, locked by the caller
 * @mm: the mm where the folio is expected to be mapped ...
 * @address: ... at this address
 * @owner: cookie passed to the MMU_NOTIFY_EXCLUSIVE notifiers
 *
 * Context: Caller holds the folio lock.
 * Return: true if no mapping is left and @address in @mm was mapped writable.
 */
static bool folio_make_device_exclusive(struct folio *folio,
		struct mm_struct *mm, unsigned long address, void *owner)
{
	struct make_exclusive_args args = { .mm = mm, .address = address, .owner = owner };
	struct rmap_walk_control rwc = {
		.rmap_one = page_make_device_exclusive_one, .done = folio_not_mapped,
		.anon_lock = folio_lock_anon_vma_read, .arg = &args,
	};
	/* Anonymous memory only: file pages would need writeback care. */
	if (!folio_test_anon(folio) || folio_test_hugetlb(folio))
		return false;
	rmap_walk(folio, &rwc);
	return args.valid && !folio_mapcount(folio);
}

/**
 * make_device_exclusive_range() - Mark a range for exclusive use by a device
 * @mm: mm_struct of the target process
 * @start: first address of the range
 * @end: end of the range (exclusive)
 * @pages: filled with the pages made exclusive; NULL where that failed
 * @owner: cookie passed to MMU_NOTIFY_EXCLUSIVE notifiers for filtering
 *
 * Faults the range in writable, then an rmap walk replaces every CPU mapping
 * of each page by a device-exclusive swap entry; a CPU access restores it.
 *
 * Context: mmap_lock held for read. The caller programs its device inside an
 * MMU-notifier critical section, then unlocks and puts every returned page.
 * Return: the number of pages GUP found, or a negative errno.
 */
int make_device_exclusive_range(struct mm_struct *mm, unsigned long start,
				unsigned long end, struct page **pages, void *owner)
{
	long i, npages = (end - start) >> PAGE_SHIFT;
	npages = get_user_pages_remote(mm, start, npages, FOLL_GET | FOLL_WRITE |
				       FOLL_SPLIT_PMD, pages, NULL);
	if (npages < 0)
		return npages;

	for (i = 0; i < npages; i++, start += PAGE_SIZE) {
		struct folio *folio = page_folio(pages[i]);
		/* Contended or tail pages are simply left out. */
		if (PageTail(pages[i]) || !folio_trylock(folio)) {
			folio_put(folio);
			pages[i] = NULL;
			continue;
		}
		if (!folio_make_device_exclusive(folio, mm, start, owner)) {
			folio_unlock(folio);
			folio_put(folio);
			pages[i] = NULL;
		}
	}
	return npages;
}
EXPORT_SYMBOL_GPL(make_device_exclusive_range);
#endif /* CONFIG_DEVICE_PRIVATE */
