/**
 * One channel path: `CHPID 0x41` with `type 0x1b  standby  online  host varied offline`, expanding
 * to the three views of its state and the subchannels that use it (css §1.1, §1.2, §6.2, §7).
 * `contextValue` says which actions apply: vary needs host cio (vfio topology); configure works in
 * both topologies (`chchp -c` on the host, `configure chpid` on the native machine).
 */
import type * as vscode from 'vscode';
import type { ChannelPathView } from '../../../debug-adapter/protocol';
import type { SessionModel } from '../../sessionModel';
import { CHANGED_MARK, formatValue, mdEscape } from '../format';
import { BaseNode, rowContext, type RenderContext, type RowValue } from './baseNode';
import { Collapsed, makeItem } from './treeItem';

const yesNo = (b: boolean, yes: string, no: string) => (b ? yes : no);

/** `standby  offline  host varied offline  guest PAM 0/1`. */
export function chpidDescription(p: ChannelPathView): string {
  return [
    p.changed ? CHANGED_MARK : '',
    `type ${p.typeName}`,
    yesNo(p.configured, 'configured', 'standby'),
    yesNo(p.online, 'online', 'offline'),
    p.hostVary !== undefined ? `host ${p.hostVary === 'online' ? 'online' : 'varied offline'}` : '',
    p.guestUsing !== undefined ? `guest PAM ${p.guestAvailable}/${p.guestUsing}` : '',
  ].filter(Boolean).join('  ');
}

function chpidTooltip(p: ChannelPathView): string {
  const lines = [
    `**CHPID ${p.id}** type \`${p.typeName}\``,
    '',
    '| seen by | state | reference |',
    '| --- | --- | --- |',
    `| machine (SCLP) | ${yesNo(p.configured, 'configured', 'standby')} | css §7.1 |`,
    `| machine (path) | ${yesNo(p.online, 'online', 'offline')}${p.operational ? '' : ', not operational'} | css §6.2 |`,
  ];
  if (p.hostVary) lines.push(`| host cio (vary) | ${p.hostVary} | css §7.1 |`);
  if (p.guestUsing !== undefined) lines.push(`| guest (PAM) | available in ${p.guestAvailable} of ${p.guestUsing} subchannel(s) | css §10.3 |`);
  lines.push('', `Used by ${p.subchannelCount ?? p.subchannels.length} subchannel(s).`);
  if (p.changed) lines.push('', `${CHANGED_MARK} Changed since the previous stop.`);
  return lines.join('\n');
}

export class ChpidNode extends BaseNode {
  constructor(
    id: string,
    readonly path: ChannelPathView,
    readonly topology: 'native' | 'vfio',
    readonly model: SessionModel,
  ) {
    super(undefined, id);
  }

  override rowValue(): RowValue {
    return { model: this.model, value: this.path.chpid, width: 8, expression: `chpid(${this.path.id}).configured`, slot: { kind: 'chpid', chpid: this.path.chpid } };
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    const p = this.path;
    const up = p.configured && p.online && p.hostVary !== 'offline';
    return makeItem({
      id: this.id,
      label: `CHPID ${p.id}`,
      description: chpidDescription(p),
      tooltip: chpidTooltip(p),
      icon: up ? 'plug' : 'debug-disconnect',
      iconColor: p.changed ? 'gitDecoration.modifiedResourceForeground' : up ? undefined : 'list.warningForeground',
      // chpid.vfio / chpid.native, then .configured/.standby and .online/.offline (host vary): menus show only what applies
      contextValue: rowContext(
        `chpid.${this.topology} ${p.configured ? 'configured' : 'standby'} ${p.hostVary === 'offline' ? 'varied-off' : 'varied-on'}`,
        this.rowValue(),
      ),
      decoration: p.changed ? 'changed' : undefined,
      collapsible: Collapsed,
    });
  }

  override getChildren(): BaseNode[] {
    const p = this.path;
    const rows: BaseNode[] = [
      new InfoRow(this, this.childId('machine'), 'machine', `${yesNo(p.configured, 'configured', 'standby')}, ${yesNo(p.online, 'online', 'offline')}${p.operational ? '' : ', not operational'}`, 'SCLP configure state (css §7.1) and the machine view of the path (CRW RSC 4 ERC 2 / 6, css §6.2).', 'server'),
    ];
    if (p.hostVary) rows.push(new InfoRow(this, this.childId('host'), 'host cio', `${p.hostVary === 'online' ? 'online' : 'varied offline'} (chp0.${p.id.slice(2)}/status)`, 'The host vary state: chchp -v writes it; it feeds the subchannels’ opm / lpm (css §1.2, §7.1).', 'vm'));
    if (p.guestUsing !== undefined) rows.push(new InfoRow(this, this.childId('guest'), 'guest', `PAM bit set in ${p.guestAvailable} of ${p.guestUsing} subchannel(s)`, 'What the guest’s STSCH shows: QEMU refreshes the PAM from the host SCHIB (css §10.3).', 'device-desktop'));
    for (const u of p.subchannels) {
      // every mask with ✓ / ✗, so a bit that is missing shows as clearly as one that is set
      const mark = (b: boolean) => (b ? '✓' : '✗');
      const flags = `PIM ${mark(u.pim)} PAM ${mark(u.pam)} POM ${mark(u.pom)} LPM ${mark(u.lpm)}`;
      const guest = u.guestPam === undefined ? '' : `  guest PAM ${mark(u.guestPam)}`;
      const set = [u.pim && 'PIM', u.pam && 'PAM', u.pom && 'POM', u.lpm && 'LPM'].filter(Boolean).join(', ');
      rows.push(new InfoRow(this, this.childId(`sch:${u.sid}`), u.sid, `mask ${formatValue(u.mask, 8, 'hex')}  ${flags}${guest}`, `Subchannel ${u.sid} uses CHPID ${p.id} through path-mask bit ${formatValue(u.mask, 8, 'hex')}; the machine's PMCW has it set in ${set} (css §1.1).${u.guestPam === undefined ? '' : ` The guest's SCHIB (QEMU) has it ${u.guestPam ? 'set' : 'clear'} in PAM (css §10.3).`}`, 'circuit-board'));
    }
    if (p.subchannelCount !== undefined && p.subchannelCount > p.subchannels.length) {
      rows.push(new InfoRow(this, this.childId('more'), `… ${p.subchannelCount - p.subchannels.length} more subchannels`, '', 'Only the first 256 subchannels using a path are listed.', 'ellipsis'));
    }
    return rows;
  }
}

/** A read-only line under a CHPID. */
class InfoRow extends BaseNode {
  constructor(
    parent: BaseNode,
    id: string,
    readonly label: string,
    readonly text: string,
    readonly meaning: string,
    readonly icon: string,
  ) {
    super(parent, id);
  }

  toTreeItem(_ctx: RenderContext): vscode.TreeItem {
    return makeItem({ id: this.id, label: this.label, description: this.text, tooltip: `**${mdEscape(this.label)}** ${mdEscape(this.text)}\n\n${mdEscape(this.meaning)}`, icon: this.icon, contextValue: 'chpid.info' });
  }
}
