using System.Text.Json;
using Escala.Jobs;

namespace Escala.Workloads.Callbacks;

/// <summary>
/// The body POSTed for a final job: <c>{"event":"job.finished","job":{id, kind, queue, state, attempt, createdAt,
/// finishedAt, result, error}}</c>. Never the arguments (they may hold personal data); the result as the handler wrote it.
/// </summary>
public static class CallbackPayload
{
    /// <summary>The payload of a final job.</summary>
    public static string For(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event", "job.finished");
            writer.WriteStartObject("job");
            writer.WriteNumber("id", job.Id);
            writer.WriteString("kind", job.Kind);
            writer.WriteString("queue", job.Queue);
            writer.WriteString("state", job.State.ToWire());
            writer.WriteNumber("attempt", job.Attempt);
            writer.WriteString("createdAt", job.CreatedAt);
            if (job.FinishedAt is { } finished)
            {
                writer.WriteString("finishedAt", finished);
            }

            writer.WritePropertyName("result");
            if (job.Result is { } result)
            {
                writer.WriteRawValue(result, skipInputValidation: true);
            }
            else
            {
                writer.WriteNullValue();
            }

            if (job.Errors.Count > 0)
            {
                writer.WriteString("error", job.Errors[^1].Message);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
