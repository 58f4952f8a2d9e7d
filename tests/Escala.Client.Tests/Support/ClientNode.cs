using Escala.Client;
using Escala.Client.Workers;
using Escala.Execution;
using Escala.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Escala.Client.Tests.Support;

/// <summary>A real node on a free loopback port (SQLite in a temp directory) with an external queue <c>ext</c>,
/// a client from <c>AddEscalaClient</c>, and worker hosts from <c>AddEscalaWorker</c> started on demand.</summary>
internal sealed class ClientNode : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "escala-client-" + Guid.NewGuid().ToString("N"));
    private readonly List<IHost> _workers = [];
    private WebApplication _app = null!;
    private ServiceProvider _services = null!;

    public Uri Address { get; private set; } = null!;

    public EscalaClient Client { get; private set; } = null!;

    public static async Task<ClientNode> StartAsync()
    {
        var node = new ClientNode();
        node._app = await EscalaHost.BuildAsync(new ServeOptions
        {
            Store = node._directory,
            Urls = "http://127.0.0.1:0",
            Overrides = new Dictionary<string, string?>
            {
                ["NodeId"] = "client-" + Guid.NewGuid().ToString("N")[..8],
                ["Logging:LogLevel:Default"] = "Warning",
                ["Queues:ext:External"] = "true",
                ["Queues:ext:Backoff"] = "100ms",
                ["Execution:LeaseDuration"] = "10s",
                ["Maintenance:PromoteInterval"] = "50ms",
                ["Maintenance:RescueInterval"] = "500ms",
            },
        });
        await node._app.StartAsync();
        node.Address = new Uri(node._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var services = new ServiceCollection();
        services.AddEscalaClient(o => o.BaseAddress = node.Address);
        node._services = services.BuildServiceProvider();
        node.Client = node._services.GetRequiredService<EscalaClient>();
        return node;
    }

    /// <summary>Starts an external worker host (its own service provider, as another process would have) running <paramref name="handlers"/>.</summary>
    public async Task<IHost> StartWorkerAsync(params IJobHandler[] handlers)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddEscalaClient(o => o.BaseAddress = Address);
        builder.Services.AddEscalaWorker(o =>
        {
            o.Queues.Add("ext");
            o.Concurrency = 2;
            o.LeaseWait = TimeSpan.FromSeconds(1);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
            o.ShutdownGrace = TimeSpan.FromMilliseconds(300);
        });
        foreach (var handler in handlers)
        {
            builder.Services.AddSingleton(handler);
        }

        var host = builder.Build();
        await host.StartAsync();
        _workers.Add(host);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.StopAsync();
            worker.Dispose();
        }

        await _services.DisposeAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
