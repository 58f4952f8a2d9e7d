namespace Escala.Configuration;

/// <summary>Defaults of the node-wide keys of <see cref="EscalaOptions"/>.</summary>
public static class NodeDefaults
{
    public const string Role = NodeRoles.All;
    public const string Urls = "http://127.0.0.1:8080";
    public const string Data = "escala-data";
}
