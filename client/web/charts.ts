// uPlot time series for the stats stream: a chart is created once per mount and fed new columns,
// so a point per second costs a canvas redraw, not a DOM rebuild.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import { html } from './session.ts'

export type Columns = [number[], ...number[][]]

export function TimeChart(props: { id: string; title: string; series: string[]; data: Columns; unit: string }) {
  const el = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  useEffect(() => {
    const colors = ['#2f7ed8', '#e4572e', '#17a589', '#a569bd', '#f1c40f', '#7f8c8d']
    plot.current = new uPlot(
      {
        width: 520,
        height: 200,
        title: props.title,
        series: [{}, ...props.series.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 1.5 }))],
        axes: [{}, { label: props.unit }],
      },
      props.data,
      el.current!,
    )
    return () => plot.current?.destroy()
  }, [])
  useEffect(() => {
    plot.current?.setData(props.data)
  }, [props.data])
  return html`<div class="chart" id=${props.id} ref=${el}></div>`
}
