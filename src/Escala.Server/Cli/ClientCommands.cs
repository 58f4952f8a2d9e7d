using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Escala.Server.Cli;

/// <summary><c>escala submit</c> and <c>escala status</c>: thin HTTP clients of a running node.</summary>
internal static class ClientCommands
{
    internal static Option<string> UrlOption() => new("--url")
    {
        Description = "The node's base URL.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ESCALA_URL") ?? "http://127.0.0.1:8080",
    };

    internal static Option<string?> KeyOption() => new("--api-key") { Description = "API key (or ESCALA_API_KEY)." };

    public static Command Submit()
    {
        var kind = new Argument<string>("kind") { Description = "The job kind, such as http, sleep or noop." };
        var args = new Option<string?>("--args") { Description = "Arguments as JSON, e.g. '{\"ms\": 100}'." };
        var queue = new Option<string?>("--queue") { Description = "Queue name. Defaults to default." };
        var wait = new Option<string?>("--wait") { Description = "Wait up to this long for the result, e.g. 10s." };
        var key = new Option<string?>("--idempotency-key") { Description = "Submitting twice with one key creates one job." };
        var url = UrlOption();
        var apiKey = KeyOption();
        var command = new Command("submit", "Submit a job to a running node and print it.") { kind, args, queue, wait, key, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var body = new JsonObject { ["kind"] = parse.GetValue(kind) };
            if (parse.GetValue(args) is { } json)
            {
                try
                {
                    body["args"] = JsonNode.Parse(json);
                }
                catch (JsonException ex)
                {
                    await Console.Error.WriteLineAsync($"--args is not valid JSON: {ex.Message}");
                    return 2;
                }
            }

            if (parse.GetValue(queue) is { } q)
            {
                body["queue"] = q;
            }

            if (parse.GetValue(key) is { } k)
            {
                body["idempotencyKey"] = k;
            }

            var path = parse.GetValue(wait) is { } w ? $"/v1/jobs?wait={Uri.EscapeDataString(w)}" : "/v1/jobs";
            return await Unreachable.GuardAsync(parse.GetValue(url)!, async () =>
            {
                using var http = Client(parse.GetValue(url)!, parse.GetValue(apiKey));
                using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);
                return await PrintAsync(response, ct);
            });
        });
        return command;
    }

    public static Command Status()
    {
        var url = UrlOption();
        var apiKey = KeyOption();
        var command = new Command("status", "Show a running node's readiness and its queues.") { url, apiKey };
        command.SetAction(async (parse, ct) => await Unreachable.GuardAsync(parse.GetValue(url)!, async () =>
        {
            using var http = Client(parse.GetValue(url)!, parse.GetValue(apiKey));
            using var ready = await http.GetAsync("/health/ready", ct);
            Console.WriteLine($"ready: {(ready.IsSuccessStatusCode ? "yes" : "no")} ({(int)ready.StatusCode})");
            using var queues = await http.GetAsync("/v1/queues", ct);
            if (!queues.IsSuccessStatusCode)
            {
                return await PrintAsync(queues, ct);
            }

            var root = JsonNode.Parse(await queues.Content.ReadAsStringAsync(ct))!;
            Console.WriteLine($"{"queue",-20} {"paused",-6} {"scheduled",9} {"available",9} {"running",9} {"retryable",9} {"completed",9} {"cancelled",9} {"dead",9}");
            foreach (var q in root["queues"]!.AsArray())
            {
                var c = q!["counts"]!;
                Console.WriteLine($"{q["name"],-20} {q["paused"],-6} {c["scheduled"],9} {c["available"],9} {c["running"],9} {c["retryable"],9} {c["completed"],9} {c["cancelled"],9} {c["dead"],9}");
            }

            return ready.IsSuccessStatusCode ? 0 : 1;
        }));
        return command;
    }

    internal static HttpClient Client(string url, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        apiKey ??= Environment.GetEnvironmentVariable("ESCALA_API_KEY");
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    internal static async Task<int> PrintAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            text = JsonNode.Parse(text)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        }
        catch (JsonException)
        {
        }

        var writer = response.IsSuccessStatusCode ? Console.Out : Console.Error;
        await writer.WriteLineAsync(text);
        return response.IsSuccessStatusCode ? 0 : 1;
    }
}
