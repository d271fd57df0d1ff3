/**
 * The page map's colours, read from the theme (canvas cannot use `var()`): one scale per metric,
 * bucket 0 the neutral "nothing special" colour, then the chart colours by severity.
 */
import { isHighContrast, themeColor } from './common';
import type { Metric } from './pageMapColors';

export interface Palette {
  neutral: string; fg: string; dim: string; outline: string; selected: string; charts: Record<string, string>; font: string; empty: string;
}

export function readPalette(): Palette {
  const hc = isHighContrast();
  const c = (n: string, f: string) => themeColor(`charts-${n}`, f);
  return {
    neutral: themeColor('editorLineNumber-foreground', '#858585'),
    fg: themeColor('editor-foreground', '#cccccc'),
    dim: themeColor('descriptionForeground', '#999999'),
    outline: hc ? themeColor('contrastBorder', '#6fc3df') : themeColor('editor-foreground', '#cccccc'),
    selected: hc ? themeColor('contrastActiveBorder', '#f38518') : themeColor('focusBorder', '#007fd4'),
    empty: themeColor('editorWidget-border', themeColor('widget-border', '#454545')),
    charts: { blue: c('blue', '#3794ff'), green: c('green', '#89d185'), yellow: c('yellow', '#cca700'), orange: c('orange', '#d18616'), red: c('red', '#f14c4c'), purple: c('purple', '#b180d7') },
    font: themeColor('font-family', 'sans-serif'),
  };
}

export function scale(metric: Metric, p: Palette): string[] {
  const k = p.charts;
  switch (metric) {
    case 'pincount': return [p.neutral, k.blue, k.green, k.yellow, k.orange, k.red];
    case 'refcount': return [k.purple, p.neutral, k.blue, k.yellow, k.red];
    case 'maybeDmaPinned': return [p.neutral, k.red];
    case 'dirty': return [p.neutral, k.orange];
    case 'zone': return [k.blue, k.green, k.purple, k.yellow, k.orange, k.red];
  }
}
