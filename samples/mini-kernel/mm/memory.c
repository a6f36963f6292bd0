// SPDX-License-Identifier: GPL-2.0
/*
 * Faults on non-present entries (sample tree, 6.12 shape): how the CPU takes
 * a page back from a device; and the PFN insertion fs-dax uses.
 */
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/swapops.h>
#include <linux/memremap.h>
#include <linux/mmu_notifier.h>

/* Turn a device-exclusive entry back into a present PTE. */
static void restore_exclusive_pte(struct vm_area_struct *vma, struct page *page,
				  unsigned long address, pte_t *ptep)
{
	struct folio *folio = page_folio(page);
	pte_t orig_pte = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(orig_pte);
	pte_t pte = pte_mkold(mk_pte(page, READ_ONCE(vma->vm_page_prot)));

	/* Writability was recorded in the entry type when it was made. */
	if (is_writable_device_exclusive_entry(entry))
		pte = maybe_mkwrite(pte_mkdirty(pte), vma);

	/* The reference taken by GUP is still there; only the rmap returns. */
	folio_add_anon_rmap_pte(folio, page, vma, address, RMAP_NONE);
	set_pte_at(vma->vm_mm, address, ptep, pte);
	update_mmu_cache(vma, address, ptep);
}

/* fork() cannot copy a device-exclusive entry: restore it first. */
static int try_restore_exclusive_pte(pte_t *src_pte, struct vm_area_struct *vma,
				     unsigned long addr)
{
	swp_entry_t entry = pte_to_swp_entry(ptep_get(src_pte));
	struct page *page = pfn_swap_entry_to_page(entry);

	if (trylock_page(page)) {
		restore_exclusive_pte(vma, page, addr, src_pte);
		unlock_page(page);
		return 0;
	}
	return -EBUSY;
}

static vm_fault_t remove_device_exclusive_entry(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);
	struct vm_area_struct *vma = vmf->vma;
	struct mmu_notifier_range range;
	unsigned long start = vmf->address & PAGE_MASK;
	vm_fault_t ret;

	/* No PTL held: the entry may vanish and the folio be freed meanwhile. */
	if (!folio_try_get(folio))
		return 0;
	ret = folio_lock_or_retry(folio, vmf);
	if (ret) {
		folio_put(folio);
		return ret;
	}
	/* A NULL owner: the device that holds the page must let it go. */
	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_EXCLUSIVE, 0, vma->vm_mm,
				      start, start + PAGE_SIZE, NULL);
	mmu_notifier_invalidate_range_start(&range);
	vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (likely(vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte)))
		restore_exclusive_pte(vma, vmf->page, vmf->address, vmf->pte);
	if (vmf->pte)
		pte_unmap_unlock(vmf->pte, vmf->ptl);
	folio_unlock(folio);
	folio_put(folio);
	mmu_notifier_invalidate_range_end(&range);
	return 0;
}

vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	vm_fault_t ret = 0;

	if (!is_swap_pte(vmf->orig_pte))
		return 0;
	if (unlikely(non_swap_entry(entry))) {
		if (is_device_exclusive_entry(entry)) {
			vmf->page = pfn_swap_entry_to_page(entry);
			ret = remove_device_exclusive_entry(vmf);
		} else if (is_device_private_entry(entry)) {
			vmf->page = pfn_swap_entry_to_page(entry);
			vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd,
					vmf->address, &vmf->ptl);
			if (unlikely(!vmf->pte ||
				     !pte_same(ptep_get(vmf->pte), vmf->orig_pte)))
				goto unlock;
			/* Keep the page alive while the driver migrates it. */
			get_page(vmf->page);
			pte_unmap_unlock(vmf->pte, vmf->ptl);
			ret = vmf->page->pgmap->ops->migrate_to_ram(vmf);
			put_page(vmf->page);
		}
		return ret;
	}
	/* Ordinary swap-in from a swap device is left out of the sample. */
	return swapin_and_map(vmf, entry);
unlock:
	if (vmf->pte)
		pte_unmap_unlock(vmf->pte, vmf->ptl);
	return ret;
}

/* fs-dax write fault: a PFN mapping (devmap for ZONE_DEVICE PFNs), writable. */
vm_fault_t vmf_insert_mixed_mkwrite(struct vm_area_struct *vma,
		unsigned long addr, pfn_t pfn)
{
	return __vm_insert_mixed(vma, addr, pfn, true);
}
EXPORT_SYMBOL(vmf_insert_mixed_mkwrite);
