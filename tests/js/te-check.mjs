// The Chrome DevTools trace engine (@paulirish/trace_engine, the Performance panel's
// parser) reads a trace and prints the model it built: the bounds, every thread with its
// slices [name, ts, dur], the flows as chains of the slice names they bind, and the
// engine's warnings.
//   node te-check.mjs TRACE                 print the model
//   node te-check.mjs TRACE MODEL           the model must equal MODEL's
//   node te-check.mjs TRACE MODEL --write   write the model to MODEL (one slice per line)
//   node te-check.mjs --each TRACE...       only the checks below, on each trace
// Always, as the engine is lenient: no warnings, every X event became a slice, and every
// flow in the file was bound at both ends.
import fs from 'node:fs';
import {analyzeTrace} from '@paulirish/trace_engine/analyze-trace.mjs';  // also installs a DOMRect polyfill

function fail(path, msg) {
  console.error(`te-check: ${path}: ${msg}`);
  process.exit(1);
}

async function model(path) {
  const {parsedTrace} = await analyzeTrace(path);  // accepts {traceEvents:[..]} or [..], and gzip
  const d = parsedTrace.data ?? parsedTrace;
  const out = {bounds: d.Meta.traceBounds, threads: [], flows: d.Flows.flows.map(f => f.map(e => e.name)),
               warnings: [...(d.Warnings?.perWarning?.keys() ?? [])]};
  for (const [pid, p] of d.Renderer.processes) for (const [tid, t] of p.threads)
    out.threads.push({pid, tid, name: t.name, slices: t.entries.map(e => [e.name, e.ts, e.dur ?? 0])});
  const events = JSON.parse(fs.readFileSync(path, 'utf8')).traceEvents;
  const nSlices = events.filter(e => e.ph === 'X').length;
  const nFlows = new Set(events.filter(e => e.ph === 's').map(e => e.id)).size;
  const gotSlices = out.threads.reduce((n, t) => n + t.slices.length, 0);
  if (out.warnings.length) fail(path, `the engine warns: ${out.warnings.join(', ')}`);
  if (gotSlices !== nSlices) fail(path, `${nSlices} X events, but the engine made ${gotSlices} slices`);
  if (out.flows.length !== nFlows || out.flows.some(f => f.length !== 2))
    fail(path, `${nFlows} flows, but the engine bound ${out.flows.filter(f => f.length === 2).length} at both ends`);
  return out;
}

const [tracePath, modelPath, mode] = process.argv.slice(2);
if (tracePath === '--each') {
  for (const path of process.argv.slice(3)) await model(path);
  process.exit(0);
}
const out = await model(tracePath);

// One thread, slice or flow per line, so a change to the model reads as a small diff.
function format(m) {
  const j = JSON.stringify;
  const threads = m.threads.map(t => `  {"pid": ${t.pid}, "tid": ${t.tid}, "name": ${j(t.name)}, "slices": [\n` +
    t.slices.map(s => `    ${j(s)}`).join(',\n') + '\n  ]}');
  return `{"bounds": ${j(m.bounds)},\n"threads": [\n${threads.join(',\n')}\n],\n` +
    `"flows": [\n${m.flows.map(f => `  ${j(f)}`).join(',\n')}\n],\n"warnings": ${j(m.warnings)}}\n`;
}

if (!modelPath) {
  console.log(JSON.stringify(out));
} else if (mode === '--write') {
  fs.writeFileSync(modelPath, format(out));
} else {
  const expected = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const diff = (a, b, path) => {
    if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null) ||
        typeof a !== 'object' || a === null)
      return a === b ? null : `${path}: got ${JSON.stringify(a)}, expected ${JSON.stringify(b)}`;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a)) return `${path}.${k}: missing, expected ${JSON.stringify(b[k])}`;
      if (!(k in b)) return `${path}.${k}: unexpected ${JSON.stringify(a[k])}`;
      const r = diff(a[k], b[k], `${path}.${k}`);
      if (r) return r;
    }
    return null;
  };
  const first = diff(JSON.parse(JSON.stringify(out)), expected, 'model');
  if (first) fail(tracePath, `the engine's model differs from ${modelPath} at\n  ${first}`);
  const nSlices = out.threads.reduce((n, t) => n + t.slices.length, 0);
  console.log(`te-check: ${out.threads.length} threads, ${nSlices} slices, ${out.flows.length} flows, as ${modelPath} says`);
}
