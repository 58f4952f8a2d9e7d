using Escala.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Workloads.Tests;

public sealed class WorkloadsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddEscalaWorkloads_Resolved_RegistersHttpLlmChatSleepAndNoopOnce()
    {
        using var services = new ServiceCollection().AddEscalaWorkloads().BuildServiceProvider();

        var registry = new HandlerRegistry(services.GetServices<IJobHandler>());

        Assert.Equal(["http", "llm.chat", "noop", "sleep"], registry.Kinds.Order());
        Assert.Same(services.GetServices<IJobHandler>().First(), services.GetServices<IJobHandler>().First());
    }
}
