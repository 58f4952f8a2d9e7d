using Escala.Execution;

namespace Escala.Workloads.Pii;

/// <summary>
/// The <c>pii.scan</c> kind: finds and redacts personal data in <c>args.text</c> or each of <c>args.texts</c> (see
/// <see cref="PiiScanRequest"/>; up to <see cref="PiiDefaults.MaxJobBytes"/> in all). Result: <c>{"entities", "redacted"}</c>
/// for one text, <c>{"results": [...]}</c> for a batch, with progress reported after each text of a batch. Bad arguments
/// fail permanently, naming the field.
/// </summary>
public sealed class PiiScanJobHandler(PiiScanService service) : IJobHandler
{
    /// <summary>The job kind: <c>pii.scan</c>.</summary>
    public const string JobKind = "pii.scan";

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        PiiScanRequest request;
        try
        {
            request = context.GetArgs<PiiScanRequest>();
        }
        catch (System.Text.Json.JsonException)
        {
            throw new PermanentJobException("pii.scan: the arguments must be an object such as {\"text\": \"…\"} or {\"texts\": [\"…\"]}.");
        }

        var errors = request.Validate(PiiDefaults.MaxJobBytes, out var texts);
        if (errors.Count > 0)
        {
            var (field, messages) = errors.First();
            throw new PermanentJobException($"pii.scan: args.{field}: {messages[0]}");
        }

        if (request.Texts is null)
        {
            return service.Scan(texts[0], request);
        }

        var results = new List<PiiScanResult>(texts.Count);
        foreach (var text in texts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(service.Scan(text, request));
            if (texts.Count > 1)
            {
                await context.ReportProgressAsync(new { done = results.Count, total = texts.Count }, cancellationToken);
            }
        }

        return new { results };
    }
}
