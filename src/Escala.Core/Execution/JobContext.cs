using System.Text.Json;
using Escala.Jobs;
using Escala.Workflows;

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

    /// <summary>The workflow this job is a step of, and its step name; null for a job on its own.</summary>
    public long? WorkflowId => Job.WorkflowId;

    /// <inheritdoc cref="Job.Step"/>
    public string? Step => Job.Step;

    /// <summary>Set by the engine: what <see cref="SpawnAsync"/> and <see cref="GetParentsAsync"/> call.</summary>
    internal WorkflowClient? Workflows { get; init; }

    /// <summary>
    /// Fan-out: adds <paramref name="children"/> (at most <c>limits:maxBatch</c> a call; call again for more) to this
    /// step's workflow. The steps that wait for this one wait for every child too, and read their results as parents.
    /// </summary>
    /// <exception cref="PermanentJobException">The job is not a workflow step, or its lease is gone.</exception>
    public async Task<IReadOnlyList<Job>> SpawnAsync(IReadOnlyList<Client.JobRequest> children, CancellationToken cancellationToken = default)
    {
        return await RequireWorkflow().SpawnAsync(Job, Job.LeaseToken ?? "", children, cancellationToken)
            ?? throw new PermanentJobException("Children can be spawned only while the step runs under its lease.");
    }

    /// <summary>
    /// The jobs this step waited for, in job id order: its declared parents (<see cref="Job.Step"/> names them) and every
    /// child they spawned, with their results. Pass the previous page's <see cref="WorkflowParentPage.NextCursor"/> as
    /// <paramref name="after"/> for the next page.
    /// </summary>
    public Task<WorkflowParentPage> GetParentsAsync(long? after = null, int limit = WorkflowClient.MaxParentsPage, CancellationToken cancellationToken = default) =>
        RequireWorkflow().ParentsAsync(Job.Tenant, Job.Id, after, limit, cancellationToken);

    private WorkflowClient RequireWorkflow() =>
        Job.WorkflowId is null ? throw new PermanentJobException("This job is not a workflow step.")
        : Workflows ?? throw new InvalidOperationException("This context was built without a workflow client (a handler test).");

    /// <summary>Saves a progress report (any JSON-serializable value) and publishes it to watchers.</summary>
    public Task ReportProgressAsync(object progress, CancellationToken cancellationToken = default) =>
        _reportProgress(this, JsonSerializer.Serialize(progress, JsonSerializerOptions.Web), cancellationToken);

    private static JsonElement ParseArgs(string args)
    {
        using var document = JsonDocument.Parse(args);
        return document.RootElement.Clone();
    }
}
