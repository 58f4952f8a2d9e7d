namespace Escala.Cluster.Tests;

/// <summary>Configuration for test nodes: short leases, TTLs and intervals, so failures heal within seconds.</summary>
public static class NodeSettings
{
    /// <summary>Short timings for every node in a test, plus <paramref name="extra"/> keys (which win).</summary>
    public static Dictionary<string, string> Fast(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Execution:LeaseDuration"] = "3s",
            ["Execution:ShutdownGrace"] = "5s",
            ["Execution:PollInterval"] = "500ms",
            ["Maintenance:RescueInterval"] = "500ms",
            ["Maintenance:PromoteInterval"] = "200ms",
            ["Maintenance:LeaderTtl"] = "3s",
            ["Maintenance:NodeTtl"] = "4s",
            ["Queues:default:Backoff"] = "100ms",
            ["Queues:default:MaxBackoff"] = "1s",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Escala"] = "Information",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
