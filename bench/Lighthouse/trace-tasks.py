#!/usr/bin/env python3
"""What the long tasks of a page load are made of, from trace-probe.mjs's traces.

    python3 trace-tasks.py TRACE.json [TRACE.json ...] [--min-ms 50]

For each trace: the page's main thread (the renderer that parsed the page from 127.0.0.1), every task of at least --min-ms
(its start, its length, the kinds of work inside it and the functions the sampling profiler saw most), and the sum of the
tasks' time over 50 ms from the moment Blazor's script starts to be evaluated: the part of Lighthouse's total blocking time
that the circuit's start makes (here measured under a real 4x slowdown, where Lighthouse simulates one).
"""
import argparse
import collections
import json

KINDS = ('FunctionCall', 'EvaluateScript', 'UpdateLayoutTree', 'Layout', 'ParseHTML', 'ParseAuthorStyleSheet', 'MinorGC',
         'MajorGC', 'Paint', 'PrePaint', 'TimerFire', 'EventDispatch', 'HitTest')


def main_thread(events):
    parsed = [(e['pid'], e['tid']) for e in events
              if e.get('name') == 'ParseHTML' and '127.0.0.1' in json.dumps(e.get('args', {}))]
    return collections.Counter(parsed).most_common(1)[0][0]


def samples_of(events, pid):
    """(timestamp, node id) of every CPU profile sample of the process, and the profile's nodes by id."""
    nodes, samples = {}, []
    start = next((e['args']['data']['startTime'] for e in events if e.get('name') == 'Profile' and e.get('pid') == pid), None)
    t = start
    for e in events:
        if e.get('name') != 'ProfileChunk' or e.get('pid') != pid or start is None:
            continue
        data = e['args']['data']
        for node in data.get('cpuProfile', {}).get('nodes', []):
            nodes[node['id']] = node
        for sample, delta in zip(data.get('cpuProfile', {}).get('samples', []), data.get('timeDeltas', [])):
            t += delta
            samples.append((t, sample))
    return samples, nodes


def function_name(node):
    frame = node['callFrame']
    return f"{frame.get('functionName') or '(anonymous)'} {frame.get('url', '').split('/')[-1]}"


def report(path, min_ms):
    with open(path) as f:
        trace = json.load(f)
    events = trace['traceEvents'] if isinstance(trace, dict) else trace
    main = main_thread(events)
    slices = [e for e in events if (e.get('pid'), e.get('tid')) == main and e.get('ph') == 'X' and 'dur' in e]
    tasks = sorted((e for e in slices if e['name'] in ('RunTask', 'ThreadControllerImpl::RunTask')), key=lambda e: e['ts'])
    origin = tasks[0]['ts']
    samples, nodes = samples_of(events, main[0])
    print(f"== {path}")
    for task in (t for t in tasks if t['dur'] >= min_ms * 1000):
        begin, end = task['ts'], task['ts'] + task['dur']
        kinds = collections.Counter()
        for e in slices:
            if e is not task and begin <= e['ts'] < end and e['name'] in KINDS:
                kinds[e['name']] += e['dur']
        functions = collections.Counter(function_name(nodes[s]) for t, s in samples if begin <= t < end and s in nodes)
        print(f"{(begin - origin) / 1000:7.0f} ms  {task['dur'] / 1000:5.0f} ms  "
              + ', '.join(f"{k} {v / 1000:.0f}" for k, v in kinds.most_common(5)))
        if functions:
            print('                    ' + '; '.join(f"{name} {n}" for name, n in functions.most_common(6)))
    blazor = [e['ts'] for e in slices if e['name'] == 'EvaluateScript' and 'blazor.web' in json.dumps(e.get('args', {}))]
    if blazor:
        after = [t for t in tasks if t['ts'] + t['dur'] > blazor[0]]
        print(f"blocking time from Blazor's script on: {sum(max(0.0, t['dur'] / 1000 - 50) for t in after):.0f} ms "
              f"(tasks over 50 ms: {', '.join(str(round(t['dur'] / 1000)) for t in after if t['dur'] > 50_000)})")


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('traces', nargs='+')
    parser.add_argument('--min-ms', type=float, default=50)
    arguments = parser.parse_args()
    for trace_path in arguments.traces:
        report(trace_path, arguments.min_ms)
