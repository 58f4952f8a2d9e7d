using Escala.Execution;
using Escala.Workloads.Http;
using Escala.Workloads.Llm;
using Escala.Workloads.Noop;
using Escala.Workloads.Pii;
using Escala.Workloads.Sleep;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Escala.Workloads;

/// <summary>Registers the built-in job kinds.</summary>
public static class WorkloadsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>http</c>, <c>sleep</c>, <c>noop</c> and <c>pii.scan</c> kinds (and <c>llm.chat</c>) as <see cref="IJobHandler"/> singletons, and the
    /// <see cref="HttpClient"/> named <see cref="HttpJobDefaults.ClientName"/> the <c>http</c> kind calls with (its handlers pooled and
    /// recycled by the factory; no client-wide timeout, as each job sets its own), connecting only where the
    /// <see cref="EgressPolicy"/> allows (register one before this call; the default reaches public addresses only).
    /// </summary>
    public static IServiceCollection AddEscalaWorkloads(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(EgressPolicy.PublicOnly);
        services.AddHttpClient(HttpJobDefaults.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => EgressHandler.Create(sp.GetRequiredService<EgressPolicy>()));
        services.AddSingleton<IJobHandler, HttpJobHandler>();
        services.AddSingleton<IJobHandler, SleepJobHandler>();
        services.AddSingleton<IJobHandler, NoopJobHandler>();
        services.TryAddSingleton(PiiDetector.Default);
        services.TryAddSingleton(sp => new PiiScanService(sp.GetRequiredService<PiiDetector>(),
            sp.GetService<Configuration.EscalaOptions>()?.Pii ?? new Configuration.PiiOptions()));
        services.AddSingleton<IJobHandler, PiiScanJobHandler>();
        services.AddEscalaLlm();
        return services;
    }
}
