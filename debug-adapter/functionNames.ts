/**
 * The kernel / QEMU function names the model puts in its call stacks (`m.within(NAME, …)` in
 * model/), as a table: function breakpoints are verified against it, its "did you mean" comes
 * from it, and the "Add Function Breakpoint…" picker lists it (vlab/functionNames). A unit test
 * checks that every name here still occurs in model/, so the table cannot drift silently.
 * Names built at run time (the GUP API family, the vfio-ccw FSM actions, the era's grab/put
 * helpers) are added from the model's own tables; any frame name seen in history also matches.
 */
import { GUP_APIS, RELEASE_APIS, STATEMENT_BY_NAME } from '../model/scenario/statements/index';
import { ACTION_FUNCTION } from '../model/linux/vfio-ccw/fsm';

const FRAME_NAMES: readonly string[] = [
  '__account_locked_vm', '__blkdev_direct_IO_simple', '__get_user_pages', '__get_user_pages_locked',
  '__gup_longterm_locked', 'bio_iov_iter_get_pages', 'bio_release_pages', 'bio_set_pages_dirty',
  'blkdev_bio_end_io_simple', 'blkdev_read_iter', 'blkdev_write_iter', 'ccw_dstream_read',
  'ccw_dstream_write', 'ccwchain_calc_length', 'ccwchain_fetch_ccw', 'ccwchain_fetch_one',
  'ccwchain_fetch_tic', 'ccwchain_handle_ccw', 'cfg_func', 'check_and_migrate_movable_pages',
  'check_dax_vmas', 'chp_cfg_cancel_deconfigure', 'chp_cfg_schedule', 'chp_machine_event', 'chp_process_crw',
  'chsc_chp_vary', 'chsc_process_event_information', 'chsc_process_sei_chp_avail',
  'chsc_process_sei_chp_config', 'chsc_process_sei_link_incident', 'chsc_process_sei_nt0',
  'chsc_process_sei_res_acc', 'chsc_sei', 'chsc_ssd', 'cio_cancel', 'cio_clear', 'cio_halt',
  'copy_from_iova', 'copy_page_range', 'copy_process', 'cp_free', 'cp_init', 'cp_prefetch', 'cp_update_scsw',
  'css_conditional_io_interrupt', 'css_crw_add_to_queue', 'css_do_csch', 'css_do_hsch', 'css_do_msch',
  'css_do_rchp', 'css_do_rsch', 'css_do_ssch', 'css_do_stcrw', 'css_do_stsch', 'css_do_tsch_get_irb',
  'css_do_tsch_update_subch', 'css_do_xsch', 'css_undo_stcrw', 'css_evaluate_subchannel', 'css_generate_sch_crws',
  'css_inject_io_interrupt', 'css_interpret_ccw', 'css_process_crw', 'css_queue_crw', 'css_update_chnmon',
  'do_anonymous_page', 'do_huge_pmd_anonymous_page', 'do_huge_pmd_wp_page', 'do_shared_fault',
  'do_subchannel_work_virtual', 'do_wp_page', 'dump_page', 'dump_pages_test', 'dup_mm', 'dup_mmap',
  'exc_page_fault', 'faultin_page', 'fsm_do_clear', 'fsm_do_halt', 'fsm_io_helper', 'get_gate_page',
  'get_page', 'gup_fast', 'gup_fast_fallback', 'gup_pgd_range', 'handle_mm_fault', 'hsch', 'hugetlb_wp',
  'internal_get_user_pages_fast', 'io_account_mem', 'io_buffer_unmap', 'io_coalesce_buffer', 'io_pin_pages',
  'io_sqe_buffer_register', 'io_sqe_buffers_register', 'io_sqe_buffers_unregister', 'io_unaccount_mem',
  'ioinst_handle_chsc', 'ioinst_handle_chsc_scpd', 'ioinst_handle_chsc_scsc', 'ioinst_handle_chsc_sda',
  'ioinst_handle_chsc_sei', 'ioinst_handle_csch', 'ioinst_handle_hsch', 'ioinst_handle_msch',
  'ioinst_handle_rchp', 'ioinst_handle_rsch', 'ioinst_handle_sal', 'ioinst_handle_schm',
  'ioinst_handle_ssch', 'ioinst_handle_stcrw', 'ioinst_handle_stsch', 'ioinst_handle_tpi',
  'ioinst_handle_tsch', 'ioinst_handle_xsch', 'kernel_clone', 'memfd_alloc_folio', 'memfd_pin_folios',
  'migrate_pages', 'mmap', 'page_array_pin', 'page_array_unpin_free', 'pin_longterm_test_start',
  'pin_longterm_test_stop', 'pin_unwind', 'process_vm_readv', 'process_vm_rw_core', 'process_vm_rw_pages',
  'process_vm_rw_single_vec', 'process_vm_writev', 'put_back_pages', 'put_devmap_managed_page', 'put_page',
  'put_pfn', 's390_vary_chpid', 'sch_gen_unit_exception', 'sch_handle_clear_func', 'sch_handle_halt_func',
  'sch_handle_start_func_passthrough', 'sch_handle_start_func_virtual', 'sclp_chp_configure',
  'sclp_chp_deconfigure', 'stcps', 'stcrw', 'verify_dma_pinned', 'vfio_ccw_crw_read',
  'vfio_ccw_crw_region_read', 'vfio_ccw_fsm_event', 'vfio_ccw_handle_clear', 'vfio_ccw_handle_halt',
  'vfio_ccw_handle_request', 'vfio_ccw_handle_store', 'vfio_ccw_mdev_create', 'vfio_ccw_mdev_read',
  'vfio_ccw_mdev_write', 'vfio_ccw_put_device', 'vfio_ccw_queue_crw', 'vfio_ccw_register_irq_notifier',
  'vfio_ccw_sch_event', 'vfio_ccw_sch_irq', 'vfio_ccw_sch_quiesce', 'vfio_ccw_sch_remove',
  'vfio_ccw_schib_region_read', 'vfio_ccw_unrealize', 'vfio_dma_do_map', 'vfio_dma_do_unmap', 'vfio_dma_rw',
  'vfio_iommu_type1_pin_pages', 'vfio_iommu_type1_unpin_pages', 'vfio_iova_put_vfio_pfn', 'vfio_lock_acct',
  'vfio_pin_map_dma', 'vfio_pin_page_external', 'vfio_pin_pages', 'vfio_pin_pages_remote',
  'vfio_unpin_page_external', 'vfio_unpin_pages',
  // fs/splice.c, fs/pipe.c, fs/proc/base.c, mm/memory.c: FOLL_GET callers (issue 11)
  'vmsplice', 'vmsplice_to_pipe', 'iov_iter_get_pages2', 'pipe_read', 'pipe_buf_release', 'mem_read', 'mem_write', 'access_remote_vm',
  // device removal (issue 11): QEMU's CCW unplug, the host's subchannel unregistration
  'ccw_device_unplug', 'css_subch_assign', 'css_clear_io_interrupt', 'css_sched_sch_todo', 'css_sch_todo', 'css_sch_device_unregister',
  // the host kernel's work items and QEMU's main-loop handlers (hostWork / onQemuThread), the host
  // cio and chp layers, vfio's type1 helpers, the gup_test ioctls (issue 9 audit: a function
  // breakpoint on vfio_ccw_sch_io_todo was refused); test/unit/debug-adapter/functionNamesCoverage
  // runs every scenario and checks each frame name is here
  'do_io_irq', 'vfio_ccw_sch_io_todo', 'vfio_ccw_crw_todo', 'vfio_ccw_sch_probe',
  'vfio_ccw_mdev_open_device', 'vfio_ccw_mdev_close_device', 'vfio_ccw_mdev_get_irq_info', 'vfio_ccw_mdev_request',
  'vfio_ccw_mdev_reset', 'vfio_ccw_mdev_write_io_region', 'vfio_ccw_async_region_write', 'vfio_ccw_dma_unmap',
  'vfio_unregister_group_dev', 'vfio_ccw_realize', 'vfio_ccw_reopen', 'vfio_ccw_io_notifier_handler',
  'vfio_ccw_crw_notifier_handler', 'vfio_ccw_req_notifier_handler', 'qdev_unplug',
  'cio_update_schib', 'cio_enable_subchannel', 'cio_disable_subchannel', 'cio_cancel_halt_clear',
  'chp_configure_write', 'chp_status_write', 'chsc_chp_offline', 'chsc_chp_online', 'chsc_process_crw',
  'crw_collect_info', 's390_process_res_acc', 'css_schedule_eval_all',
  'vaddr_get_pfn', 'vaddr_get_pfns', 'hugetlb_fault', 'do_read_fault',
  'gup_benchmark_ioctl', '__gup_benchmark_ioctl', 'gup_test_ioctl', '__gup_test_ioctl',
];

