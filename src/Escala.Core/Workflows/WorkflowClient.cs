using Escala.Client;
using Escala.Configuration;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Escala.Watching;

namespace Escala.Workflows;

/// <summary>
/// Submits and manages workflows: the store calls behind the API, the CLI and the handler API, after the
/// <see cref="WorkflowRequestValidator"/> accepted the request. Every method is scoped by tenant.
/// </summary>
public sealed class WorkflowClient(IJobStore store, EscalaOptions settings, JobWatcher watcher, EscalaMetrics metrics, TimeProvider time)
{
    /// <summary>Most parents one page of <see cref="ParentsAsync"/> returns.</summary>
    public const int MaxParentsPage = 1000;

    private readonly WorkflowRequestValidator _validator = new(settings);

    private IWorkflowStore Workflows => store as IWorkflowStore
        ?? throw new InvalidOperationException("The job store does not implement IWorkflowStore.");

    public async Task<Workflow> SubmitAsync(string tenant, WorkflowRequest request, CancellationToken ct)
    {
        using var activity = EscalaTracing.Source.StartActivity("workflows submit");
        var now = time.GetUtcNow();
        var workflow = _validator.Validate(tenant, request, now);
        var created = await Workflows.CreateWorkflowAsync(workflow, now, ct);
        foreach (var step in created.Steps)
        {
            metrics.Submitted(step.Job.Queue, step.Job.Kind);
        }

        return created;
    }

    public Task<Workflow?> GetAsync(string tenant, long id, CancellationToken ct) => Workflows.GetWorkflowAsync(tenant, id, ct);

    /// <summary>Cancels the workflow's waiting steps and asks its running ones to stop; null when unknown.</summary>
    public async Task<Workflow?> CancelAsync(string tenant, long id, CancellationToken ct)
    {
        var workflow = await Workflows.CancelWorkflowAsync(tenant, id, time.GetUtcNow(), ct);
        foreach (var step in workflow?.Steps ?? [])
        {
            watcher.Signal(step.Job.Id);
        }

        return workflow;
    }

    /// <summary>
    /// Adds children to the running workflow step <paramref name="job"/> under its lease token: the steps that wait for
    /// it wait for them too. Null when the job is not running under that token or is not a workflow step.
    /// </summary>
    public async Task<IReadOnlyList<Job>?> SpawnAsync(Job job, string leaseToken, IReadOnlyList<JobRequest> children, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = time.GetUtcNow();
        var jobs = _validator.ValidateChildren(job.Tenant, children, now);
        var spawned = await Workflows.SpawnAsync(new LeaseRef(job.Id, leaseToken), jobs, now, ct);
        foreach (var child in spawned ?? [])
        {
            metrics.Submitted(child.Queue, child.Kind);
        }

        return spawned;
    }

    /// <summary>The jobs <paramref name="jobId"/> waits (or waited) for, with their results, a page at a time.</summary>
    public Task<WorkflowParentPage> ParentsAsync(string tenant, long jobId, long? after, int limit, CancellationToken ct) =>
        Workflows.GetParentsAsync(tenant, jobId, after, Math.Clamp(limit, 1, MaxParentsPage), ct);
}
