/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MMU_NOTIFIER_H
#define _LINUX_MMU_NOTIFIER_H
/*
 * Telling secondary MMUs (GPUs, IOMMUs, KVM) that CPU page tables change
 * (sample tree, 6.12 shape).
 */
#include <linux/mm_types.h>

/**
 * enum mmu_notifier_event - why a range of CPU page tables is invalidated
 * @MMU_NOTIFY_UNMAP: the range is being unmapped (munmap, mremap)
 * @MMU_NOTIFY_CLEAR: page table entries are cleared (zap, reclaim, ...)
 * @MMU_NOTIFY_PROTECTION_VMA: the protection of the VMA changes
 * @MMU_NOTIFY_PROTECTION_PAGE: the protection of some pages changes
 * @MMU_NOTIFY_SOFT_DIRTY: soft-dirty tracking is reset
 * @MMU_NOTIFY_RELEASE: the mm is going away
 * @MMU_NOTIFY_MIGRATE: pages move to or from device memory; the range
 *	owner lets a driver skip the events it caused itself
 * @MMU_NOTIFY_EXCLUSIVE: a PTE becomes, or stops being, a device-exclusive
 *	entry; with the owner set the requesting driver can ignore it
 */
enum mmu_notifier_event {
	MMU_NOTIFY_UNMAP = 0,
	MMU_NOTIFY_CLEAR,
	MMU_NOTIFY_PROTECTION_VMA,
	MMU_NOTIFY_PROTECTION_PAGE,
	MMU_NOTIFY_SOFT_DIRTY,
	MMU_NOTIFY_RELEASE,
	MMU_NOTIFY_MIGRATE,
	MMU_NOTIFY_EXCLUSIVE,
};

struct mmu_notifier_range {
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	unsigned flags;
	enum mmu_notifier_event event;
	void *owner;
};

void mmu_notifier_range_init_owner(struct mmu_notifier_range *range,
				   enum mmu_notifier_event event, unsigned flags,
				   struct mm_struct *mm, unsigned long start,
				   unsigned long end, void *owner);
void mmu_notifier_invalidate_range_start(struct mmu_notifier_range *range);
void mmu_notifier_invalidate_range_end(struct mmu_notifier_range *range);

unsigned long mmu_interval_read_begin(struct mmu_interval_notifier *interval_sub);
bool mmu_interval_read_retry(struct mmu_interval_notifier *interval_sub,
			     unsigned long seq);

#endif /* _LINUX_MMU_NOTIFIER_H */
