// The dashboard's charts (issue 16 section 3), drawn on the server by ECharts' SSR into inline SVG: no chart
// JavaScript reaches the WeCom in-app browser. Each chart is a pure function of the numbers the page also shows
// in a table beside it. Kept small for a slow network: no animation, no embedded fonts, coordinates rounded.
import { createRequire } from 'node:module';
import type { DayCount, MonthPoint } from './source.ts';

// ECharts' typings are `export =` of a namespace, which this project's ESM settings (no synthetic default
// imports) cannot import, and its subpath typings do not resolve under NodeNext. So the library is loaded as
// CommonJS and seen through the small surface the charts use.
type EChartsOption = Record<string, unknown>;
interface SsrChart {
  setOption(option: EChartsOption): void;
  renderToSVGString(): string;
  dispose(): void;
}
const echarts = createRequire(import.meta.url)('echarts') as {
  init(dom: null, theme: null, opts: { renderer: 'svg'; ssr: true; width: number; height: number }): SsrChart;
};
const RED = '#b71c1c';
const GREY = '#bdbdbd';
const FONT = { fontFamily: 'sans-serif', fontSize: 12, color: '#444' };

/** One bar of quota progress: a child organisation (or member) with talks done of talks owed. */
export interface QuotaBar {
  name: string;
  done: number;
  owed: number;
}

// Smaller SVG: every decimal rounded to one place (a tenth of a pixel is invisible), and the attributes ECharts
// adds for hydrating the chart in a browser (ecmeta_*) dropped — no chart script ever runs on the page.
const slim = (svg: string) =>
  svg
    .replace(/(\d+\.\d)\d+/g, '$1')
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    // a calendar is hundreds of rectangles: "l12 0l0 9.5" is "h12v9.5"
    .replace(/l(-?[\d.]+) 0(?=[lZ])/g, 'h$1')
    .replace(/l0 (-?[\d.]+)(?=[lhZ])/g, 'v$1')
    .replace(/><\/path>/g, '/>')
    // hover styles (class + <style>) serve a pointer, and nothing on the page reacts to one; an invisible stroke is no stroke
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ stroke="[^"]*" stroke-width="0"/g, '');

// A chart is a pure function of its option (plain data, no callbacks), and drawing one takes ECharts 20–150 ms:
// the pages of a snapshot-read scope draw the same charts for every viewer until the next refresh, so the last
// CHART_CACHE_MAX drawings are kept by their option's JSON (oldest dropped first).
const CHART_CACHE_MAX = 64;
const drawn = new Map<string, string>();

function render(width: number, height: number, option: EChartsOption): string {
  const key = JSON.stringify([width, height, option]);
  const hit = drawn.get(key);
  if (hit !== undefined) {
    drawn.delete(key);
    drawn.set(key, hit);
    return hit;
  }
  const svg = draw(width, height, option);
  drawn.set(key, svg);
  if (drawn.size > CHART_CACHE_MAX) drawn.delete(drawn.keys().next().value!);
  return svg;
}

function draw(width: number, height: number, option: EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, aria: { enabled: false }, textStyle: FONT, ...option });
    return slim(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/** A short name for an axis: long branch names would take the whole phone screen. */
export function axisName(name: string, max = 10): string {
  const chars = [...name];
  return chars.length <= max ? name : `${chars.slice(0, max - 1).join('')}…`;
}

/** Horizontal bars, one pair per child: talks done against talks owed this year, the numbers on the bars. */
export function quotaBarsSvg(bars: readonly QuotaBar[], width = 640): string {
  const height = 60 + 34 * Math.max(1, bars.length);
  const names = bars.map((b) => axisName(b.name));
  return render(width, height, {
    grid: { left: 8, right: 40, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: FONT, data: ['已完成', '应完成'] },
    xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eee' } } },
    yAxis: { type: 'category', data: names, inverse: true, axisTick: { show: false } },
    series: [
      { name: '已完成', type: 'bar', data: bars.map((b) => b.done), itemStyle: { color: RED }, barGap: '10%', label: { show: true, position: 'right', fontSize: 11 } },
      { name: '应完成', type: 'bar', data: bars.map((b) => b.owed), itemStyle: { color: GREY }, label: { show: true, position: 'right', fontSize: 11 } },
    ],
  });
}

/** A calendar heat map of the year's visits, one cell per day up to today. */
export function visitCalendarSvg(days: readonly DayCount[], year: number, today: string, width = 640): string {
  const max = Math.max(1, ...days.map((d) => d.count));
  const cell = Math.max(5, Math.floor((width - 50) / 54));
  return render(width, cell * 7 + 70, {
    tooltip: { show: false },
    visualMap: {
      min: 0,
      max,
      type: 'piecewise',
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemWidth: 10,
      itemHeight: 10,
      textStyle: FONT,
      pieces: visitPieces(max),
      inRange: { color: ['#ffebee', '#ef9a9a', '#e53935', '#8e0000'] },
    },
    calendar: {
      range: [`${year}-01-01`, today],
      top: 24,
      left: 30,
      right: 10,
      cellSize: [cell, cell],
      dayLabel: { firstDay: 1, nameMap: ['日', '一', '二', '三', '四', '五', '六'], fontSize: 9 },
      monthLabel: { nameMap: 'ZH', fontSize: 10 },
      yearLabel: { show: false },
      silent: true,
      itemStyle: { borderWidth: 0, color: '#f5f5f5' },
      splitLine: { show: false },
    },
    series: [{ type: 'heatmap', coordinateSystem: 'calendar', silent: true, data: days.filter((d) => d.count > 0).map((d) => [d.date, d.count]) }],
  });
}

/** The heat map's legend: up to four bands of visits per day. */
export function visitPieces(max: number): Array<{ min: number; max: number; label: string }> {
  if (max <= 4) return Array.from({ length: max }, (_, i) => ({ min: i + 1, max: i + 1, label: `${i + 1}次` }));
  const step = Math.ceil(max / 4);
  const out: Array<{ min: number; max: number; label: string }> = [];
  for (let lo = 1; lo <= max; lo += step) {
    const hi = Math.min(max, lo + step - 1);
    out.push({ min: lo, max: hi, label: lo === hi ? `${lo}次` : `${lo}–${hi}次` });
  }
  return out;
}

/** The year month by month: trigger obligations overdue at the month's end (a line), talks and visits (bars). */
export function monthsSvg(months: readonly MonthPoint[], width = 640): string {
  return render(width, 280, {
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: FONT, data: ['谈心谈话', '走访慰问', '月末逾期事项'] },
    xAxis: { type: 'category', data: months.map((m) => `${Number(m.month.slice(5))}月`), axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eee' } } },
    series: [
      { name: '谈心谈话', type: 'bar', data: months.map((m) => m.talks), itemStyle: { color: '#ef9a9a' } },
      { name: '走访慰问', type: 'bar', data: months.map((m) => m.visits), itemStyle: { color: GREY } },
      { name: '月末逾期事项', type: 'line', data: months.map((m) => m.overdueAtEnd), itemStyle: { color: RED }, lineStyle: { color: RED, width: 2 }, symbolSize: 5, label: { show: true, fontSize: 11 } },
    ],
  });
}
