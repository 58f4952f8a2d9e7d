namespace Escala.Execution;

/// <summary>
/// Runs jobs of one kind in-process. Register implementations with the engine; built-in kinds use this
/// same interface. A handler must honour <paramref name="cancellationToken"/> (soft timeout, cancel,
/// shutdown); one that ignores it has its attempt failed at the hard timeout anyway.
/// </summary>
public interface IJobHandler
{
    /// <summary>The job kind this handler runs, such as <c>http</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Runs one attempt. Return the result (serialized as JSON; null for none). Throw
    /// <see cref="PermanentJobException"/> to fail without retry, <see cref="TransientJobException"/> to retry
    /// (optionally not before a given time); any other exception is treated as transient.
    /// </summary>
    Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken);
}
