using System.Globalization;
using System.Net;
using System.Text;

namespace Escala.Server.LoadTest.Reporting;

/// <summary>The report as one self-contained HTML page: tables, inline SVG charts (latency over time, throughput), the JSON.</summary>
public static class ReportHtml
{
    public static string Render(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>escala loadtest ").Append(E(report.Scenario)).Append("</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;margin:8px 0 20px}")
            .Append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
            .Append(".pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}svg{max-width:100%;font-family:system-ui,sans-serif}")
            .Append("</style></head><body>");
        html.Append(c, $"<h1>{E(report.Scenario)} <span class=\"{(report.Pass ? "pass\">PASS" : "fail\">FAIL")}</span></h1>");
        if (report.Description is { } description)
        {
            html.Append("<p>").Append(E(description)).Append("</p>");
        }

        html.Append(c, $"<p>{E(report.Model)}, {report.DurationSeconds:0.#} s (ramp-up {report.RampUpSeconds:0.#} s, {report.ElapsedSeconds:0.#} s with the drain), time scale {report.TimeScale:0.####}. ")
            .Append(c, $"Target {E(report.Target)}. Machine: {report.Machine.Cores} cores, {report.Machine.MemoryGb:0.#} GB, {E(report.Machine.Os)}. Started {report.StartedAt:u}.</p>");

        Table(html, "SLA", ["check", "required", "measured", "verdict"],
            report.Sla.Select(s => new[] { E(s.Name), E(s.Required), E(s.Measured), s.Pass ? "<span class=\"pass\">pass</span>" : "<span class=\"fail\">FAIL</span>" }));
        html.Append("<h2>Capacity hints</h2><ul>");
        foreach (var h in report.Hints)
        {
            html.Append(c, $"<li><b>{E(h.Bottleneck)}</b>: {E(h.Evidence)}. <i>Change:</i> {E(h.Change)}.</li>");
        }

        html.Append("</ul>");
        Table(html, "Operations (latency of successes, ms; throughput after the ramp-up)", ["operation", "type", "ok", "errors", "per s", "p50", "p95", "p99", "max", "queue wait p95", "top errors"],
            report.Operations.Select(o => new[]
            {
                E(o.Name), E(o.Type), $"{o.Ok}", $"{o.Errors}", o.Throughput.ToString("0.##", c), N(o.Latency.P50Ms), N(o.Latency.P95Ms), N(o.Latency.P99Ms), N(o.Latency.MaxMs),
                o.QueueWait is { } w ? N(w.P95Ms) : "-", E(string.Join("; ", o.ErrorReasons.Select(p => $"{p.Key} ×{p.Value}"))),
            }));

        var seconds = report.Timeline.Select(t => t.Second).DefaultIfEmpty(0).Max();
        var throughput = report.Operations.Select((o, i) => new SvgChart.Series(o.Name, SvgChart.Palette[i % SvgChart.Palette.Length], Points(report, o.Name, seconds, t => t.Ok))).ToList();
        throughput.Add(new SvgChart.Series("errors (all)", "#000", [.. Enumerable.Range(0, seconds + 1).Select(s => ((double)s, (double?)report.Timeline.Where(t => t.Second == s).Sum(t => t.Errors)))], Dashed: true));
        html.Append("<h2>Throughput</h2>").Append(SvgChart.Render("operations finished per second", "second of the run", "per second", throughput));
        html.Append("<h2>Latency over time</h2>");
        foreach (var o in report.Operations.Where(o => o.Ok > 0))
        {
            var points = report.Timeline.Where(t => t.Operation == o.Name).OrderBy(t => t.Second).ToList();
            html.Append(SvgChart.Render($"{o.Name}: latency of the successes that finished each second", "second of the run", "ms",
            [
                new("p50", SvgChart.Palette[2], [.. points.Select(t => ((double)t.Second, t.P50Ms))]),
                new("p95", SvgChart.Palette[3], [.. points.Select(t => ((double)t.Second, t.P95Ms))]),
                new("p99", SvgChart.Palette[1], [.. points.Select(t => ((double)t.Second, t.P99Ms))]),
            ]));
        }

        Table(html, "Fake dependencies", ["dependency", "resource", "limit", "max in flight", "calls", "ok", "500/499", "429", "mean ms"],
            report.Dependencies.Select(d => new[] { E(d.Name), E(d.Resource ?? "-"), d.Limit == 0 ? "-" : $"{d.Limit}", $"{d.MaxInFlight}", $"{d.Calls}", $"{d.Ok}", $"{d.Errors}", $"{d.Throttled}", N(d.MeanLatencyMs) }));
        Table(html, "Node, sampled once a second", ["resource / queue", "limit", "max running", "share at limit", "max waiting", "mean waiting"],
            report.Resources.Select(r => new[] { E($"resource {r.Name}"), $"{r.Limit}", $"{r.MaxRunning}", r.AtLimitShare.ToString("P0", c), $"{r.MaxWaiting}", r.MeanWaiting.ToString("0.#", c) })
                .Concat(report.Queues.Select(q => new[] { E($"queue {q.Name}{(q.External ? " (external)" : "")}"), $"{q.Concurrency}", $"{q.MaxRunning}", q.AtConcurrencyShare.ToString("P0", c), $"{q.MaxAvailable}", q.MeanAvailable.ToString("0.#", c) })));
        var g = report.Generator;
        html.Append(c, $"<p>CPU: this process {g.ProcessCpuPercent:0}% {(g.HostsNode ? "(node and load generator)" : "(load generator)")}, machine {(g.MachineCpuPercent is { } m ? m.ToString("0", c) + "%" : "n/a")}. ")
            .Append(c, $"Most operations in flight: {g.MaxInFlight}.{(g.SendLagP99Ms is { } lag ? $" Open model: send lag p99 {N(lag)} ms, {g.Dropped} arrivals dropped." : "")}</p>");
        html.Append("<details><summary>Report as JSON</summary><pre>").Append(E(report.ToJson())).Append("</pre></details></body></html>");
        return html.ToString();
    }

    private static List<(double X, double? Y)> Points(LoadReport report, string operation, int seconds, Func<TimelinePoint, long> value)
    {
        var bySecond = report.Timeline.Where(t => t.Operation == operation).ToDictionary(t => t.Second);
        return [.. Enumerable.Range(0, seconds + 1).Select(s => ((double)s, (double?)(bySecond.TryGetValue(s, out var t) ? value(t) : 0)))];
    }

    private static void Table(StringBuilder html, string title, string[] headers, IEnumerable<string[]> rows)
    {
        html.Append("<h2>").Append(E(title)).Append("</h2><table><tr>");
        foreach (var h in headers)
        {
            html.Append("<th>").Append(E(h)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(cell).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static string N(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms < 10 ? "0.##" : "0", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
