using Escala.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Scheduling;

public static class ScheduleServiceCollectionExtensions
{
    /// <summary>Adds the schedule manager and the leader's ticker; the store must implement <see cref="IScheduleStore"/>.</summary>
    public static IServiceCollection AddSchedules(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IJobStore>() as IScheduleStore
            ?? throw new InvalidOperationException("The job store does not implement IScheduleStore, which schedules need."));
        services.AddSingleton<ScheduleManager>();
        services.AddSingleton<ScheduleTicker>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleTicker>());
        return services;
    }
}
