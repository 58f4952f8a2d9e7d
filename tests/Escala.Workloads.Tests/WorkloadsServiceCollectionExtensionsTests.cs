using Escala.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Workloads.Tests;

public sealed class WorkloadsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddEscalaWorkloads_Resolved_RegistersHttpLlmChatSleepNoopAndPiiScanOnce()
    {
        using var services = new ServiceCollection().AddEscalaWorkloads().BuildServiceProvider();

        var registry = new HandlerRegistry(services.GetServices<IJobHandler>());

        Assert.Equal(["http", "llm.chat", "noop", "pii.scan", "sleep"], registry.Kinds.Order(StringComparer.Ordinal));
        Assert.Same(services.GetServices<IJobHandler>().First(), services.GetServices<IJobHandler>().First());
    }
}
