// SPDX-License-Identifier: GPL-2.0
/*
 * GPU atomics on system memory (sample tree, 6.12 shape of nouveau's SVM
 * code): before the GPU may do an atomic on a page, the CPU mapping is
 * replaced by a device-exclusive entry.
 */
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/mmu_notifier.h>

struct nouveau_svmm {
	struct mmu_notifier notifier;
	struct mutex mutex;
};

static int nouveau_atomic_range_fault(struct nouveau_svmm *svmm, void *owner,
				      unsigned long start,
				      struct mmu_interval_notifier *notifier)
{
	struct mm_struct *mm = svmm->notifier.mm;
	unsigned long seq;
	struct folio *folio;
	struct page *page;
	int ret;

	for (;;) {
		seq = mmu_interval_read_begin(notifier);
		mmap_read_lock(mm);
		ret = make_device_exclusive_range(mm, start, start + PAGE_SIZE,
						  &page, owner);
		mmap_read_unlock(mm);
		if (ret <= 0 || !page)
			return -EINVAL;
		folio = page_folio(page);

		/* Program the GPU only if no invalidation ran meanwhile. */
		mutex_lock(&svmm->mutex);
		if (!mmu_interval_read_retry(notifier, seq))
			break;
		mutex_unlock(&svmm->mutex);
		folio_unlock(folio);
		folio_put(folio);
	}

	ret = nouveau_map_atomic(svmm, start, page_to_phys(page));
	mutex_unlock(&svmm->mutex);

	/* From here on a CPU access revokes the GPU's exclusive access. */
	folio_unlock(folio);
	folio_put(folio);
	return ret;
}
