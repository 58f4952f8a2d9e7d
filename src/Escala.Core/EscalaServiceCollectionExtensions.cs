using Escala.Client;
using Escala.Configuration;
using Escala.Execution;
using Escala.Execution.Attempts;
using Escala.Governance;
using Escala.Maintenance;
using Escala.Storage;
using Escala.Telemetry;
using Escala.Scheduling;
using Escala.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Escala;

public static class EscalaServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine: client, governor, worker (when the role runs workers) and maintenance. The caller
    /// registers an <see cref="Storage.IJobStore"/> and any <see cref="IJobHandler"/>s.
    /// </summary>
    public static IServiceCollection AddEscalaEngine(this IServiceCollection services, EscalaOptions settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<EscalaMetrics>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IJobStore>() as IJobStatusStore
            ?? throw new InvalidOperationException("The job store does not implement IJobStatusStore, which job watchers need."));
        services.AddSingleton<JobWatcher>();
        services.AddSingleton<AttemptLifecycle>();
        services.AddSingleton<WorkerKinds>();
        services.AddSingleton(sp => new Caching.ResultCache(sp.GetRequiredService<IJobStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<JobClient>();
        services.AddSingleton<Workflows.WorkflowClient>();
        services.AddSingleton<ResourceGovernor>();
        services.AddSingleton(sp => new HandlerRegistry(sp.GetServices<IJobHandler>()));
        services.AddSingleton<EscalaWorker>();
        services.AddSingleton<MaintenanceService>();
        services.AddHostedService(sp => sp.GetRequiredService<MaintenanceService>());
        services.AddHostedService(sp => sp.GetRequiredService<EscalaWorker>());
        services.AddSchedules();
        return services;
    }
}
