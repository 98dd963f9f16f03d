using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Where a service's allocations come from. Reads a trace taken with `dotnet-trace collect --profile gc-verbose` (the runtime
// samples one allocation about every 100 KB, with its type and stack) and attributes each sample's bytes to:
//   - its type;
//   - the innermost frame of our own code on its stack (the call of ours that made the library allocate): async stacks are
//     cut at every resumption, so an inclusive "who called it" would charge a method with everything that ran after its await;
//   - with --focus TEXT, the library calls (the three nearest, without the async machinery) under the frames of ours that contain TEXT.
// Usage: dotnet bench/Allocations/bin/Release/net10.0/Allocations.Bench.dll TRACE.nettrace [--focus TEXT] [--top N]

if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: Allocations.Bench TRACE.nettrace [--focus TEXT] [--top N]");
    return 2;
}

var focus = Option("--focus");
var top = int.Parse(Option("--top") ?? "30", System.Globalization.CultureInfo.InvariantCulture);
string[] ours = ["Bookings.Api.", "Events.Api.", "Users.Api.", "Notifications.Api.", "EventBooking."];

using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var byOwnFrame = new Dictionary<string, long>();
var focused = new Dictionary<string, long>();
long total = 0;
double first = double.MaxValue, last = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick)
    {
        continue;
    }

    var bytes = tick.AllocationAmount64;
    total += bytes;
    (first, last) = (Math.Min(first, e.TimeStampRelativeMSec), Math.Max(last, e.TimeStampRelativeMSec));
    Add(byType, tick.TypeName, bytes);

    var frames = new List<string>();
    for (var frame = e.CallStack(); frame is not null; frame = frame.Caller)
    {
        frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : "?" + frame.CodeAddress.ModuleName);
    }

    var own = frames.FindIndex(f => ours.Any(o => f.StartsWith(o, StringComparison.Ordinal)));
    Add(byOwnFrame, own < 0 ? "(no frame of ours) " + frames.FirstOrDefault(f => !f.StartsWith("System.", StringComparison.Ordinal)) : frames[own], bytes);
    if (focus is not null && own >= 0 && frames[own].Contains(focus, StringComparison.Ordinal))
    {
        Add(focused, tick.TypeName + " <= " + string.Join(" <= ", frames.Take(own).Where(f => !IsPlumbing(f)).TakeLast(3).Select(Short)), bytes);
    }
}

Console.WriteLine($"{args[0]}: {total / 1e6:F1} MB sampled over {(last - first) / 1000:F1} s");
Print("by type", byType);
Print("by the innermost frame of ours", byOwnFrame);
if (focus is not null)
{
    Print($"under frames of ours containing \"{focus}\" (type <= the 3 frames below ours)", focused);
}

return 0;

void Print(string title, Dictionary<string, long> table)
{
    Console.WriteLine();
    Console.WriteLine($"## {title}");
    foreach (var (key, value) in table.OrderByDescending(p => p.Value).Take(top))
    {
        Console.WriteLine($"{value / 1e6,8:F1} MB {100.0 * value / total,5:F1}%  {Short(key)}");
    }
}

// The async machinery between a caller and what it awaits says nothing about who allocated.
static bool IsPlumbing(string frame) =>
    frame.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) || frame.StartsWith("System.Threading.", StringComparison.Ordinal);

static void Add(Dictionary<string, long> table, string key, long bytes) => table[key] = table.GetValueOrDefault(key) + bytes;

static string Short(string frame) => frame.Length > 220 ? frame[..220] + "…" : frame;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
