using Escala.Client;

namespace Escala.Server.Api;

/// <summary>The body of <c>POST /v1/jobs/batch</c>.</summary>
public sealed record BatchBody
{
    public IReadOnlyList<JobRequest>? Jobs { get; init; }
}
