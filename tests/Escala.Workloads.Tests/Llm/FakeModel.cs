using System.Net.Http.Json;
using System.Text.Json;
using Escala.FakeDependency;
using Microsoft.AspNetCore.Builder;

namespace Escala.Workloads.Tests.Llm;

/// <summary>The fake OpenAI-compatible model of <c>Escala.FakeDependency</c>, on a free loopback port.</summary>
internal sealed class FakeModel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private FakeModel(WebApplication app)
    {
        _app = app;
        Url = app.Urls.Single();
        _client = new HttpClient { BaseAddress = new Uri(Url) };
    }

    /// <summary>The base URL, as <c>models:NAME:endpoints</c> takes it (<c>http://127.0.0.1:PORT/v1</c>).</summary>
    public string Endpoint => Url + "/v1";

    public string Url { get; }

    public static async Task<FakeModel> StartAsync(object? behaviour = null)
    {
        var app = FakeDependencyApp.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var model = new FakeModel(app);
        if (behaviour is not null)
        {
            await model.ConfigureAsync(behaviour);
        }

        return model;
    }

    public async Task ConfigureAsync(object behaviour) =>
        (await _client.PutAsJsonAsync("/_openai/config", behaviour)).EnsureSuccessStatusCode();

    public async Task<JsonElement> StatsAsync() => await _client.GetFromJsonAsync<JsonElement>("/_openai/stats");

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
