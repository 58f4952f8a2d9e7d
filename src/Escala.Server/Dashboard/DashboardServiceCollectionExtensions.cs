namespace Escala.Server.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The dashboard's in-memory history (<see cref="StatsRecorder"/>), started with the host.</summary>
    public static IServiceCollection AddEscalaDashboard(this IServiceCollection services)
    {
        services.AddSingleton<StatsRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<StatsRecorder>());
        return services;
    }
}
