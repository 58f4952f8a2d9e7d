using Escala.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary>One instance of every test handler, registered with a node so a test can reach the same instances.</summary>
internal sealed class TestHandlers : IDisposable
{
    public EchoHandler Echo { get; } = new();

    public BlockingHandler Block { get; } = new();

    public StubbornHandler Stubborn { get; } = new();

    public FlakyHandler Flaky { get; } = new();

    public ProgressHandler Progress { get; } = new();

    public FanOutHandler FanOut { get; } = new();

    public ParentsHandler Parents { get; } = new();

    public void Register(IServiceCollection services)
    {
        services.AddSingleton<IJobHandler>(Echo);
        services.AddSingleton<IJobHandler>(Block);
        services.AddSingleton<IJobHandler>(Stubborn);
        services.AddSingleton<IJobHandler>(Flaky);
        services.AddSingleton<IJobHandler>(Progress);
        services.AddSingleton<IJobHandler>(FanOut);
        services.AddSingleton<IJobHandler>(Parents);
    }

    public void Dispose() => Stubborn.Dispose();
}
