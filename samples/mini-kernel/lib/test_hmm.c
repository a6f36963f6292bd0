// SPDX-License-Identifier: GPL-2.0
/*
 * A pretend device for the HMM selftests (sample tree, 6.12 shape): the
 * "device" mirrors a process's memory and can take pages for exclusive
 * (atomic) access.
 */
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/migrate.h>
#include <linux/memremap.h>

struct dmirror {
	struct mmu_interval_notifier notifier;
	struct mutex mutex;
	void *mdevice;		/* pgmap owner of our device-private pages */
};

struct hmm_dmirror_cmd {
	__u64 addr;
	__u64 npages;
};

/* Map the pages in the mirror's own "device page table"; returns how many. */
static unsigned long dmirror_atomic_map(unsigned long start, unsigned long end,
					struct page **pages, struct dmirror *dmirror);

static int dmirror_exclusive(struct dmirror *dmirror,
			     struct hmm_dmirror_cmd *cmd)
{
	unsigned long start = cmd->addr;
	unsigned long end = start + (cmd->npages << PAGE_SHIFT);
	struct mm_struct *mm = dmirror->notifier.mm;
	struct page *pages[64];
	unsigned long addr, next;
	int ret = 0;

	if (end < start || !mmget_not_zero(mm))
		return -EINVAL;

	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		unsigned long mapped = 0;
		int i, n;

		next = min(end, addr + (ARRAY_SIZE(pages) << PAGE_SHIFT));
		n = make_device_exclusive_range(mm, addr, next, pages, NULL);
		/* Only map when every page came back: NULL entries failed. */
		if (n == (next - addr) >> PAGE_SHIFT)
			mapped = dmirror_atomic_map(addr, next, pages, dmirror);
		/* The device mapping is in place: let the CPU take them back. */
		for (i = 0; i < n; i++) {
			if (pages[i]) {
				unlock_page(pages[i]);
				put_page(pages[i]);
			}
		}
		if (addr + (mapped << PAGE_SHIFT) < next) {
			ret = -EBUSY;
			break;
		}
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return ret;
}

/* ->migrate_to_ram(): the CPU touched one of our device-private pages. */
static vm_fault_t dmirror_devmem_fault(struct vm_fault *vmf)
{
	struct dmirror *dmirror = vmf->page->zone_device_data;
	unsigned long src_pfns = 0, dst_pfns = 0;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = vmf->address,
		.end = vmf->address + PAGE_SIZE,
		.src = &src_pfns,
		.dst = &dst_pfns,
		.pgmap_owner = dmirror->mdevice,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	if (dmirror_devmem_fault_alloc_and_copy(&args, dmirror))
		return VM_FAULT_OOM;
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	return 0;
}

static const struct dev_pagemap_ops dmirror_devmem_ops = {
	.page_free	= dmirror_devmem_free,
	.migrate_to_ram	= dmirror_devmem_fault,
};
