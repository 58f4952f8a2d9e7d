namespace Escala.Configuration;

/// <summary>What a node does: <see cref="EscalaOptions.Role"/>.</summary>
public static class NodeRoles
{
    public const string All = "all";
    public const string Api = "api";
    public const string Worker = "worker";

    public static bool RunsWorkers(string role) => role is All or Worker;

    public static bool ServesApi(string role) => role is All or Api;
}
