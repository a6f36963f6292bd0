// SPDX-License-Identifier: GPL-2.0-only
/*
 * PMD-sized mappings (sample tree, 6.12 shape). DAX and device-dax map
 * ZONE_DEVICE memory with PMD leaves that carry the devmap bit, so the
 * generic code has to accept "trans huge or devmap" in several places.
 */
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/pfn_t.h>
#include <linux/swapops.h>

static void insert_pfn_pmd(struct vm_area_struct *vma, unsigned long addr,
			   pmd_t *pmd, pfn_t pfn, pgprot_t prot, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *ptl = pmd_lock(mm, pmd);
	pmd_t entry;

	if (!pmd_none(*pmd))
		goto out_unlock;

	entry = pmd_mkhuge(pfn_t_pmd(pfn, prot));
	if (pfn_t_devmap(pfn))
		entry = pmd_mkdevmap(entry);
	if (write)
		entry = maybe_pmd_mkwrite(pmd_mkdirty(pmd_mkyoung(entry)), vma);
	set_pmd_at(mm, addr, pmd, entry);
	update_mmu_cache_pmd(vma, addr, pmd);
out_unlock:
	spin_unlock(ptl);
}

/**
 * vmf_insert_pfn_pmd - insert a PMD-sized PFN mapping at a fault
 * @vmf: the fault, for a PMD-aligned address
 * @pfn: the PFN to map, with its pfn_t flags
 * @write: whether the mapping is writable
 *
 * Context: called from a ->huge_fault() handler, mmap_lock or VMA lock held.
 * Return: VM_FAULT_NOPAGE on success, VM_FAULT_* on error.
 */
vm_fault_t vmf_insert_pfn_pmd(struct vm_fault *vmf, pfn_t pfn, bool write)
{
	unsigned long addr = vmf->address & PMD_MASK;
	struct vm_area_struct *vma = vmf->vma;

	/* A PMD leaf without struct pages needs a VM_PFNMAP/VM_MIXEDMAP vma. */
	BUG_ON(!(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)));
	if (addr < vma->vm_start || addr >= vma->vm_end)
		return VM_FAULT_SIGBUS;

	insert_pfn_pmd(vma, addr, vmf->pmd, pfn, vma->vm_page_prot, write);
	return VM_FAULT_NOPAGE;
}
EXPORT_SYMBOL_GPL(vmf_insert_pfn_pmd);

/*
 * Lock the PMD if it maps a huge leaf (THP or DAX) or a PMD migration entry;
 * returns the held lock, or NULL when the PMD points to a page table.
 */
spinlock_t *__pmd_trans_huge_lock(pmd_t *pmd, struct vm_area_struct *vma)
{
	spinlock_t *ptl = pmd_lock(vma->vm_mm, pmd);

	if (likely(is_swap_pmd(*pmd) || pmd_trans_huge(*pmd) ||
		   pmd_devmap(*pmd)))
		return ptl;
	spin_unlock(ptl);
	return NULL;
}

/* Split the PMD leaf at @address into a page table of PTEs. */
void split_huge_pmd_locked(struct vm_area_struct *vma, unsigned long address,
			   pmd_t *pmd, bool freeze, struct folio *folio)
{
	bool pmd_migration = is_pmd_migration_entry(*pmd);

	VM_WARN_ON_ONCE(!IS_ALIGNED(address, HPAGE_PMD_SIZE));

	if (pmd_trans_huge(*pmd) || pmd_devmap(*pmd) || pmd_migration) {
		/* The caller's folio must be the one mapped here. */
		if (folio && (pmd_migration || folio != pmd_folio(*pmd)))
			return;
		__split_huge_pmd_locked(vma, pmd, address, freeze);
	}
}
