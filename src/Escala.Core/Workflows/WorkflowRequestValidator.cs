using Escala.Client;
using Escala.Configuration;
using Escala.Jobs;

namespace Escala.Workflows;

/// <summary>
/// Checks a submitted workflow without touching the store: step names, dependencies (unknown names, cycles) and each
/// step's job (through <see cref="JobRequestValidator"/>). A refusal names every field at fault, such as
/// <c>steps[2].dependsOn[0]</c> or <c>steps[1].kind</c>.
/// </summary>
public sealed class WorkflowRequestValidator(EscalaOptions settings)
{
    private readonly JobRequestValidator _jobs = new(settings);

    public NewWorkflow Validate(string tenant, WorkflowRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fault = JobRequestFault.Invalid;
        if (!WorkflowFailurePolicies.TryParse(request.OnFailure, out var onFailure))
        {
            errors["onFailure"] = [$"Use {WorkflowFailurePolicies.FailWorkflowWire} or {WorkflowFailurePolicies.ContinueWire}."];
        }

        if (request.Name is { Length: > 200 })
        {
            errors["name"] = ["At most 200 characters."];
        }

        var callbackUrl = _jobs.CallbackUrl(request.Callback, (field, message, _) => errors[field] = [message]);
        var steps = request.Steps ?? [];
        if (steps.Count == 0)
        {
            throw JobValidationException.One(JobRequestFault.Invalid, "steps", "Give at least one step.");
        }

        IReadOnlyList<NewJob> jobs = [];
        try
        {
            jobs = _jobs.Validate(tenant, [.. steps.Select(s => s.Job)], "steps", now);
        }
        catch (JobValidationException ex)
        {
            fault = ex.Fault;
            foreach (var (field, messages) in ex.Errors)
            {
                errors[field] = messages;
            }
        }

        var parents = Dependencies(steps, errors);
        if (errors.Count > 0)
        {
            throw new JobValidationException(fault, fault == JobRequestFault.TooLarge ? JobValidationException.TitleOf(fault) : "Invalid workflow", errors);
        }

        return new NewWorkflow
        {
            Tenant = tenant,
            Name = request.Name,
            OnFailure = onFailure,
            CallbackUrl = callbackUrl,
            Steps = [.. steps.Select((s, i) => new NewWorkflowStep(s.Name!, jobs[i], parents[i]))],
        };
    }

    /// <summary>Children a running step spawns: jobs as <see cref="JobRequestValidator"/> takes them, without idempotency keys or the cache.</summary>
    public IReadOnlyList<NewJob> ValidateChildren(string tenant, IReadOnlyList<JobRequest> children, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Count == 0)
        {
            throw JobValidationException.One(JobRequestFault.Invalid, "children", "Give at least one child job.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RefuseUnsupported(children, "children", errors);
        var jobs = _jobs.Validate(tenant, children, "children", now);
        return errors.Count > 0 ? throw new JobValidationException(JobRequestFault.Invalid, "Invalid job", errors) : jobs;
    }

    /// <summary>Each step's parents as indexes; adds an error for every bad name, duplicate and cycle.</summary>
    private static List<int>[] Dependencies(IReadOnlyList<WorkflowStepRequest> steps, Dictionary<string, string[]> errors)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var name = steps[i].Name;
            if (!Names.IsValid(name) || name!.Contains('.', StringComparison.Ordinal))
            {
                errors[$"steps[{i}].name"] = ["A step name has letters, digits, '_' and '-' only, at most 64 characters."];
            }
            else if (!index.TryAdd(name, i))
            {
                errors[$"steps[{i}].name"] = [$"Another step is already named '{name}'."];
            }
        }

        RefuseUnsupported([.. steps.Select(s => s.Job)], "steps", errors);
        var parents = new List<int>[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            parents[i] = [];
            var dependsOn = steps[i].DependsOn ?? [];
            for (var j = 0; j < dependsOn.Count; j++)
            {
                if (!index.TryGetValue(dependsOn[j] ?? "", out var parent))
                {
                    errors[$"steps[{i}].dependsOn[{j}]"] = [$"No step is named '{Truncate(dependsOn[j])}'."];
                }
                else if (parent == i)
                {
                    errors[$"steps[{i}].dependsOn[{j}]"] = ["A step cannot depend on itself."];
                }
                else if (!parents[i].Contains(parent))
                {
                    parents[i].Add(parent);
                }
            }
        }

        if (errors.Count == 0 && FindCycle(parents) is { } cycle)
        {
            errors[$"steps[{cycle[0]}].dependsOn"] =
                [$"The steps wait for each other in a cycle (each waits for the next): {string.Join(" -> ", cycle.Append(cycle[0]).Select(i => steps[i].Name))}."];
        }

        return parents;
    }

    /// <summary>A cycle of step indexes (each depends on the next), or null when the steps form a DAG.</summary>
    private static List<int>? FindCycle(List<int>[] parents)
    {
        var state = new int[parents.Length]; // 0 unseen, 1 on the path, 2 done
        var path = new List<int>();
        for (var start = 0; start < parents.Length; start++)
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<int>? Visit(int step)
        {
            if (state[step] == 2)
            {
                return null;
            }

            if (state[step] == 1)
            {
                return path[path.IndexOf(step)..];
            }

            state[step] = 1;
            path.Add(step);
            foreach (var parent in parents[step])
            {
                if (Visit(parent) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[step] = 2;
            return null;
        }
    }

    private static void RefuseUnsupported(IReadOnlyList<JobRequest> jobs, string prefix, Dictionary<string, string[]> errors)
    {
        for (var i = 0; i < jobs.Count; i++)
        {
            if (jobs[i]?.IdempotencyKey is not null)
            {
                errors[$"{prefix}[{i}].idempotencyKey"] = ["Not supported on workflow steps: each step runs once per workflow."];
            }

            if (jobs[i]?.Cache is not null)
            {
                errors[$"{prefix}[{i}].cache"] = ["Not supported on workflow steps."];
            }

            if (jobs[i]?.Unique is not null)
            {
                errors[$"{prefix}[{i}].unique"] = ["Not supported on workflow steps: each step runs once per workflow."];
            }

            if (jobs[i]?.Callback is not null)
            {
                errors[$"{prefix}[{i}].callback"] = ["Not supported on workflow steps."];
            }
        }
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 64 ? value : value[..64] + "…";
}
