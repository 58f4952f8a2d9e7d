using System.Net.Http.Json;
using System.Text.Json;
using Escala.FakeDependency;
using Microsoft.AspNetCore.Builder;

namespace Escala.Server.Tests.Llm;

/// <summary>The fake OpenAI-compatible model of <c>Escala.FakeDependency</c>, on a free loopback port.</summary>
internal sealed class FakeModel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private FakeModel(WebApplication app)
    {
        _app = app;
        _client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    /// <summary>The base URL, as <c>models:NAME:endpoints</c> takes it.</summary>
    public string Endpoint => _client.BaseAddress + "v1";

    public static async Task<FakeModel> StartAsync(object behaviour)
    {
        var app = FakeDependencyApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        var model = new FakeModel(app);
        await model.ConfigureAsync(behaviour);
        return model;
    }

    public async Task ConfigureAsync(object behaviour) =>
        (await _client.PutAsJsonAsync("/_openai/config", behaviour)).EnsureSuccessStatusCode();

    public async Task<JsonElement> StatsAsync(string window = "1m") => await _client.GetFromJsonAsync<JsonElement>($"/_openai/stats?window={window}");

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
