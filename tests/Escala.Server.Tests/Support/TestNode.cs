using Escala.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Server.Tests.Support;

/// <summary>
/// A real node in this process: <see cref="EscalaHost.BuildAsync"/> on a fresh SQLite directory, Kestrel
/// on a free loopback port, and an <see cref="HttpClient"/> pointed at it.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    /// <summary>Settings every test node shares: fast maintenance, a short grace, quiet logs, and a few queues.</summary>
    public static IReadOnlyDictionary<string, string?> Defaults { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Maintenance:PromoteInterval"] = "50ms",
        ["Maintenance:RescueInterval"] = "500ms",
        ["Execution:PollInterval"] = "200ms",
        ["Execution:ShutdownGrace"] = "200ms",
        ["Queues:fast:Concurrency"] = "4",
        ["Queues:one:Concurrency"] = "1",
        ["Queues:one:HardTimeoutGrace"] = "300ms",
        ["Queues:ext:External"] = "true",
        ["Resources:llm:Concurrency"] = "2",
    };

    private readonly TempDirectory? _ownedDirectory;

    private TestNode(WebApplication app, Uri address, TempDirectory? ownedDirectory)
    {
        App = app;
        Address = address;
        _ownedDirectory = ownedDirectory;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Api = new EscalaApi(Http);
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public EscalaApi Api { get; }

    /// <summary>Builds and starts a node. <paramref name="overrides"/> win over <see cref="Defaults"/>.</summary>
    public static async Task<TestNode> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? configureServices = null, string? dataDirectory = null)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var settings = new Dictionary<string, string?>(Defaults, StringComparer.OrdinalIgnoreCase)
        {
            ["NodeId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        WebApplication? app = null;
        try
        {
            app = await EscalaHost.BuildAsync(new ServeOptions
            {
                Store = dataDirectory ?? owned!.Path,
                Urls = "http://127.0.0.1:0",
                Overrides = settings,
            }, configureServices);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new TestNode(app, new Uri(address), owned);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            owned?.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
            _ownedDirectory?.Dispose();
        }
    }
}
