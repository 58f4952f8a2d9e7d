using Escala.Server.LoadTest.Reporting;
using Spectre.Console;

namespace Escala.Server.LoadTest;

/// <summary>
/// Live progress on standard error (standard output stays for the report): a table redrawn every second on a
/// terminal, or one line every 5 s when standard error is redirected (CI logs).
/// </summary>
public sealed class LiveProgress
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    private readonly Dictionary<string, (long Done, double At)> _previous = new(StringComparer.Ordinal);
    private double _lastLine;

    public bool Interactive => !Console.IsErrorRedirected && _console.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="run"/> with a progress callback that draws on standard error.</summary>
    public async Task<T> RunAsync<T>(Func<Action<LiveFigures>, Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!Interactive)
        {
            return await run(WriteLine);
        }

        T result = default!;
        await _console.Live(new Text("starting…")).AutoClear(false).StartAsync(async context =>
        {
            result = await run(figures =>
            {
                context.UpdateTarget(Table(figures));
                context.Refresh();
            });
        });
        return result;
    }

    private Table Table(LiveFigures figures)
    {
        var table = new Table().Title($"{figures.ElapsedSeconds:0}/{figures.DurationSeconds:0} s, {figures.InFlight} in flight"
            + (figures.Server?.MachineCpuPercent is { } cpu ? $", machine CPU {cpu:0}%" : ""))
            .AddColumns("operation", "ok", "errors", "per s now", "p50", "p95", "p99");
        foreach (var op in figures.Operations)
        {
            table.AddRow(new Text(op.Name), new Text($"{op.Ok}"), new Text($"{op.Errors}"), new Text($"{Rate(op.Name, op.Ok + op.Errors, figures.ElapsedSeconds):0.#}"),
                new Text(Ms(op.Latency.P50Ms)), new Text(Ms(op.Latency.P95Ms)), new Text(Ms(op.Latency.P99Ms)));
        }

        foreach (var (name, r) in figures.Server?.Resources ?? new Dictionary<string, Measuring.ResourceSample>())
        {
            table.AddRow(new Text($"resource {name}"), new Text($"{r.Running}/{r.Limit} running"), new Text($"{r.Waiting} waiting"), Text.Empty, Text.Empty, Text.Empty, Text.Empty);
        }

        return table;
    }

    private void WriteLine(LiveFigures figures)
    {
        if (figures.ElapsedSeconds - _lastLine < 5)
        {
            return;
        }

        _lastLine = figures.ElapsedSeconds;
        var ops = string.Join("; ", figures.Operations.Select(o => $"{o.Name} {o.Ok} ok {o.Errors} err p95 {Ms(o.Latency.P95Ms)}"));
        Console.Error.WriteLine($"[{figures.ElapsedSeconds:0}/{figures.DurationSeconds:0} s] {figures.InFlight} in flight; {ops}");
    }

    /// <summary>Operations finished per second since the previous redraw.</summary>
    private double Rate(string name, long done, double at)
    {
        var (before, then) = _previous.GetValueOrDefault(name);
        _previous[name] = (done, at);
        return at > then ? (done - before) / (at - then) : 0;
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : SlaEvaluator.Ms(ms);
}
