using System.Net.Http.Json;
using System.Text.Json;
using Escala.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Escala.Governance.Tests;

/// <summary>One Escala node started in-process on a free loopback port, with an HttpClient pointed at its API.</summary>
public sealed class EscalaNode : IAsyncDisposable
{
    private EscalaNode(WebApplication app)
    {
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    /// <param name="store">A SQLite directory or a PostgreSQL connection string.</param>
    /// <param name="settings">Root-level configuration keys, e.g. <c>Resources:llm:Concurrency</c>.</param>
    public static async Task<EscalaNode> StartAsync(string store, IReadOnlyDictionary<string, string?> settings)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Execution:PollInterval"] = "250ms",
            ["Security:Egress:Allow:0"] = "127.0.0.1", // the fake dependency is on loopback
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        var app = await EscalaHost.BuildAsync(new ServeOptions { Store = store, Urls = "http://127.0.0.1:0", Overrides = overrides });
        await app.StartAsync();
        return new EscalaNode(app);
    }

    /// <summary>Submits jobs over <c>POST /v1/jobs/batch</c> and returns their ids in order.</summary>
    public async Task<long[]> SubmitAsync(IEnumerable<object> jobs)
    {
        var ids = new List<long>();
        foreach (var chunk in jobs.Chunk(100))
        {
            using var response = await Http.PostAsJsonAsync("/v1/jobs/batch", new { jobs = chunk });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, body.ToString());
            ids.AddRange(body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("job").GetProperty("id").GetInt64()));
        }

        return [.. ids];
    }

    /// <summary>An <c>http</c> job calling <paramref name="url"/> and needing <paramref name="resources"/>.</summary>
    public static object HttpJob(string url, params string[] resources) => new { kind = "http", args = new { url }, resources };

    public async Task<JsonElement> GetJobAsync(long id) => await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");

    /// <summary>Job counts of <paramref name="queue"/> by state (<c>GET /v1/queues</c>).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountsAsync(string queue = "default")
    {
        var json = await Http.GetFromJsonAsync<JsonElement>("/v1/queues");
        var q = json.GetProperty("queues").EnumerateArray().Single(e => e.GetProperty("name").GetString() == queue);
        return q.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }

    /// <summary>Jobs of <paramref name="kind"/> in <paramref name="state"/> (up to 500).</summary>
    public async Task<int> CountKindAsync(string kind, string state)
    {
        var json = await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs?kind={kind}&state={state}&limit=500");
        return json.GetProperty("jobs").GetArrayLength();
    }

    /// <summary>One resource of <c>GET /v1/resources</c>.</summary>
    public async Task<JsonElement> ResourceAsync(string name)
    {
        var json = await Http.GetFromJsonAsync<JsonElement>("/v1/resources");
        return json.GetProperty("resources").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
    }

    /// <summary>Waits until <paramref name="count"/> jobs of the queue are completed (none dead).</summary>
    public Task WaitCompletedAsync(int count, TimeSpan timeout, string queue = "default") =>
        Eventually.UntilAsync(async () =>
        {
            var counts = await CountsAsync(queue);
            var why = counts["dead"] == 0 ? "" : await DeadErrorsAsync(queue);
            Assert.True(counts["dead"] == 0, $"{counts["dead"]} jobs dead; {why}");

            return counts["completed"] >= count;
        }, timeout, $"{count} jobs completed");

    /// <summary>The last errors of up to five dead jobs of the queue, to say why they died.</summary>
    private async Task<string> DeadErrorsAsync(string queue)
    {
        var json = await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs?queue={queue}&state=dead&limit=5");
        var ids = json.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetInt64()).ToList();
        var errors = new List<string>();
        foreach (var id in ids)
        {
            var job = await Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}");
            errors.Add(string.Join(" | ", job.GetProperty("errors").EnumerateArray().Select(e => e.ToString())));
        }

        return string.Join("; ", errors);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}
