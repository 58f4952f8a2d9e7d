using System.Text.Json;
using Escala.Jobs;

namespace Escala.Execution;

/// <summary>What a handler knows of the job it runs, and how it reports progress.</summary>
/// <remarks>
/// To unit-test a handler, construct one: <c>new JobContext(job, (json, ct) =&gt; { reports.Add(json); return Task.CompletedTask; })</c>
/// and call <see cref="IJobHandler.ExecuteAsync"/> with it.
/// </remarks>
public sealed class JobContext
{
    private readonly Func<JobContext, string, CancellationToken, Task> _reportProgress;
    private JsonElement? _args;

    /// <summary>A context for <paramref name="job"/>, as the engine builds one; for handler tests.</summary>
    /// <param name="job">The job the handler runs (its <see cref="Job.Args"/> must be JSON).</param>
    /// <param name="onProgress">Receives each progress report as JSON text; null ignores them.</param>
    public JobContext(Job job, Func<string, CancellationToken, Task>? onProgress = null)
        : this(job, (_, json, ct) => onProgress?.Invoke(json, ct) ?? Task.CompletedTask)
    {
    }

    internal JobContext(Job job, Func<JobContext, string, CancellationToken, Task> reportProgress)
    {
        ArgumentNullException.ThrowIfNull(job);
        Job = job;
        _reportProgress = reportProgress;
    }

    public Job Job { get; }

    /// <summary>The job's stable id: use it (with <see cref="Attempt"/>) to make side effects idempotent.</summary>
    public long JobId => Job.Id;

    /// <summary>This attempt's number, from 1.</summary>
    public int Attempt => Job.Attempt;

    public string Tenant => Job.Tenant;

    /// <summary>The arguments as JSON.</summary>
    public JsonElement Args => _args ??= ParseArgs(Job.Args);

    /// <summary>The arguments bound to <typeparamref name="T"/> (web defaults: camelCase, case-insensitive).</summary>
    public T GetArgs<T>() =>
        Args.Deserialize<T>(JsonSerializerOptions.Web) ?? throw new PermanentJobException("The job's arguments are empty.");

    /// <summary>Saves a progress report (any JSON-serializable value) and publishes it to watchers.</summary>
    public Task ReportProgressAsync(object progress, CancellationToken cancellationToken = default) =>
        _reportProgress(this, JsonSerializer.Serialize(progress, JsonSerializerOptions.Web), cancellationToken);

    private static JsonElement ParseArgs(string args)
    {
        using var document = JsonDocument.Parse(args);
        return document.RootElement.Clone();
    }
}
