/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SWAP_H
#define _LINUX_SWAP_H
/*
 * Swap types (sample tree, 6.12 shape). The top few swap "files" are not
 * files at all: they encode migration, hwpoison and device entries that
 * live in page tables in place of a present PTE.
 */
#include <linux/types.h>

#define MAX_SWAPFILES_SHIFT	5

#ifdef CONFIG_MIGRATION
#define SWP_MIGRATION_NUM 3
#else
#define SWP_MIGRATION_NUM 0
#endif

#ifdef CONFIG_MEMORY_FAILURE
#define SWP_HWPOISON_NUM 1
#else
#define SWP_HWPOISON_NUM 0
#endif

/*
 * Device-private pages are mapped by SWP_DEVICE_{READ,WRITE} entries.
 * Pages a device has taken for exclusive (atomic) access are mapped by
 * SWP_DEVICE_EXCLUSIVE_{READ,WRITE} entries; the type says whether the
 * PTE becomes writable again when the CPU takes the page back.
 */
#ifdef CONFIG_DEVICE_PRIVATE
#define SWP_DEVICE_NUM 4
#define SWP_DEVICE_WRITE (MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM)
#define SWP_DEVICE_READ (MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM + 1)
#define SWP_DEVICE_EXCLUSIVE_WRITE (MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM + 2)
#define SWP_DEVICE_EXCLUSIVE_READ (MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM + 3)
#else
#define SWP_DEVICE_NUM 0
#endif

#define MAX_SWAPFILES \
	((1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - \
	 SWP_MIGRATION_NUM - SWP_HWPOISON_NUM)

#endif /* _LINUX_SWAP_H */
