using System.CommandLine;
using Escala.Configuration;
using Escala.Server.Hosting;
using Escala.Server.LoadTest.Reporting;
using Escala.Server.LoadTest.Scenarios;
using Spectre.Console;

namespace Escala.Server.LoadTest;

/// <summary>
/// <c>escala loadtest SCENARIO [--target URL]</c>: runs a scenario file (or a built-in one by name), shows live
/// progress, prints the report and writes it as JSON and HTML. Exit codes: 0 every SLA holds, 1 an SLA failed,
/// 2 bad scenario or arguments, 3 the target or the node could not be reached.
/// </summary>
internal static class LoadTestCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = $"A scenario file (YAML or JSON), or a built-in scenario: {string.Join(", ", ScenarioLoader.BuiltIn)}." };
        var target = new Option<string?>("--target") { Description = "A running node to drive (loopback only). Defaults to a node started in-process with the scenario's server settings." };
        var store = new Option<string?>("--store") { Description = "Store of the in-process node: PostgreSQL connection string or SQLite directory. Defaults to a fresh temporary SQLite directory." };
        var output = new Option<string>("--out") { Description = "Directory for SCENARIO.report.json and SCENARIO.report.html.", DefaultValueFactory = _ => "loadtest-results" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of tables." };
        var duration = new Option<string?>("--duration") { Description = "Override the scenario's duration (e.g. 20s)." };
        var quiet = new Option<bool>("--quiet") { Description = "No live progress." };
        var command = new Command("loadtest", "Run a load-test scenario against Escala and check its SLAs; exit code 1 when one fails.")
        {
            scenario, target, store, output, json, duration, quiet,
        };
        command.SetAction(async (parse, ct) =>
        {
            Scenario loaded;
            Uri? url = null;
            try
            {
                loaded = ScenarioLoader.LoadFile(parse.GetValue(scenario)!);
                if (parse.GetValue(duration) is { } text)
                {
                    if (!Durations.TryParse(text, out var d) || d <= loaded.Workload.RampUp)
                    {
                        throw new ScenarioException("--duration", [$"'{text}' is not a duration longer than the scenario's ramp-up ({Durations.Format(loaded.Workload.RampUp)})"]);
                    }

                    loaded = loaded with { Workload = loaded.Workload with { Duration = d } };
                }

                if (parse.GetValue(target) is { } t && (!Uri.TryCreate(t, UriKind.Absolute, out url) || !LoopbackGuard.IsLoopback(url)))
                {
                    throw new ScenarioException("--target", [$"'{t}' is not a loopback URL such as http://127.0.0.1:8080"]);
                }
            }
            catch (ScenarioException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            LoadReport report;
            try
            {
                var options = new LoadRunOptions { Target = url, Store = parse.GetValue(store) };
                report = parse.GetValue(quiet)
                    ? await LoadRunner.RunAsync(loaded, options, ct)
                    : await new LiveProgress().RunAsync(progress => LoadRunner.RunAsync(loaded, options with { Progress = progress }, ct));
            }
            catch (ScenarioException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }
            catch (ConfigurationException ex)
            {
                await Console.Error.WriteLineAsync($"{loaded.Name}: the scenario's server settings: {ex.Message}");
                return 2;
            }
            catch (Exception ex) when (ex is HttpRequestException or StoreUnavailableException)
            {
                await Console.Error.WriteLineAsync($"{loaded.Name}: cannot reach the node: {ex.Message}");
                return 3;
            }

            var directory = Directory.CreateDirectory(parse.GetValue(output)!);
            var stem = Path.Combine(directory.FullName, $"{loaded.Name}.report");
            await File.WriteAllTextAsync(stem + ".json", report.ToJson(), ct);
            await File.WriteAllTextAsync(stem + ".html", ReportHtml.Render(report), ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(report.ToJson());
            }
            else
            {
                var console = AnsiConsole.Console;
                if (Console.IsOutputRedirected)
                {
                    console.Profile.Width = 160; // a log file has no width; 80 columns would wrap every table
                }

                ReportTable.Write(console, report);
                Console.WriteLine($"report: {stem}.json, {stem}.html");
            }

            return report.Pass ? 0 : 1;
        });
        return command;
    }
}
