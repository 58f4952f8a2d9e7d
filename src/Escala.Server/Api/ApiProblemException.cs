namespace Escala.Server.Api;

/// <summary>A refusal of the HTTP layer itself (body, content type, query string), with its status and the field at fault.</summary>
public sealed class ApiProblemException(int status, string field, string message) : Exception($"{field}: {message}")
{
    public int Status { get; } = status;

    public string Field { get; } = field;

    public string Detail { get; } = message;
}
