namespace Escala.Configuration;

/// <summary>Defaults of <see cref="MaintenanceOptions"/>.</summary>
public static class MaintenanceDefaults
{
    public static readonly TimeSpan PromoteInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RescueInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LeaderTtl = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan NodeTtl = TimeSpan.FromSeconds(30);
}
