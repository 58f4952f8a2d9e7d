using System.Net.Http.Json;
using System.Text.Json;
using Escala.Execution;
using Escala.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Escala.Dashboard.Tests.Support;

/// <summary>
/// One real node (SQLite in a temp directory, Kestrel on a free loopback port, the test handlers registered) and
/// one headless Debian Chromium driven by Playwright, shared by the dashboard tests. Each test opens its own page.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>The system browser: Playwright never downloads one here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string _data = Path.Combine(Path.GetTempPath(), "escala-dashboard-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private IPlaywright? _playwright;

    internal GateHandler Gate { get; } = new();

    public Uri Address { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (_app, Address) = await StartNodeAsync(_data, new Dictionary<string, string?>
        {
            ["Queues:work:Concurrency"] = "4",
            ["Queues:mail:Concurrency"] = "2",
            ["Queues:flaky:Concurrency"] = "2",
            ["Queues:flaky:Backoff"] = "10m",
            ["Resources:flakyapi:Concurrency"] = "2",
            ["Resources:flakyapi:Breaker:Failures"] = "2",
            ["Resources:flakyapi:Breaker:Window"] = "1m",
            ["Resources:flakyapi:Breaker:OpenFor"] = "10m",
            ["Resources:tokenapi:Tokens"] = "5000/min",
        }, services =>
        {
            services.AddSingleton<IJobHandler>(Gate);
            services.AddSingleton<IJobHandler>(new FailHandler());
        });
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

        // Playwright's driver ships in its package; the browser is Debian's, so nothing is downloaded.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>Starts a node on <paramref name="data"/> (SQLite) and a free loopback port, with fast polling and quiet logs.</summary>
    internal static async Task<(WebApplication App, Uri Address)> StartNodeAsync(string data, Dictionary<string, string?> overrides,
        Action<IServiceCollection>? configureServices = null)
    {
        Directory.CreateDirectory(data);
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["NodeId"] = "dash-test",
            ["Maintenance:PromoteInterval"] = "50ms",
            ["Execution:PollInterval"] = "100ms",
            ["Execution:ShutdownGrace"] = "200ms",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var app = await EscalaHost.BuildAsync(new ServeOptions { Store = data, Urls = "http://127.0.0.1:0", Overrides = settings }, configureServices);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    /// <summary>Submits a job over the API and returns its id.</summary>
    public async Task<long> SubmitAsync(object job)
    {
        using var response = await Http.PostAsJsonAsync("/v1/jobs", job);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (then fails naming <paramref name="what"/>).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a closing connection; the temp folder is cleaned by the OS.
        }
    }
}
