using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Escala.Server.Cli;

/// <summary>
/// <c>escala schedules list|add|rm|pause|resume</c>: thin HTTP clients of a running node's <c>/v1/schedules</c>
/// (<c>--url</c>, <c>--api-key</c> or <c>ESCALA_URL</c>, <c>ESCALA_API_KEY</c>, as <c>submit</c>).
/// </summary>
internal static class SchedulesCommands
{
    public static Command Create()
    {
        var schedules = new Command("schedules", "List, add, remove, pause and resume recurring schedules of a running node.");
        schedules.Subcommands.Add(List());
        schedules.Subcommands.Add(Add());
        schedules.Subcommands.Add(Action("rm", "Remove a schedule (the jobs it enqueued stay).", HttpMethod.Delete, ""));
        schedules.Subcommands.Add(Action("pause", "Pause a schedule: no ticks until resume.", HttpMethod.Post, "/pause"));
        schedules.Subcommands.Add(Action("resume", "Resume a schedule from its next future tick.", HttpMethod.Post, "/resume"));
        return schedules;
    }

    private static Command List()
    {
        var next = new Option<int>("--next") { Description = "How many next runs to show per schedule (0–100).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON instead of a table." };
        var (url, apiKey) = (ClientCommands.UrlOption(), ClientCommands.KeyOption());
        var command = new Command("list", "List the schedules with their next runs.") { next, json, url, apiKey };
        command.SetAction((parse, ct) => Unreachable.GuardAsync(parse.GetValue(url)!, async () =>
        {
            using var http = ClientCommands.Client(parse.GetValue(url)!, parse.GetValue(apiKey));
            using var response = await http.GetAsync($"/v1/schedules?next={parse.GetValue(next)}", ct);
            if (!response.IsSuccessStatusCode || parse.GetValue(json))
            {
                return await ClientCommands.PrintAsync(response, ct);
            }

            var table = new Table().AddColumns("name", "when", "job", "source", "paused", "next runs (UTC)", "last job");
            foreach (var s in JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["schedules"]!.AsArray())
            {
                var when = s!["cron"] is { } cron ? $"cron {cron} {s["timeZone"]}" : $"every {s["every"]}";
                var runs = string.Join("\n", s["nextRuns"]!.AsArray().Select(r => r!.GetValue<DateTimeOffset>().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)));
                table.AddRow(Markup.Escape(s["name"]!.ToString()), Markup.Escape(when), Markup.Escape($"{s["job"]?["kind"]} on {s["job"]?["queue"] ?? "default"}"),
                    s["source"]!.ToString(), s["paused"]!.ToString(), runs, s["lastJobId"]?.ToString() ?? "");
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "The schedule's name (letters, digits, '_', '.', '-')." };
        var kind = new Argument<string>("kind") { Description = "The kind of job each tick enqueues." };
        var cron = new Option<string?>("--cron") { Description = "Cron: 5 fields, or 6 with seconds first, e.g. '0 */5 * * * *'." };
        var every = new Option<string?>("--every") { Description = "A fixed interval instead of cron, e.g. 30s." };
        var zone = new Option<string?>("--tz") { Description = "IANA time zone of the cron expression, e.g. America/Sao_Paulo. Defaults to UTC." };
        var misfire = new Option<string?>("--misfire") { Description = "skip (default) or runOnce: what to do with ticks missed while the cluster was down." };
        var args = new Option<string?>("--args") { Description = "The job's arguments as JSON, e.g. '{\"days\": 30}'." };
        var queue = new Option<string?>("--queue") { Description = "The job's queue. Defaults to default." };
        var (url, apiKey) = (ClientCommands.UrlOption(), ClientCommands.KeyOption());
        var command = new Command("add", "Create a schedule and print it with its next runs.") { name, kind, cron, every, zone, misfire, args, queue, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var job = new JsonObject { ["kind"] = parse.GetValue(kind), ["queue"] = parse.GetValue(queue) };
            if (parse.GetValue(args) is { } text)
            {
                try
                {
                    job["args"] = JsonNode.Parse(text);
                }
                catch (JsonException ex)
                {
                    await Console.Error.WriteLineAsync($"--args is not valid JSON: {ex.Message}");
                    return 2;
                }
            }

            var body = new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["cron"] = parse.GetValue(cron),
                ["every"] = parse.GetValue(every),
                ["timeZone"] = parse.GetValue(zone),
                ["misfire"] = parse.GetValue(misfire),
                ["job"] = job,
            };
            foreach (var unset in body.Where(p => p.Value is null).Select(p => p.Key).ToList())
            {
                body.Remove(unset);
            }

            if (job["queue"] is null)
            {
                job.Remove("queue");
            }

            return await Unreachable.GuardAsync(parse.GetValue(url)!, async () =>
            {
                using var http = ClientCommands.Client(parse.GetValue(url)!, parse.GetValue(apiKey));
                using var response = await http.PostAsync("/v1/schedules", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);
                return await ClientCommands.PrintAsync(response, ct);
            });
        });
        return command;
    }

    private static Command Action(string verb, string description, HttpMethod method, string suffix)
    {
        var name = new Argument<string>("name") { Description = "The schedule's name." };
        var (url, apiKey) = (ClientCommands.UrlOption(), ClientCommands.KeyOption());
        var command = new Command(verb, description) { name, url, apiKey };
        command.SetAction((parse, ct) => Unreachable.GuardAsync(parse.GetValue(url)!, async () =>
        {
            using var http = ClientCommands.Client(parse.GetValue(url)!, parse.GetValue(apiKey));
            using var request = new HttpRequestMessage(method, $"/v1/schedules/{Uri.EscapeDataString(parse.GetValue(name)!)}{suffix}");
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode && method == HttpMethod.Delete)
            {
                Console.WriteLine($"removed {parse.GetValue(name)}");
                return 0;
            }

            return await ClientCommands.PrintAsync(response, ct);
        }));
        return command;
    }
}
