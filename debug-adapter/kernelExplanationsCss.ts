/**
 * Explanations of the channel-subsystem side's frames (QEMU's emulated CSS and instruction
 * handlers, the host's cio layer, vfio-ccw, QEMU's vfio-ccw device), as the model implements
 * them; cited to css-vfio-ccw.md. Data only (kernelSources.ts renders it).
 */
import type { Explanation } from './kernelSources';
import { explain, step } from './explanationParts';

const Q_INST = 'QEMU target/s390x/ioinst.c';
const Q_CSS = 'QEMU hw/s390x/css.c';
const L_CIO = 'Linux drivers/s390/cio';
const L_CP = 'Linux drivers/s390/cio/vfio_ccw_cp.c';
const L_FSM = 'Linux drivers/s390/cio/vfio_ccw_fsm.c';
const L_DRV = 'Linux drivers/s390/cio/vfio_ccw_drv.c';
const L_OPS = 'Linux drivers/s390/cio/vfio_ccw_ops.c';
const Q_VFIO = 'QEMU hw/vfio/ccw.c';

const s = step;
const e = explain;

/** The guest I/O instruction handlers share one shape: operands, the css_do_* call, the cc. */
function ioinst(instr: string, callee: string[], refs: string, rule: string): Explanation {
  return e(Q_INST, `css §5.1, §5.2, §11.5, §11.6, ${refs}`, `QEMU's handler of the guest's ${instr} instruction: it checks the operands, runs the channel-subsystem function and sets the condition code in the PSW.`, [
    s('Privileged instruction: in problem state a privileged-operation program interruption (css §11.5).'),
    s(`Operands: the subchannel id in GR1 (bit 15 set for a valid SID, else operand exception, css §5.1) and the operand address (alignment → specification, not addressable → addressing, css §11.6).`, undefined, ['exception']),
    s(rule, callee, ['instr']),
    s('Set the condition code (css §5.2); the scenario reads it as `cc`.', undefined, ['instr']),
  ]);
}

const FSM_ACTIONS: Array<[string, string]> = [
  ['fsm_nop', 'nothing to do in this state'],
  ['fsm_io_error', 'an I/O request while not operational: ret_code −EIO, the io region write fails'],
  ['fsm_async_error', 'a halt/clear request while not operational: the async region ret_code is −EIO'],
  ['fsm_disabled_irq', 'an interrupt for a disabled subchannel: disable it again (cio_disable_subchannel)'],
  ['fsm_irq', 'an interrupt: store the IRB in private->irb, queue the io work (vfio_ccw_sch_io_todo)'],
  ['fsm_notoper', 'the device went away: state NOT_OPER, the subchannel is disabled and the cp freed'],
  ['fsm_io_request', 'an SSCH through the io region: state CP_PROCESSING, cp_init, cp_prefetch, then fsm_io_helper starts it (CP_PENDING); errors set ret_code and return to IDLE'],
  ['fsm_async_request', 'HSCH/CSCH through the async region: fsm_do_halt / fsm_do_clear'],
  ['fsm_io_retry', 'an I/O request while a cp is being processed: ret_code −EAGAIN'],
  ['fsm_async_retry', 'a halt/clear while processing: ret_code −EAGAIN'],
  ['fsm_io_busy', 'an I/O request while a cp is pending: ret_code −EBUSY'],
  ['fsm_open', 'open the mdev: enable the subchannel (cio_enable_subchannel), state IDLE'],
  ['fsm_close', 'close: disable the subchannel (with cancel/halt/clear if busy), free the cp, state STANDBY'],
];

