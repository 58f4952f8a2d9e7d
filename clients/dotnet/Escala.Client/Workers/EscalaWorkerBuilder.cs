using Escala.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Client.Workers;

/// <summary>Adds the handlers an external worker host runs.</summary>
public sealed class EscalaWorkerBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers <typeparamref name="THandler"/> (a singleton) as a handler of its <see cref="IJobHandler.Kind"/>.</summary>
    public EscalaWorkerBuilder AddHandler<THandler>()
        where THandler : class, IJobHandler
    {
        Services.AddSingleton<IJobHandler, THandler>();
        return this;
    }
}
