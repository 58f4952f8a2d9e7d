using System.Net.Http.Json;
using System.Text.Json;
using Escala.FakeDependency;
using Microsoft.AspNetCore.Builder;

namespace Escala.Governance.Tests;

/// <summary>The fake dependency server on a free loopback port, and what it saw.</summary>
public sealed class FakeDependency : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeDependency(WebApplication app)
    {
        _app = app;
        BaseUrl = app.Urls.Single().TrimEnd('/');
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string BaseUrl { get; }

    public HttpClient Client { get; }

    public static async Task<FakeDependency> StartAsync()
    {
        var app = FakeDependencyApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        return new FakeDependency(app);
    }

    /// <summary>The URL an <c>http</c> job calls: <c>/{name}?{query}</c>.</summary>
    public string Url(string name, string query = "") => $"{BaseUrl}/{name}" + (query.Length > 0 ? "?" + query : "");

    /// <summary>Sets the name's behaviour (<c>PUT /_config/{name}</c>).</summary>
    public async Task ConfigureAsync(string name, object behaviour)
    {
        using var response = await Client.PutAsJsonAsync($"/_config/{name}", behaviour);
        response.EnsureSuccessStatusCode();
    }

    public async Task<Stats> StatsAsync(string name)
    {
        var json = await Client.GetFromJsonAsync<JsonElement>($"/_stats/{name}");
        return new Stats(
            json.GetProperty("total").GetInt64(),
            json.GetProperty("inFlight").GetInt64(),
            json.GetProperty("maxConcurrency").GetInt64(),
            json.GetProperty("violations").GetInt64(),
            json.GetProperty("startTimesUnixMs").EnumerateArray().Select(e => e.GetInt64()).Order().ToArray())
        {
            ByStatus = json.GetProperty("byStatus").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()),
        };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>What <c>GET /_stats/{name}</c> said.</summary>
    public sealed record Stats(long Total, long InFlight, long MaxConcurrency, long Violations, long[] StartTimesUnixMs)
    {
        /// <summary>Answered requests by HTTP status (<c>"200"</c>, <c>"429"</c>…).</summary>
        public IReadOnlyDictionary<string, long> ByStatus { get; init; } = new Dictionary<string, long>();

        public long Ok => ByStatus.GetValueOrDefault("200");

        /// <summary>Answered with anything but 200.</summary>
        public long Errors => ByStatus.Where(s => s.Key != "200").Sum(s => s.Value);
    }
}
