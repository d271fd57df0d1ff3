/**
 * Subchannel unregistration in the host's css layer (Linux drivers/s390/cio/css.c): a driver that
 * finds its subchannel gone (vfio_ccw `fsm_notoper`, css §8.3) calls `css_sched_sch_todo(sch,
 * SCH_TODO_UNREG)`; the todo work item `css_sch_todo` then runs `css_sch_device_unregister`, which
 * removes the driver from the subchannel (`device_del` → the driver's remove callback) and frees
 * the host's `struct subchannel`. A driver whose remove has to wait (vfio_ccw waits for userspace
 * to release the device, css §8.2) finishes through `finishUnregister`.
 * [unverified: chosen — recalled from Linux css.c (css_sched_sch_todo, css_sch_todo,
 *  css_sch_device_unregister); the reference names only the notoper → unregistration step]
 */
import type { HostCio } from './cio';
import { schBusId } from './constants';

/** The `todo_work` item of a subchannel (queued once until it runs). */
export const SCH_TODO_ACTION = 'host.sch_todo';

/** `css_sched_sch_todo(sch, SCH_TODO_UNREG)`: queue the unregistration once. */
export function schedSchTodoUnreg(cio: HostCio, sch: number): void {
  cio.m.within('css_sched_sch_todo', () => {
    if (cio.todo.has(sch) || !cio.subchannels.has(sch)) return;
    cio.m.journal.mapSet(cio.todo, sch, 'unreg');
    cio.m.schedule(SCH_TODO_ACTION, sch, 0);
    cio.m.emit({ kind: 'log', source: 'cio', text: `${schBusId(sch)}: SCH_TODO_UNREG queued (the subchannel's todo work will unregister it)` }, 'instruction');
  });
}

/** `css_sch_todo`: SCH_TODO_UNREG → `css_sch_device_unregister`. */
export function schTodo(cio: HostCio, sch: number): void {
  cio.host('css_sch_todo', () => {
    if (!cio.todo.has(sch)) return;
    cio.m.journal.mapDelete(cio.todo, sch);
    const hs = cio.subchannels.get(sch);
    if (!hs) return;
    cio.m.within('css_sch_device_unregister', () => {
      const d = cio.drivers.get(hs.driver);
      // the driver's remove: 'done', or 'pending' when it finishes later (finishUnregister)
      const r = d?.remove ? d.remove(hs) : 'done';
      if (r === 'done') finishUnregister(cio, sch);
    });
  });
}

/** The subchannel's device is gone from the host: `struct subchannel` released. */
export function finishUnregister(cio: HostCio, sch: number): void {
  if (!cio.subchannels.has(sch)) return;
  cio.m.journal.mapDelete(cio.subchannels, sch);
  cio.m.emit({ kind: 'log', source: 'cio', text: `${schBusId(sch)} unregistered (css_sch_device_unregister): the host no longer has this subchannel` }, 'instruction');
}
