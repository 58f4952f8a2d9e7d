using Spectre.Console;

namespace Escala.Server.LoadTest.Reporting;

/// <summary>The report as terminal tables: operations, dependencies, resources and queues, SLA verdicts, hints.</summary>
public static class ReportTable
{
    public static void Write(IAnsiConsole console, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        console.MarkupLine($"[bold]escala loadtest {Markup.Escape(report.Scenario)}[/]: {Markup.Escape(report.Model)}, {report.DurationSeconds:0.#} s (ramp-up {report.RampUpSeconds:0.#} s), time scale {report.TimeScale:0.####}");
        console.MarkupLine(Markup.Escape($"target {report.Target}; machine {report.Machine.Cores} cores, {report.Machine.MemoryGb:0.#} GB; {report.Total} operations, {report.Errors} errors"));

        var ops = new Table().Title("operations (latency of successes; throughput after the ramp-up)")
            .AddColumns("operation", "type", "ok", "errors", "rate/s", "p50", "p95", "p99", "max", "queue wait p95");
        foreach (var o in report.Operations)
        {
            ops.AddRow(Cell(o.Name), Cell(o.Type), Cell($"{o.Ok}"), Cell(o.Errors == 0 ? "0" : $"{o.Errors} ({SlaEvaluator.Percent(o.ErrorRate)})"),
                Cell($"{o.Throughput:0.##}"), Cell(Ms(o.Latency.P50Ms)), Cell(Ms(o.Latency.P95Ms)), Cell(Ms(o.Latency.P99Ms)), Cell(Ms(o.Latency.MaxMs)),
                Cell(o.QueueWait is { } w ? Ms(w.P95Ms) : "-"));
        }

        console.Write(ops);
        if (report.Dependencies.Count > 0)
        {
            var deps = new Table().Title("fake dependencies").AddColumns("dependency", "resource", "limit", "max in flight", "calls", "ok", "500/499", "429", "mean");
            foreach (var d in report.Dependencies)
            {
                deps.AddRow(Cell(d.Name), Cell(d.Resource ?? "-"), Cell(d.Limit == 0 ? "-" : $"{d.Limit}"), Cell($"{d.MaxInFlight}"), Cell($"{d.Calls}"),
                    Cell($"{d.Ok}"), Cell($"{d.Errors}"), Cell($"{d.Throttled}"), Cell(Ms(d.MeanLatencyMs)));
            }

            console.Write(deps);
        }

        var node = new Table().Title("node, sampled once a second").AddColumns("resource / queue", "limit", "max running", "at limit", "max waiting", "mean waiting");
        foreach (var r in report.Resources)
        {
            node.AddRow(Cell($"resource {r.Name}"), Cell($"{r.Limit}"), Cell($"{r.MaxRunning}"), Cell($"{r.AtLimitShare:P0}"), Cell($"{r.MaxWaiting}"), Cell($"{r.MeanWaiting:0.#}"));
        }

        foreach (var q in report.Queues)
        {
            node.AddRow(Cell($"queue {q.Name}{(q.External ? " (external)" : "")}"), Cell($"{q.Concurrency}"), Cell($"{q.MaxRunning}"), Cell($"{q.AtConcurrencyShare:P0}"), Cell($"{q.MaxAvailable}"), Cell($"{q.MeanAvailable:0.#}"));
        }

        console.Write(node);
        var g = report.Generator;
        console.MarkupLine(Markup.Escape($"CPU: this process {g.ProcessCpuPercent:0}%{(g.HostsNode ? " (node and load generator)" : " (load generator)")}, machine {(g.MachineCpuPercent is { } m ? $"{m:0}%" : "n/a")}; "
            + $"most in flight {g.MaxInFlight}" + (g.SendLagP99Ms is { } lag ? $"; send lag p99 {Ms(lag)}, dropped {g.Dropped}" : "")));

        var sla = new Table().Title("SLA").AddColumns("check", "required", "measured", "verdict");
        foreach (var s in report.Sla)
        {
            sla.AddRow(Cell(s.Name), Cell(s.Required), Cell(s.Measured), new Markup(s.Pass ? "[green]pass[/]" : "[red]FAIL[/]"));
        }

        console.Write(sla);
        console.MarkupLine("[bold]capacity hints[/]");
        foreach (var h in report.Hints)
        {
            console.MarkupLine($"- [bold]{Markup.Escape(h.Bottleneck)}[/]: {Markup.Escape(h.Evidence)}. [italic]Change:[/] {Markup.Escape(h.Change)}.");
        }

        console.MarkupLine(report.Pass ? "[green bold]PASS[/]: every SLA holds" : $"[red bold]FAIL[/]: {report.Sla.Count(s => !s.Pass)} of {report.Sla.Count} SLA checks failed");
    }

    private static Text Cell(string text) => new(text);

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : SlaEvaluator.Ms(ms);
}
