namespace Escala.Client;

/// <summary>A waited-for job ended <c>dead</c> or <c>cancelled</c> instead of <c>completed</c>.</summary>
public sealed class EscalaJobFailedException(EscalaJob job)
    : Exception($"Job {job.Id} ({job.Kind}) ended {job.State}" + (job.Errors.Count > 0 ? $": {job.Errors[^1].Message}" : "."))
{
    public EscalaJob Job { get; } = job;
}