export const CSS_EXPLANATIONS: ReadonlyArray<[string, Explanation]> = [
  // ---- guest instructions (QEMU ioinst.c) ----
  ['ioinst_handle_ssch', ioinst('START SUBCHANNEL', ['css_do_ssch'], 'css §2', 'Fetch the ORB (css §2), check its reserved bits and widths (operand exception), then css_do_ssch on the subchannel (cc 3 when not provided).')],
  ['ioinst_handle_tsch', ioinst('TEST SUBCHANNEL', ['css_do_tsch_get_irb'], 'css §4, §5.3', 'css_do_tsch_get_irb builds the IRB (css §4) and stores it at the operand; cc 0 when status pending, 1 when not, 3 when not operational.')],
  ['ioinst_handle_stsch', ioinst('STORE SUBCHANNEL', ['css_do_stsch'], 'css §1', 'css_do_stsch stores the 52-byte SCHIB image (css §1); a SID above the highest subchannel gives cc 3.')],
  ['ioinst_handle_msch', ioinst('MODIFY SUBCHANNEL', ['css_do_msch'], 'css §5.3', 'Fetch the SCHIB operand and css_do_msch: only the MSCH-modifiable PMCW fields change (css §5.3); cc 1 when status pending, 2 when busy.')],
  ['ioinst_handle_hsch', ioinst('HALT SUBCHANNEL', ['css_do_hsch'], 'css §5.3', 'css_do_hsch: FCTL halt, ACTL halt pending, then the halt function runs (sch_handle_halt_func).')],
  ['ioinst_handle_csch', ioinst('CLEAR SUBCHANNEL', ['css_do_csch'], 'css §5.3', 'css_do_csch: FCTL clear, the subchannel is reset and the clear function runs (sch_handle_clear_func).')],
  ['ioinst_handle_xsch', ioinst('CANCEL SUBCHANNEL', ['css_do_xsch'], 'css §5.3', 'css_do_xsch: only a start function still pending (not yet started) is withdrawn; cc 2 otherwise.')],
  ['ioinst_handle_rsch', ioinst('RESUME SUBCHANNEL', ['css_do_rsch'], 'css §3.2', 'css_do_rsch: a suspended channel program (CCW S flag, ORB SPND) resumes at the suspended CCW.')],
  ['ioinst_handle_stcrw', ioinst('STORE CHANNEL REPORT WORD', ['css_do_stcrw'], 'css §6.3', 'css_do_stcrw: the oldest CRW of the queue is stored (cc 0), or zeros with cc 1 when the queue is empty.')],
  ['ioinst_handle_tpi', ioinst('TEST PENDING INTERRUPTION', ['css_inject_io_interrupt'], 'css §5.4', 'Dequeue the highest-priority pending I/O interruption enabled by CR6 and store its interruption code (SID, intparm); cc 0 if one was pending, else 1.')],
  ['ioinst_handle_rchp', ioinst('RESET CHANNEL PATH', ['css_do_rchp'], 'css §5.1, §6.1', 'css_do_rchp: the path is reset and a solicited CRW (RSC 4) reports it.')],
  ['ioinst_handle_sal', ioinst('SET ADDRESS LIMIT', [], 'css §5.1', 'Store the address limit (GR1) used by ORB ALCC / PMCW LM address-limit checking.')],
  ['ioinst_handle_schm', ioinst('SET CHANNEL MONITOR', ['css_update_chnmon'], 'css §5.1', 'Start or stop measurement: GR1 M bit and format, GR2 the measurement-block origin (format 0) .')],
  ['ioinst_handle_chsc', ioinst('CHANNEL SUBSYSTEM CALL', ['ioinst_handle_chsc_sei', 'ioinst_handle_chsc_scpd', 'ioinst_handle_chsc_scsc', 'ioinst_handle_chsc_sda', 'chsc_ssd'], 'css §5.6', 'Fetch the request block, dispatch on the command code (SSD, SCPD, SCSC, SDA, SEI); an unknown command answers response code 0x0004 "not installed".')],
  ['ioinst_handle_chsc_sei', ioinst('CHSC store-event-information', ['chsc_sei'], 'css §5.6, §6.2', 'Return the oldest pending event (NT0 channel-path availability, resource accessibility), with the "more events" flag.')],
  ['ioinst_handle_chsc_scpd', ioinst('CHSC store-channel-path-description', [], 'css §5.6', 'Fill one channel-path description per CHPID in the requested range (type, flags).')],
  ['ioinst_handle_chsc_scsc', ioinst('CHSC store-channel-subsystem-characteristics', [], 'css §5.6', 'Return the general and CHSC characteristics the model provides.')],
  ['ioinst_handle_chsc_sda', ioinst('CHSC set-domain-attributes', [], 'css §5.6, §6.1', 'Enable MSS or MCSS-E (operation code 2 / 0); later RSC 3 and RCHP CRWs are chained.')],
  ['chsc_ssd', e(Q_CSS, 'css §5.6', 'CHSC store-subchannel-description: for each subchannel of the range, the CHPIDs and the path masks.', [s('Validate the range and the subchannel set; fill one description per subchannel (PIM-ordered CHPIDs).')])],
  ['chsc_sei', e(Q_CSS, 'css §5.6, §6.2', 'Store event information: pop the oldest pending event of the event store.', [s('Pop the oldest event; set the "more events pending" flag when others remain; response 0x0005 when none.')])],
  ['stcps', e(Q_INST, 'css §5.1', 'STORE CHANNEL PATH STATUS: 32 bytes, one bit per CHPID with an active subchannel using it.', [s('Store the channel-path-status word; the scenario reads it through `cpsw`.', undefined, ['instr'])])],
  ['stcrw', e(Q_INST, 'css §6.3', 'STORE CHANNEL REPORT WORD as the guest issues it.', [s('css_do_stcrw: oldest CRW or cc 1.', ['css_do_stcrw'], ['instr'])])],

  // ---- QEMU emulated CSS (css.c) ----
  ['css_undo_stcrw', e(Q_CSS, 'css §6.3', 'STCRW stored nothing (the operand store faulted): put the CRW just dequeued back at the head of the queue, so it is not lost.', [s('Re-insert the CRW at the head of the guest CRW queue.', undefined, ['crw.queued'])])],
  ['css_do_ssch', e(Q_CSS, 'css §1.3, §2, §5.2, §5.3', 'The start function of SSCH: the condition code checks in QEMU\'s order, then the SCSW set up for a start and the channel program queued.', [
    s('cc 3 when the device is not operational or no path of ORB LPM & PIM & PAM is operational (css §5.2, §5.5).'),
    s('cc 1 when status pending, cc 2 when a function is already in progress (FCTL ≠ 0) (css §5.2).'),
    s('Copy ORB fields into the SCSW (key, fmt, pfch, isic, alcc, ssi), FCTL = start, ACTL |= start pending; PMCW.INTPARM = ORB intparm (css §1.3, §5.3).'),
    s('Queue the channel program (do_subchannel_work_virtual); the guest CPU continues.', ['do_subchannel_work_virtual', 'css_update_chnmon']),
  ])],
  ['css_do_tsch_get_irb', e(Q_CSS, 'css §4, §5.2, §5.3', 'Build the IRB from the SCSW, the ESW and the sense data (ECW), store it, and if status was pending clear it.', [
    s('Build the IRB: SCSW copy, ESW (format 0 or 1), ECW from the device\'s sense bytes (css §4).'),
    s('Store it at the operand address; keep it for `irb.*` expressions.'),
    s('When status pending: css_do_tsch_update_subch clears the conditions (css §5.3).', ['css_do_tsch_update_subch'], ['instr']),
  ])],
  ['css_do_tsch_update_subch', e(Q_CSS, 'css §5.3', 'The TSCH clearing table: which SCSW bits TSCH resets after a status-pending subchannel has been tested.', [s('With STCTL alert or primary: FCTL, ACTL and STCTL cleared; intermediate-only status keeps the function (css §5.3 table); PNO/ZCC reset.')])],
  ['css_do_stsch', e(Q_CSS, 'css §1', 'Copy the subchannel\'s 13 SCHIB words (PMCW, SCSW, MBA, MDA) in architected order, big-endian.', [s('Serialise PMCW words 0–6, SCSW 7–9, MBA 10–11, MDA 12 (css §1).')])],
  ['css_do_msch', e(Q_CSS, 'css §5.2, §5.3', 'MODIFY SUBCHANNEL: copy the modifiable PMCW fields from the operand.', [s('cc 1 when status pending, cc 2 when a function is in progress (css §5.2).'), s('Copy ISC, ENA, LM, MME, MP, CSENSE, LPM, INTPARM, MBI/MBA (css §5.3); reserved bits must be zero (operand exception).', undefined, ['instr'])])],
  ['css_do_hsch', e(Q_CSS, 'css §5.2, §5.3', 'HALT SUBCHANNEL: set the halt function pending and run it.', [s('cc 1 status pending (unless intermediate-only), cc 2 when halt or clear is in progress.'), s('FCTL |= halt, ACTL |= halt pending; sch_handle_halt_func ends the I/O with status.', ['sch_handle_halt_func'])])],
  ['css_do_csch', e(Q_CSS, 'css §5.3', 'CLEAR SUBCHANNEL: always cc 0 on an operational subchannel; the clear function resets it.', [s('FCTL = clear, ACTL clear pending; sch_handle_clear_func clears the SCSW and makes status pending.', ['sch_handle_clear_func'])])],
  ['css_do_xsch', e(Q_CSS, 'css §5.2, §5.3', 'CANCEL SUBCHANNEL: withdraw a start function that has not begun.', [s('cc 1 status pending, cc 2 when not start-pending-only; else FCTL/ACTL cleared, nothing else happens.')])],
  ['css_do_rsch', e(Q_CSS, 'css §3.2, §5.2', 'RESUME SUBCHANNEL: continue a suspended channel program.', [s('cc 2 unless the start function is suspended; ACTL resume pending; the program continues at the suspended CCW.', ['do_subchannel_work_virtual'])])],
  ['css_do_stcrw', e(Q_CSS, 'css §6.3', 'Pop the oldest CRW of the queue.', [s('Queue empty: store zeros, cc 1; else store and remove the oldest (overflow: the R bit of the next, css §6.1).', undefined, ['instr'])])],
  ['css_do_rchp', e(Q_CSS, 'css §5.1, §6.1', 'RESET CHANNEL PATH: reset the path and report it with a solicited CRW.', [s('Queue CRW RSC 4 (channel path), ERC initialized, solicited.', ['css_queue_crw'], ['crw.queued'])])],
  ['css_update_chnmon', e(Q_CSS, 'css §5.1', 'Channel monitoring: count SSCH/RSCH and device-connect samples in the measurement block when measurement is enabled.', [s('With PMCW MME and SCHM active: increment the SSCH+RSCH count (format 0 block at MBO + MBI × 32, format 1 at the MBA).')])],
  ['do_subchannel_work_virtual', e(Q_CSS, 'css §5.3', 'Start the function the subchannel has pending: clear, halt or start, in that priority.', [s('clear pending → sch_handle_clear_func; halt pending → sch_handle_halt_func; start → sch_handle_start_func_virtual (emulated devices) or _passthrough.', ['sch_handle_clear_func', 'sch_handle_halt_func', 'sch_handle_start_func_virtual', 'sch_handle_start_func_passthrough'])])],
  ['sch_handle_start_func_virtual', e(Q_CSS, 'css §2, §3, §5.5', 'Run the channel program of an emulated device one CCW at a time.', [
    s('Select a path: ORB LPM & PAM & POM; LPUM records it (css §5.5).', undefined, ['sch.start']),
    s('css_interpret_ccw fetches and executes the CCW at the channel-program address.', ['css_interpret_ccw', 'ccw_dstream_read', 'ccw_dstream_write'], ['ccw.fetch']),
    s('Chaining: continue with the next CCW (command/data chaining, TIC) or end.', undefined, ['ccw.chain']),
    s('End: store status in the SCSW (CPA, residual count, DSTAT/CSTAT), make it status pending and request an I/O interruption.', ['css_inject_io_interrupt'], ['sch.status', 'irq.queued']),
  ])],
  ['sch_handle_start_func_passthrough', e(Q_CSS, 'css §10.2', 'A passthrough (vfio-ccw) subchannel: the start is forwarded to the host through the io region instead of interpreted.', [s('Write the ORB and SCSW into the io region (vfio_ccw_mdev_write_io_region); the host answers with ret_code: 0 → cc 0, −EBUSY → cc 2, −ENODEV → cc 3, else cc 1.', ['vfio_ccw_mdev_write', 'vfio_ccw_mdev_write_io_region'])])],
  ['sch_handle_halt_func', e(Q_CSS, 'css §5.3', 'The halt function: end the I/O in progress with status.', [s('STCTL status pending (alert if the program was running), DSTAT from the device, ACTL cleared; an I/O interruption is requested.', ['css_inject_io_interrupt'], ['sch.status'])])],
  ['sch_handle_clear_func', e(Q_CSS, 'css §5.3', 'The clear function: reset the subchannel and the path state.', [s('PMCW LPUM, POM reset; SCSW cleared but FCTL clear and STCTL status pending; an I/O interruption is requested.', ['css_inject_io_interrupt'], ['sch.status'])])],
  ['sch_gen_unit_exception', e(Q_CSS, 'css §4', 'Make the subchannel status pending with unit exception (DSTAT 0x01) for unsolicited status.', [s('STCTL alert + pending, DSTAT UE; request an I/O interruption.', ['css_inject_io_interrupt'], ['sch.status'])])],
  ['css_interpret_ccw', e(Q_CSS, 'css §3.1–3.6', 'Fetch one CCW and execute it: the checks of css §3.6 in QEMU\'s order, then the data transfer and the chaining decision.', [
    s('Fetch the CCW at the channel-program address: address 0, misalignment or beyond 2^31 (fmt 1) / 2^24 (fmt 0) is a program check; format 0 is translated to format 1 (css §3.1).', undefined, ['ccw.fetch']),
    s('Checks (css §3.6): invalid command code (low nibble 0), format-1 TIC with nonzero high nibble/flags/count, TIC after TIC, format-0 count 0, MIDA, S flag without ORB SPND.', undefined, ['ccw.check']),
    s('TIC: continue at the CDA, no data (css §3.4).'),
    s('Transfer: the device moves up to count bytes through the CDA or the IDAL (ccw_dstream_*), SKP stores nothing (css §3.2, §3.5).', ['ccw_dstream_read', 'ccw_dstream_write'], ['ccw.data']),
    s('Chain: CD with the count exhausted → data chaining; CC → command chaining (status modifier skips one CCW); incorrect length without SLI ends the program (css §3.2).', undefined, ['ccw.chain']),
    s('End: store status (DSTAT CE+DE, CSTAT, CPA = CCW + 8, residual count) and request an interruption (css §1.3, §4).', ['css_inject_io_interrupt'], ['sch.status', 'warn']),
  ])],
  ['ccw_dstream_read', e(Q_CSS, 'css §3.5', 'Read the CCW\'s data from guest memory (a WRITE command: memory → device).', [s('Gather count bytes from the CDA or through the IDAWs (format from ORB C64/I2K); the device takes them.', undefined, ['ccw.data'])])],
  ['ccw_dstream_write', e(Q_CSS, 'css §3.5', 'Store the device\'s data into guest memory (READ, SENSE: device → memory).', [s('Scatter the bytes to the CDA or the IDAW blocks; with SKP nothing is stored (css §3.2).', undefined, ['ccw.data'])])],
  ['css_inject_io_interrupt', e(Q_CSS, 'css §5.4', 'Request an I/O interruption for a status-pending subchannel at its ISC.', [s('Queue the interruption (ISC from PMCW); it is presented when CR6 enables that ISC (TPI or the wait).', undefined, ['irq.queued', 'irq.presented'])])],
  ['css_conditional_io_interrupt', e(Q_CSS, 'css §5.4', 'Request an interruption only if the subchannel is status pending and not already queued.', [s('Status pending and enabled (PMCW ENA) → css_inject_io_interrupt.', ['css_inject_io_interrupt'], ['irq.queued'])])],
  ['css_queue_crw', e(Q_CSS, 'css §6.1, §6.3', 'Append a CRW to the guest\'s CRW queue; when it is full the overflow flag makes the next CRW carry R (overflow).', [s('Queue full: set the overflow flag, drop the CRW; else append; a machine check is made pending.', undefined, ['crw.queued'])])],
  ['css_crw_add_to_queue', e(Q_CSS, 'css §6.3', 'Add a CRW to the queue (the chained flag set by the caller).', [s('Append, or record overflow.', undefined, ['crw.queued'])])],
  ['css_generate_sch_crws', e(Q_CSS, 'css §6.2', 'Report a subchannel event: CRW RSC 3 (subchannel), ERC, the subchannel number (chained with a second CRW for MSS).', [s('Queue the CRW(s).', ['css_queue_crw'], ['crw.queued'])])],
  ['css_process_crw', e(Q_CSS, 'css §6.2', 'Forward a host CRW into the guest\'s queue.', [s('Translate RSC/ERC and queue it.', ['css_queue_crw'], ['crw.queued'])])],
  ['css_evaluate_subchannel', e(L_CIO + '/css.c', 'css §7.3', 'Re-read a subchannel after a CRW (the Linux cio layer): update the SCHIB copy and call the driver\'s sch_event.', [s('cio_update_schib, then the driver\'s sch_event callback (vfio_ccw_sch_event).', ['cio_update_schib', 'vfio_ccw_sch_event'])])],
  ['css_schedule_eval_all', e(L_CIO + '/css.c', 'css §6.4, §7.3', 'Schedule the evaluation of every subchannel (after a CRW overflow or a channel-path event).', [s('Evaluate each subchannel in turn.', ['css_evaluate_subchannel'])])],

  // ---- host cio layer (Linux) ----
  ['crw_collect_info', e(L_CIO + '/crw.c', 'css §6.4', 'The Linux CRW machine-check thread: STCRW until the queue is empty, then call the handler for each reporting-source code.', [s('STCRW in a loop (overflow → css_schedule_eval_all).', ['stcrw', 'css_schedule_eval_all']), s('Dispatch on RSC: 3 → subchannel (css_process_crw), 4 → channel path (chp_process_crw), 2 → CHSC (chsc_process_crw).', ['css_process_crw', 'chp_process_crw', 'chsc_process_crw'])])],
  ['crw_machine_check', e('Linux arch/s390/kernel/nmi.c', 'css §6.4', 'The channel-report-pending machine check: wake the CRW collection thread.', [s('Take the machine check; crw_collect_info runs next.', ['crw_collect_info'])])],
  ['chp_process_crw', e(L_CIO + '/chp.c', 'css §6.2, §7.3', 'A channel-path CRW (RSC 4): the path became available or not.', [s('ERC initialized → chsc_chp_online; ERC path lost → chsc_chp_offline.', ['chsc_chp_online', 'chsc_chp_offline', 'chp_machine_event'])])],
  ['chsc_process_crw', e(L_CIO + '/chsc.c', 'css §5.6, §6.2', 'A CHSC CRW (RSC 2): fetch and handle the pending events with CHSC SEI.', [s('chsc_process_event_information in a loop while more events are pending.', ['chsc_process_event_information'])])],
  ['chsc_process_event_information', e(L_CIO + '/chsc.c', 'css §5.6', 'Issue CHSC SEI and dispatch each event by its content code.', [s('SEI; NT0 events → chsc_process_sei_nt0.', ['chsc_sei', 'chsc_process_sei_nt0'])])],
  ['chsc_process_sei_nt0', e(L_CIO + '/chsc.c', 'css §5.6, §7.3', 'Dispatch a notification-type-0 event.', [s('CC 1 link incident, 2 resource accessibility, 7 channel-path configuration, 8 channel-path availability.', ['chsc_process_sei_link_incident', 'chsc_process_sei_res_acc', 'chsc_process_sei_chp_config', 'chsc_process_sei_chp_avail'])])],
  ['chsc_process_sei_link_incident', e(L_CIO + '/chsc.c', 'css §7.3', 'A link incident: the path is marked not working for its subchannels.', [s('chp_machine_event(offline) for the CHPID.', ['chp_machine_event'], ['log'])])],
  ['chsc_process_sei_res_acc', e(L_CIO + '/chsc.c', 'css §7.3', 'Resource accessibility: a path (or path set) became accessible; re-evaluate the subchannels using it.', [s('s390_process_res_acc for the CHPID.', ['s390_process_res_acc'], ['log'])])],
  ['chsc_process_sei_chp_config', e(L_CIO + '/chsc.c', 'css §7.1, §7.2', 'Channel-path configuration request: configure or deconfigure as the SE asks.', [s('chp_cfg_schedule / chp_cfg_cancel_deconfigure.', ['chp_cfg_schedule', 'chp_cfg_cancel_deconfigure'])])],
  ['chsc_process_sei_chp_avail', e(L_CIO + '/chsc.c', 'css §7.3', 'Channel-path availability: refresh the path descriptions.', [s('Re-read the CHPID descriptions; subchannels re-evaluated.', undefined, ['log'])])],
  ['s390_process_res_acc', e(L_CIO + '/chsc.c', 'css §7.3', 'Re-evaluate every subchannel that can use the accessible path.', [s('For each subchannel with the CHPID: css_evaluate_subchannel.', ['css_evaluate_subchannel', 'vfio_ccw_chp_event'])])],
  ['chp_machine_event', e(L_CIO + '/chp.c', 'css §7.3', 'A machine path event for one CHPID: tell every driver of a subchannel using it.', [s('For each subchannel: the driver\'s chp_event (vfio_ccw_chp_event / io_subchannel_chp_event) with CHP_ONLINE/OFFLINE.', ['vfio_ccw_chp_event', 'io_subchannel_chp_event'])])],
  ['chsc_chp_online', e(L_CIO + '/chsc.c', 'css §7.3', 'A path came online: CHP_ONLINE to the drivers.', [s('chp_machine_event(online).', ['chp_machine_event', 'vfio_ccw_chp_event', 'io_subchannel_chp_event'])])],
  ['chsc_chp_offline', e(L_CIO + '/chsc.c', 'css §7.3', 'A path went offline: CHP_OFFLINE to the drivers.', [s('chp_machine_event(offline).', ['chp_machine_event', 'vfio_ccw_chp_event', 'io_subchannel_chp_event'])])],
  ['chsc_chp_vary', e(L_CIO + '/chsc.c', 'css §7.2', 'Vary a CHPID on/off logically (echo on|off > chp0.xx/status): CHP_VARY_ON/OFF to every driver.', [s('For each subchannel using the path: the driver\'s chp_event with CHP_VARY_ON/OFF.', ['vfio_ccw_chp_event', 'io_subchannel_chp_event'])])],
  ['s390_vary_chpid', e(L_CIO + '/chp.c', 'css §7.2', 'The sysfs status write: vary the path and tell the subchannels.', [s('chsc_chp_vary.', ['chsc_chp_vary'])])],
  ['chp_status_write', e(L_CIO + '/chp.c', 'css §7.2', '`echo on|off > /sys/devices/css0/chp0.xx/status`.', [s('Parse "on"/"off" (else −EINVAL), then s390_vary_chpid.', ['s390_vary_chpid'])])],
  ['chp_configure_write', e(L_CIO + '/chp.c', 'css §7.1, §7.2', '`echo 0|1 > /sys/devices/css0/chp0.xx/configure`: schedule an SCLP configure/deconfigure.', [s('Parse 0/1 (else −EINVAL); chp_cfg_schedule.', ['chp_cfg_schedule'])])],
  ['chp_cfg_schedule', e(L_CIO + '/chp.c', 'css §7.1', 'Queue a configure or deconfigure request; cfg_func runs it.', [s('Record the request and queue cfg_func.', ['cfg_func'])])],
  ['chp_cfg_cancel_deconfigure', e(L_CIO + '/chp.c', 'css §7.1', 'Cancel a pending deconfigure request.', [s('Drop the pending deconfigure of the CHPID.')])],
  ['cfg_func', e(L_CIO + '/chp.c', 'css §7.1', 'The configure worker: SCLP configure or deconfigure of the CHPID.', [s('sclp_chp_configure / sclp_chp_deconfigure.', ['sclp_chp_configure', 'sclp_chp_deconfigure'])])],
  ['sclp_chp_configure', e('Linux drivers/s390/char/sclp_cmd.c', 'css §7.1', 'SCLP "configure channel path": the path goes from standby to configured; the machine reports it with a CRW.', [s('The machine configures the path (PAM bit set) and queues CRW RSC 4.', undefined, ['chp.state', 'crw.queued'])])],
  ['sclp_chp_deconfigure', e('Linux drivers/s390/char/sclp_cmd.c', 'css §7.1', 'SCLP "deconfigure channel path": configured → standby.', [s('The machine deconfigures the path (PAM bit cleared) and queues CRW RSC 4.', undefined, ['chp.state', 'crw.queued'])])],
  ['cio_update_schib', e(L_CIO + '/cio.c', 'css §7.3', 'Refresh the host\'s copy of the SCHIB with STSCH; −ENODEV when the device is gone (DNV 0).', [s('STSCH; update sch->schib, lpm = PIM & PAM & POM & opm.', undefined, ['instr'])])],
  ['cio_enable_subchannel', e(L_CIO + '/cio.c', 'css §5.3', 'Enable the subchannel with MSCH (ENA 1, ISC, intparm = the subchannel address).', [s('MSCH with retries on cc 2.', undefined, ['instr'])])],
  ['cio_disable_subchannel', e(L_CIO + '/cio.c', 'css §5.3', 'Disable the subchannel with MSCH (ENA 0); −EBUSY while status pending or busy.', [s('MSCH ENA 0.', undefined, ['instr'])])],
  ['cio_cancel', e(L_CIO + '/cio.c', 'css §5.3', 'XSCH on the host subchannel.', [s('XSCH; cc 2 → −EBUSY.', undefined, ['instr'])])],
  ['cio_halt', e(L_CIO + '/cio.c', 'css §5.3', 'HSCH on the host subchannel.', [s('HSCH; cc 1 → −EBUSY, cc 3 → −ENODEV.', undefined, ['instr'])])],
  ['cio_clear', e(L_CIO + '/cio.c', 'css §5.3', 'CSCH on the host subchannel.', [s('CSCH; cc 3 → −ENODEV.', undefined, ['instr'])])],
  ['cio_cancel_halt_clear', e(L_CIO + '/cio.c', 'css §5.3, §8.3', 'Stop the I/O of a subchannel: try cancel, then halt (retries), then clear.', [s('cio_cancel; if that fails cio_halt up to 255 times; then cio_clear.', ['cio_cancel', 'cio_halt', 'cio_clear'])])],
  ['do_io_irq', e('Linux arch/s390/kernel/irq.c', 'css §5.4', 'The host\'s I/O interruption: TSCH the subchannel and call its driver\'s irq handler.', [s('TPI/TSCH, then the driver irq (vfio_ccw_sch_irq).', ['vfio_ccw_sch_irq'], ['irq.presented'])])],
  ['io_subchannel_chp_event', e(L_CIO + '/device.c', 'css §7.3', 'The regular I/O subchannel driver\'s path event: adjust lpm/opm and re-verify paths.', [s('OFFLINE/VARY_OFF: clear the path from opm and lpm; ONLINE/VARY_ON: set it and re-verify.')])],

  // ---- vfio-ccw (Linux) ----
  ['vfio_ccw_chp_event', e(L_DRV, 'css §8.4', 'vfio-ccw\'s channel-path event callback (same logic 5.8 and current).', [s('cio_update_schib; a failure → NOT_OPER FSM event.', ['cio_update_schib', 'vfio_ccw_fsm_event']), s('VARY_OFF/OFFLINE: clear the mask bit from opm and lpm; VARY_ON/ONLINE: set it in opm, lpm = opm & PAM & POM (css §8.4).')])],
  ['vfio_ccw_sch_event', e(L_DRV, 'css §8.3, §8.4', 'A subchannel event from the cio layer: refresh the SCHIB, NOT_OPER when it fails, and queue a CRW for the guest.', [s('cio_update_schib; failure → vfio_ccw_fsm_event(NOT_OPER).', ['cio_update_schib', 'vfio_ccw_fsm_event']), s('Queue a CRW to user space (vfio_ccw_queue_crw).', ['vfio_ccw_queue_crw'])])],
  ['vfio_ccw_sch_irq', e(L_DRV, 'css §8.3', 'The host interrupt of a vfio-ccw subchannel: the INTERRUPT FSM event.', [s('vfio_ccw_fsm_event(INTERRUPT).', ['vfio_ccw_fsm_event'])])],
  ['vfio_ccw_sch_io_todo', e(L_DRV, 'css §8.3, §9.3', 'The io work item: copy the IRB to the io region, update the guest CPA (cp_update_scsw), free the cp when the program ended, signal the io eventfd.', [
    s('When the cp was pending and the program ended (primary status): cp_update_scsw translates the host CPA back to the guest address, then cp_free unpins.', ['cp_update_scsw', 'cp_free']),
    s('Copy the IRB into the io region; state IDLE when the function completed.'),
    s('Signal the io eventfd; QEMU\'s handler reads the region.', ['vfio_ccw_io_notifier_handler'], ['log']),
  ])],
  ['vfio_ccw_crw_todo', e(L_DRV, 'css §8.4', 'The crw work item: if CRWs are queued for user space, signal the crw eventfd.', [s('CRW list not empty → signal crw_trigger; QEMU reads the crw region.', ['vfio_ccw_crw_notifier_handler'], ['log'])])],
  ['vfio_ccw_mdev_get_irq_info', e(L_OPS, 'css §8.2', 'VFIO_DEVICE_GET_IRQ_INFO: count and flags of an irq index (io, crw, req; the era decides which exist).', [s('Unknown index → −EINVAL; else count 1, flags EVENTFD.', undefined, ['log'])])],
  ['vfio_ccw_fsm_event', e(L_FSM, 'css §8.3', 'Look up (state, event) in the era\'s FSM table and run the action.', [s('table[state][event] → the action function (fsm_*); 5.8 has no OPEN/CLOSE events.', FSM_ACTIONS.map(([n]) => n))])],
  ...FSM_ACTIONS.map(([n, what]): [string, Explanation] => [n, e(L_FSM, 'css §8.3', `FSM action: ${what}.`, [s(what[0].toUpperCase() + what.slice(1) + '.', n === 'fsm_io_request' ? ['cp_init', 'cp_prefetch', 'fsm_io_helper', 'cp_free'] : n === 'fsm_async_request' ? ['fsm_do_halt', 'fsm_do_clear'] : n === 'fsm_notoper' || n === 'fsm_close' ? ['cp_free', 'cio_disable_subchannel', 'cio_cancel_halt_clear'] : n === 'fsm_open' ? ['cio_enable_subchannel'] : n === 'fsm_disabled_irq' ? ['cio_disable_subchannel'] : undefined, ['log', 'warn'])])]),
  ['fsm_io_helper', e(L_FSM, 'css §8.3, §9.2', 'Start the translated channel program on the real subchannel.', [s('SSCH with the host ORB (CPA = the first host chain, LPM = sch->lpm per css §8.5); cc 0 → CP_PENDING, cc 1 → −EBUSY, cc 2 → −EBUSY, cc 3 → −ENODEV (and lpm bits dropped).', undefined, ['instr'])])],
  ['fsm_do_halt', e(L_FSM, 'css §8.3', 'HSCH for the guest: cio_halt on the host subchannel.', [s('HSCH; cc → ret_code (0, −EBUSY, −ENODEV).', ['cio_halt'], ['instr'])])],
  ['fsm_do_clear', e(L_FSM, 'css §8.3', 'CSCH for the guest: cio_clear on the host subchannel.', [s('CSCH; cc → ret_code.', ['cio_clear'], ['instr'])])],
  ['cp_init', e(L_CP, 'css §9.1', 'Build the chains of the guest channel program: starting at ORB CPA, one chain per run of chained CCWs, following TICs to new chains.', [
    s('Refuse a second cp (−EBUSY); ORB PFCH 0: warn (≤6.x) or −EOPNOTSUPP (newer) (css §9.1).', undefined, ['warn']),
    s('ccwchain_handle_ccw from the ORB CPA: copy up to 256 CCWs, compute the chain length, recurse into TIC targets.', ['ccwchain_handle_ccw']),
    s('On success the cp is initialized (the ≤6.2 C64 forcing of the ORB is applied afterwards).'),
  ])],
  ['ccwchain_handle_ccw', e(L_CP, 'css §9.1', 'Make one chain starting at a guest CCW address.', [s('copy_from_iova of 256 CCW slots (format 0 converted, css §3.1).', ['copy_from_iova']), s('ccwchain_calc_length: CCWs up to the first without CC/CD, TICs included.', ['ccwchain_calc_length']), s('Allocate the host copy in the device\'s DMA arena; TIC targets outside existing chains become new chains (recursively).', ['ccwchain_handle_ccw'])])],
  ['ccwchain_calc_length', e(L_CP, 'css §9.1', 'Count the CCWs of a chain: while chained (CC/CD) or a TIC; more than CCWCHAIN_LEN_MAX (256) → −EINVAL.', [s('Walk the slots; a chain longer than 256 CCWs is refused (css §9.1).', undefined, ['warn'])])],
  ['copy_from_iova', e(L_CP, 'css §9.1, gup §10', 'Read guest memory through the IOMMU mapping: pin, copy, unpin (vfio_dma_rw in newer kernels).', [s('Translate the IOVA (guest address) and copy; an unmapped address → −EFAULT.', ['vfio_dma_rw', 'vfio_pin_pages', 'vfio_unpin_pages'])])],
  ['cp_prefetch', e(L_CP, 'css §9.2', 'Translate every CCW of every chain: pin the data pages and build host IDALs.', [s('For each chain and CCW: ccwchain_fetch_one; the first error stops (and cp_free unpins what was pinned).', ['ccwchain_fetch_one'])])],
  ['ccwchain_fetch_one', e(L_CP, 'css §9.2', 'Translate one CCW: TICs are re-pointed at the host chain, others get a host IDAL.', [s('TIC → ccwchain_fetch_tic; else ccwchain_fetch_ccw.', ['ccwchain_fetch_tic', 'ccwchain_fetch_ccw'])])],
  ['ccwchain_fetch_tic', e(L_CP, 'css §9.2', 'A TIC\'s guest target becomes the host address of the same CCW in its chain.', [s('Find the chain containing the target (−EFAULT if none); host CDA = chain host head + offset.')])],
  ['ccwchain_fetch_ccw', e(L_CP, 'css §9.2, §3.5', 'A data CCW: pin the guest pages its data spans and point the host CCW at a host IDAL of the pinned frames.', [
    s('Block size 2 KiB or 4 KiB from ORB C64/I2K; bytes = count or 1 (css §3.5).'),
    s('Guest IDAWs: the CDA (no IDA) or read from the guest IDAL (format 1 or 2).', ['copy_from_iova']),
    s('page_array_pin: vfio_pin_pages each run of guest pages (FOLL_WRITE|FOLL_LONGTERM through vfio_iommu_type1).', ['page_array_pin']),
    s('Write the host IDAL (host frame addresses; non-transferring CCWs keep the guest addresses) and set IDA in the host CCW (css §9.2).'),
  ])],
  ['page_array_pin', e(L_CP, 'css §9.2, gup §10', 'Pin the pages of one CCW\'s data through vfio_pin_pages, one call per contiguous run.', [s('vfio_pin_pages(iova, npage); a short pin unpins and fails (−EINVAL / the errno).', ['vfio_pin_pages'])])],
  ['page_array_unpin_free', e(L_CP, 'css §9.3', 'Unpin a CCW\'s pinned runs and free its page array.', [s('vfio_unpin_pages for each run.', ['vfio_unpin_pages'])])],
  ['cp_free', e(L_CP, 'css §9.3', 'Release a channel program: unpin every CCW\'s pages (not TICs) and free the chains.', [s('page_array_unpin_free per CCW; cp.initialized = false.', ['page_array_unpin_free'])])],
  ['cp_update_scsw', e(L_CP, 'css §9.3', 'Translate the SCSW CPA the machine stored (a host CCW address + 8) back to the guest CCW address + 8.', [s('Find the chain containing the host CPA − 8 and map it to the guest address.')])],
  ['vfio_ccw_mdev_write', e(L_OPS, 'css §8.1', 'A write to the device fd: dispatch by region offset.', [s('Config region (io) → vfio_ccw_mdev_write_io_region; async region → vfio_ccw_async_region_write; others → −EINVAL.', ['vfio_ccw_mdev_write_io_region', 'vfio_ccw_async_region_write'])])],
  ['vfio_ccw_mdev_write_io_region', e(L_OPS, 'css §8.1, §8.3', 'The io region write (an SSCH): copy the ORB/SCSW and run the IO_REQ FSM event; the ret_code is the write\'s result.', [s('Busy (work pending) → −EAGAIN; copy the region; vfio_ccw_fsm_event(IO_REQ); return ret_code.', ['vfio_ccw_fsm_event'])])],
  ['vfio_ccw_async_region_write', e(L_OPS, 'css §8.1', 'The async (cmd) region write: HSCH/CSCH as ASYNC_REQ.', [s('vfio_ccw_fsm_event(ASYNC_REQ); ret_code from the command.', ['vfio_ccw_fsm_event'])])],
  ['vfio_ccw_mdev_read', e(L_OPS, 'css §8.1', 'A read of a region: io (the IRB), schib (STSCH refresh), crw.', [s('Dispatch by offset.', ['vfio_ccw_schib_region_read', 'vfio_ccw_crw_region_read'])])],
  ['vfio_ccw_schib_region_read', e('Linux drivers/s390/cio/vfio_ccw_chp.c', 'css §8.1, §10.3', 'The schib region read: cio_update_schib then copy the SCHIB.', [s('STSCH of the host subchannel; −ENODEV when gone.', ['cio_update_schib'])])],
  ['vfio_ccw_crw_region_read', e('Linux drivers/s390/cio/vfio_ccw_chp.c', 'css §8.1, §8.4', 'The crw region read: pop the oldest queued CRW (zero when none); re-signal while more remain.', [s('Pop and copy; more queued → signal the crw eventfd again.')])],
  ['vfio_ccw_queue_crw', e(L_DRV, 'css §8.4', 'Queue a CRW for user space and signal the crw eventfd.', [s('Append to the private CRW list; signal crw_trigger (the work item vfio_ccw_crw_todo).', ['vfio_ccw_crw_notifier_handler'])])],
  ['vfio_ccw_handle_request', e(Q_VFIO, 'css §10.2', 'QEMU: forward the guest\'s SSCH to the host through the io region.', [s('pwrite the io region; errno → cc: 0 → 0, EBUSY → 2, ENODEV/EACCES → 3, EFAULT → program check (css §10.2).', ['vfio_ccw_mdev_write', 'vfio_ccw_mdev_write_io_region'])])],
  ['vfio_ccw_handle_halt', e(Q_VFIO, 'css §10.2', 'QEMU: forward HSCH through the async region.', [s('pwrite the cmd region (VFIO_CCW_ASYNC_CMD_HSCH); errno → cc.', ['vfio_ccw_mdev_write', 'vfio_ccw_async_region_write'])])],
  ['vfio_ccw_handle_clear', e(Q_VFIO, 'css §10.2', 'QEMU: forward CSCH through the async region.', [s('pwrite the cmd region (VFIO_CCW_ASYNC_CMD_CSCH); errno → cc.', ['vfio_ccw_mdev_write', 'vfio_ccw_async_region_write'])])],
  ['vfio_ccw_handle_store', e(Q_VFIO, 'css §10.3', 'QEMU: STSCH of a passthrough subchannel refreshes from the schib region (5.1+).', [s('pread the schib region; copy PMCW path masks into the guest SCHIB.', ['vfio_ccw_mdev_read', 'vfio_ccw_schib_region_read'])])],
  ['vfio_ccw_io_notifier_handler', e(Q_VFIO, 'css §10.4', 'QEMU: the io eventfd fired: read the IRB from the io region and make the guest subchannel status pending.', [s('pread the io region; copy the SCSW/ESW/ECW; css_inject_io_interrupt for the guest.', ['vfio_ccw_mdev_read', 'css_inject_io_interrupt', 'css_conditional_io_interrupt'], ['irq.queued'])])],
  ['vfio_ccw_crw_notifier_handler', e(Q_VFIO, 'css §10.5', 'QEMU: the crw eventfd fired: read CRWs from the crw region and queue them for the guest.', [s('vfio_ccw_crw_read.', ['vfio_ccw_crw_read'])])],
  ['vfio_ccw_crw_read', e(Q_VFIO, 'css §10.5', 'Read the crw region until empty; each CRW goes to the guest queue.', [s('pread crw region; css_crw_add_to_queue.', ['vfio_ccw_mdev_read', 'vfio_ccw_crw_region_read', 'css_crw_add_to_queue', 'css_queue_crw'], ['crw.queued'])])],
  ['vfio_ccw_req_notifier_handler', e(Q_VFIO, 'css §8.2, §10.1', 'QEMU: the device request eventfd: the host wants the device back; QEMU unplugs it.', [s('qdev_unplug.', ['qdev_unplug'])])],
  ['qdev_unplug', e('QEMU hw/core/qdev.c', 'css §10.1', 'Unplug the guest device: the guest sees its subchannel disappear.', [s('Unrealize the vfio-ccw device.', ['vfio_ccw_unrealize'])])],
  ['vfio_ccw_realize', e(Q_VFIO, 'css §10.1', 'QEMU creates the guest\'s vfio-ccw subchannel: open the device, map the regions, register the eventfd notifiers.', [s('Open (vfio_ccw_mdev_open_device), region info, irq notifiers (io, crw, req).', ['vfio_ccw_mdev_open_device', 'vfio_ccw_register_irq_notifier'])])],
  ['vfio_ccw_reopen', e(Q_VFIO, 'css §10.1', 'Reopen the device after a reset.', [s('Close and open the mdev.', ['vfio_ccw_mdev_close_device', 'vfio_ccw_mdev_open_device'])])],
  ['vfio_ccw_unrealize', e(Q_VFIO, 'css §10.1', 'Tear down the guest device: unregister notifiers, close the device.', [s('Close (vfio_ccw_mdev_close_device).', ['vfio_ccw_mdev_close_device', 'vfio_ccw_put_device'])])],
  ['vfio_ccw_register_irq_notifier', e(Q_VFIO, 'css §8.2', 'VFIO_DEVICE_SET_IRQS for one irq index (io, crw, req).', [s('Attach the eventfd to the index.')])],
  ['vfio_ccw_mdev_open_device', e(L_OPS, 'css §8.1, §8.3', 'Open the mdev: register the regions, the OPEN FSM event (≈6.0+).', [s('Register io/async/schib/crw regions; vfio_ccw_fsm_event(OPEN).', ['vfio_ccw_fsm_event'])])],
  ['vfio_ccw_mdev_close_device', e(L_OPS, 'css §8.3', 'Close the mdev: the CLOSE FSM event, unregister regions.', [s('vfio_ccw_fsm_event(CLOSE).', ['vfio_ccw_fsm_event'])])],
  ['vfio_ccw_mdev_reset', e(L_OPS, 'css §8.3', 'VFIO_DEVICE_RESET: CLOSE then OPEN.', [s('vfio_ccw_fsm_event(CLOSE), vfio_ccw_fsm_event(OPEN).', ['vfio_ccw_fsm_event'])])],
  ['vfio_ccw_mdev_request', e(L_OPS, 'css §8.2', 'The host asks the user to release the device: signal the req eventfd.', [s('Signal req_trigger (QEMU\'s req notifier).', ['vfio_ccw_req_notifier_handler'])])],
  ['vfio_ccw_mdev_create', e(L_OPS, 'css §8.3', 'Create the mdev on a bound subchannel (state STANDBY).', [s('Allocate private, state STANDBY.')])],
  ['vfio_ccw_dma_unmap', e(L_OPS, 'css §9.3, gup §10', 'The IOMMU unmap notifier: a DMA unmap over a pinned cp range resets the device.', [s('If the cp pins a page of the range: vfio_ccw_mdev_reset.', ['vfio_ccw_mdev_reset'])])],
  ['vfio_ccw_sch_probe', e(L_DRV, 'css §8.3', 'Bind a subchannel to vfio_ccw: allocate private, disable the subchannel, state STANDBY.', [s('cio_disable_subchannel; state STANDBY (5.8: NOT_OPER until mdev).', ['cio_disable_subchannel'])])],
  ['vfio_ccw_sch_remove', e(L_DRV, 'css §8.3', 'Unbind: quiesce and free.', [s('vfio_ccw_sch_quiesce, then free.', ['vfio_ccw_sch_quiesce'])])],
  ['vfio_ccw_sch_quiesce', e(L_DRV, 'css §8.3', 'Stop all I/O on the subchannel and disable it.', [s('cio_cancel_halt_clear, wait, cio_disable_subchannel.', ['cio_cancel_halt_clear', 'cio_disable_subchannel'])])],
  ['vfio_ccw_put_device', e(L_OPS, 'css §8.3', 'Drop the last device reference: free the private state.', [s('Free.')])],
  ['vfio_unregister_group_dev', e('Linux drivers/vfio/vfio_main.c', 'css §8.2', 'Unregister the vfio device: blocks until the user releases it (the req eventfd asks).', [s('vfio_ccw_mdev_request until released.', ['vfio_ccw_mdev_request'])])],
  // device removal (issue 11; model/css/removal.ts, model/linux/cio/unregister.ts)
  ['ccw_device_unplug', e('QEMU hw/s390x/css-bridge.c', 'css §5.2, §6.3', 'Hot-unplug of a CCW device (machine remove device): the subchannel is disabled and no longer valid, the guest is told with a CRW, then the device is unrealized.', [s('PMCW.ENA and DNV := 0.'), s('css_generate_sch_crws: CRW RSC 3 ERC 4, pending interruption withdrawn.', ['css_generate_sch_crws', 'css_clear_io_interrupt'], ['crw.queued']), s('css_subch_assign(NULL): the subchannel is no longer provided (cc 3).', ['css_subch_assign'])])],
  ['css_subch_assign', e(Q_CSS, 'css §5.2', 'Assign (or, with NULL, free) a subchannel number: a freed one is not provided any more — cc 3, STSCH cc 3 beyond the last one, a zero SCHIB below it.', [s('Clear the subchannel from the set; the highest subchannel number is recomputed.', undefined, ['log'])])],
  ['css_clear_io_interrupt', e(Q_CSS, 'css §5.4, §6.3', 'Withdraw the subchannel\'s pending I/O-interruption request (with CRW ERC 4).', [s('Dequeue the request.')])],
  ['css_sched_sch_todo', e(L_CIO + '/css.c', 'css §8.3', 'Queue work for a subchannel (here SCH_TODO_UNREG from fsm_notoper): runs once in css_sch_todo.', [s('Record the todo and queue the todo work.')])],
  ['css_sch_todo', e(L_CIO + '/css.c', 'css §8.3', 'The subchannel\'s todo work: SCH_TODO_UNREG unregisters it.', [s('css_sch_device_unregister.', ['css_sch_device_unregister'])])],
  ['css_sch_device_unregister', e(L_CIO + '/css.c', 'css §8.2, §8.3', 'Unregister the subchannel: the driver\'s remove (vfio_ccw waits until userspace released the device), then the host subchannel is freed.', [s('vfio_unregister_group_dev / vfio_ccw_sch_remove.', ['vfio_unregister_group_dev', 'vfio_ccw_sch_remove'], ['log'])])],
];
