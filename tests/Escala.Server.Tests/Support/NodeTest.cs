using Microsoft.Extensions.DependencyInjection;
using Escala.Server.Tests.Support.Handlers;

namespace Escala.Server.Tests.Support;

/// <summary>Base of tests that each get their own in-process node, on their own SQLite directory, with the test handlers.</summary>
public abstract class NodeTest : IAsyncLifetime
{
    private TestNode? _node;

    internal TestHandlers Handlers { get; } = new();

    internal TestNode Node => _node ?? throw new InvalidOperationException("The node is not started.");

    internal EscalaApi Api => Node.Api;

    /// <summary>Extra configuration for this class's nodes.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>();

    /// <summary>Services this class's nodes get after the product's own (a later registration wins).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync() => _node = await TestNode.StartAsync(Overrides, services =>
    {
        Handlers.Register(services);
        ConfigureServices(services);
    });

    public async Task DisposeAsync()
    {
        Handlers.Dispose();
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
