using System.Text.Json;
using Escala.Configuration;
using Escala.Execution;

namespace Escala.Server.Security;

/// <summary>
/// Reads the JSON body of submits and worker calls once before their endpoint does (it is already capped by
/// <see cref="BodyLimits"/>) and refuses what the endpoint must never see: <c>null</c> entries in batches,
/// workflow steps, spawned children, heartbeats and queue lists (400); durations beyond their bounds (<c>delay</c>/<c>runAt</c> 365 days,
/// <c>timeout</c> 7 days, <c>backoff</c> and <c>retryAfter</c> 1 day: 400, never an overflow); the same
/// idempotency key twice in one batch (400); a result or progress over the arguments limit (413); a queue
/// the key may not use (403); and a lease of a queue in-process workers run (403: a worker may lease only
/// <c>external</c> queues, or kinds no handler on this node runs). A body that is not JSON passes through for
/// the endpoint to refuse.
/// </summary>
public sealed class BodyRules(RequestDelegate next, EscalaOptions settings, HandlerRegistry handlers, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = RouteOf.Get(context);
        var rule = HttpMethods.IsPost(context.Request.Method) ? RuleFor(route) : null;
        if (rule is null || !context.Request.HasJsonContentType())
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering(bufferThreshold: 64 << 10);
        Refusal? refusal = null;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            refusal = rule(document.RootElement, Caller.Of(context));
        }
        catch (JsonException)
        {
            // Not JSON: the endpoint says where it broke.
        }

        if (refusal is { } r)
        {
            await ProblemWriter.WriteAsync(context, r.Status, r.Message, r.Field, r.Message);
            return;
        }

        context.Request.Body.Position = 0;
        await next(context);
    }

    private readonly record struct Refusal(int Status, string Field, string Message);

    private Func<JsonElement, Caller?, Refusal?>? RuleFor(string route) => route switch
    {
        "/v1/jobs" => (body, caller) => Job(body, "", caller),
        "/v1/jobs/batch" => (body, caller) => Jobs(body, "jobs", caller, uniqueKeys: true),
        "/v1/workflows" => (body, caller) => Jobs(body, "steps", caller, uniqueKeys: false),
        "/v1/workers/spawn" => (body, caller) => Jobs(body, "children", caller, uniqueKeys: false),
        "/v1/workers/lease" => Lease,
        "/v1/workers/heartbeat" => (body, _) => NoNulls(body, "leases"),
        "/v1/workers/fail" => (body, _) => Bounded(body, "", "retryAfter", SecurityDefaults.MaxRetryAfter),
        "/v1/workers/complete" => (body, _) => Capped(body, "result"),
        "/v1/workers/progress" => (body, _) => Capped(body, "progress"),
        _ => null,
    };

    /// <summary>Each job of a list (a batch's <c>jobs</c>, a workflow's <c>steps</c>, a spawn's <c>children</c>) under the rules of one job.</summary>
    private Refusal? Jobs(JsonElement body, string field, Caller? caller, bool uniqueKeys)
    {
        if (NoNulls(body, field) is { } nulls)
        {
            return nulls;
        }

        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(field, out var jobs) || jobs.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var job in jobs.EnumerateArray())
        {
            if (Job(job, $"{field}[{i}].", caller) is { } refusal)
            {
                return refusal;
            }

            if (uniqueKeys && job.ValueKind == JsonValueKind.Object && job.TryGetProperty("idempotencyKey", out var key) && key.ValueKind == JsonValueKind.String
                && !keys.Add(key.GetString()!))
            {
                return new Refusal(400, $"{field}[{i}].idempotencyKey", "The same idempotency key appears twice in this batch.");
            }

            i++;
        }

        return null;
    }

    private Refusal? Job(JsonElement job, string prefix, Caller? caller)
    {
        if (job.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (caller is not null && Text(job, "queue") is var queue && !caller.MayUse(queue ?? QueueDefaults.DefaultQueue))
        {
            return new Refusal(403, prefix + "queue", "This key may not submit to that queue.");
        }

        if (Text(job, "runAt") is { } runAt && DateTimeOffset.TryParse(runAt, System.Globalization.CultureInfo.InvariantCulture, out var at)
            && at > time.GetUtcNow() + SecurityDefaults.MaxDelay)
        {
            return new Refusal(400, prefix + "runAt", $"runAt may be at most {Durations.Format(SecurityDefaults.MaxDelay)} ahead.");
        }

        return Bounded(job, prefix, "delay", SecurityDefaults.MaxDelay)
            ?? Bounded(job, prefix, "timeout", SecurityDefaults.MaxTimeout)
            ?? Bounded(job, prefix, "backoff", SecurityDefaults.MaxBackoff);
    }

    private Refusal? Lease(JsonElement body, Caller? caller)
    {
        if ((NoNulls(body, "queues") ?? NoNulls(body, "kinds")) is { } nulls)
        {
            return nulls;
        }

        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("queues", out var queues) || queues.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var kinds = body.TryGetProperty("kinds", out var k) && k.ValueKind == JsonValueKind.Array
            ? k.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        var i = 0;
        foreach (var entry in queues.EnumerateArray())
        {
            var name = entry.ValueKind == JsonValueKind.String ? entry.GetString()! : "";
            if (caller is not null && !caller.MayUse(name))
            {
                return new Refusal(403, $"queues[{i}]", "This key may not lease from that queue.");
            }

            if (settings.FindQueue(name) is { External: false } && (kinds.Count == 0 || kinds.Any(kind => handlers.Find(kind) is not null)))
            {
                return new Refusal(403, $"queues[{i}]",
                    "Workers lease only external queues (\"external\": true), or name kinds no handler of this server runs.");
            }

            i++;
        }

        return null;
    }

    private static Refusal? NoNulls(JsonElement body, string list)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Null)
                {
                    return new Refusal(400, $"{list}[{i}]", "null is not allowed here.");
                }

                i++;
            }
        }

        return null;
    }

    private static Refusal? Bounded(JsonElement body, string prefix, string field, TimeSpan max)
    {
        if (body.ValueKind == JsonValueKind.Object && Text(body, field) is { } text && Durations.TryParse(text, out var value) && value > max)
        {
            return new Refusal(400, prefix + field, $"{field} may be at most {Durations.Format(max)}.");
        }

        return null;
    }

    private Refusal? Capped(JsonElement body, string field)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(field, out var value)
            && value.GetRawText().Length > settings.Limits.MaxArgsBytes)
        {
            return new Refusal(413, field, $"The {field} exceeds the limit of {settings.Limits.MaxArgsBytes} bytes (limits:maxArgsBytes).");
        }

        return null;
    }

    private static string? Text(JsonElement body, string field)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
        }

        return null;
    }
}
