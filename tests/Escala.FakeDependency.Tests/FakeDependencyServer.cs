using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Escala.FakeDependency.Tests;

/// <summary>The fake dependency started in-process on a free loopback port, with an HttpClient pointed at it.</summary>
public sealed class FakeDependencyServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeDependencyServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<FakeDependencyServer> StartAsync()
    {
        var app = FakeDependencyApp.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var address = app.Urls.Single();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new FakeDependencyServer(app, client);
    }

    public async Task<JsonElement> StatsAsync(string name) =>
        await Client.GetFromJsonAsync<JsonElement>($"/_stats/{name}");

    /// <summary>Waits until <paramref name="name"/> has <paramref name="count"/> requests in flight (bounded: 10 s).</summary>
    public async Task WaitForInFlightAsync(string name, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var stats = await StatsAsync(name);
            if (stats.GetProperty("inFlight").GetInt64() >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{name} never had {count} requests in flight");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