/** Built at run time: the host cio layer calls each driver's callback as `${driver}_chp_event` (css §8.4). */
const BUILT_NAMES = ['vfio_ccw_chp_event'];

/** gup §3.5 / counting.ts grabFn / putFn: the era-dependent grab and put helpers. */
const HELPER_NAMES = ['try_get_page', 'try_grab_page', 'try_grab_folio', 'try_get_compound_head', 'try_grab_compound_head', 'try_grab_folio_fast', 'put_compound_head', 'gup_put_folio'];

/** css §5 (and §11.2 SSKE/ISKE): the I/O and key instructions; a function breakpoint on one stops at a statement executing it. */
const INSTRUCTIONS = ['ssch', 'tsch', 'stsch', 'msch', 'csch', 'hsch', 'xsch', 'rsch', 'tpi', 'stcrw', 'stcps', 'chsc', 'schm', 'sal', 'rchp', 'sske', 'iske'];

/** Instruction names that are statements of the scenario language. */
export const INSTRUCTION_NAMES: readonly string[] = INSTRUCTIONS.filter((n) => STATEMENT_BY_NAME.has(n));

/** Every kernel / QEMU function name the model can show in a frame. */
export const FUNCTION_NAMES: readonly string[] = [...new Set([
  ...FRAME_NAMES, ...BUILT_NAMES, ...GUP_APIS, ...RELEASE_APIS, ...Object.values(ACTION_FUNCTION), ...HELPER_NAMES,
])].sort();

export const FRAME_NAME_TABLE = FRAME_NAMES;
export const HELPER_NAME_TABLE = HELPER_NAMES;
