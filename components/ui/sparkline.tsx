'use client';

import { useEffect, useMemo, useRef } from 'react';
import type uPlot from 'uplot';
// The few rules uPlot needs to lay out its canvas (1.5 KB); the library itself is loaded on demand below.
import 'uplot/dist/uPlot.min.css';

export interface SparklineProps {
  /** [epoch ms, value] points in time order. */
  samples: readonly (readonly [number, number])[];
  /** Accessible description of the chart ("COW fill of vg0/snap over the last 2 h: 12% to 18%"). */
  label: string;
  width?: number;
  height?: number;
  /** The value range of the y axis; COW fill is always 0-100. */
  yRange?: [number, number];
  /** Line colour (CSS colour). */
  stroke?: string;
}

type UPlotCtor = typeof uPlot;
let uplotModule: Promise<UPlotCtor> | undefined;
/** uPlot (~50 KB) is fetched the first time a sparkline mounts, never as part of a page's first load. */
function loadUPlot(): Promise<UPlotCtor> {
  uplotModule ??= import('uplot').then((m) => m.default);
  return uplotModule;
}

function toData(samples: SparklineProps['samples']): uPlot.AlignedData {
  return [samples.map((s) => s[0]), samples.map((s) => s[1])];
}

/** A tiny line chart without axes, drawn by uPlot once it is loaded; a blank box of the same size before. */
export function Sparkline({ samples, label, width = 112, height = 28, yRange = [0, 100], stroke = '#059669' }: SparklineProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => toData(samples), [samples]);
  const latest = useRef(data);
  latest.current = data;
  const [yMin, yMax] = yRange;

  useEffect(() => {
    let cancelled = false;
    void loadUPlot().then((UPlot) => {
      if (cancelled || !box.current) return;
      const opts: uPlot.Options = {
        width,
        height,
        pxAlign: false,
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        legend: { show: false },
        scales: { x: { time: false }, y: { range: [yMin, yMax] } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke, width: 1.5, fill: `${stroke}22`, points: { show: false } }],
      };
      plot.current = new UPlot(opts, latest.current, box.current);
    });
    return () => {
      cancelled = true;
      plot.current?.destroy();
      plot.current = null;
    };
  }, [width, height, yMin, yMax, stroke]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={box} role="img" aria-label={label} style={{ width, height }} className="overflow-hidden" />;
}
