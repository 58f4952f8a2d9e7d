using Escala.Configuration;
using Escala.Storage;
using Escala.Workloads.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Escala.Workloads.Callbacks;

/// <summary>Registers completion callbacks.</summary>
public static class CallbackServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="CallbackDispatcher"/> (its client connects only where the <see cref="EgressPolicy"/> allows, as the
    /// <c>http</c> kind's) and the leader's <see cref="CallbackOutbox"/>; the store must implement <see cref="ICallbackStore"/>.
    /// </summary>
    public static IServiceCollection AddEscalaCallbacks(this IServiceCollection services)
    {
        services.TryAddSingleton(EgressPolicy.PublicOnly);
        services.AddHttpClient(CallbackDispatcher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => EgressHandler.Create(sp.GetRequiredService<EgressPolicy>()));
        services.AddSingleton<CallbackDispatcher>();
        services.AddSingleton(sp => sp.GetRequiredService<IJobStore>() as ICallbackStore
            ?? throw new InvalidOperationException("The job store does not implement ICallbackStore, which callbacks need."));
        services.AddSingleton<CallbackOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<CallbackOutbox>());
        return services;
    }
}
