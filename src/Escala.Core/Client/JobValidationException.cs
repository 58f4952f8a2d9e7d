namespace Escala.Client;

/// <summary>Why a request was refused: the status it maps to and every field at fault.</summary>
public sealed class JobValidationException(int status, string title, IReadOnlyDictionary<string, string[]> errors)
    : Exception(title + ": " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    /// <summary>The HTTP status it maps to: 400 for malformed input, 413 for too large, 422 for unknown names.</summary>
    public int Status { get; } = status;

    public string Title { get; } = title;

    /// <summary>Messages by field path, such as <c>kind</c> or <c>jobs[3].queue</c>.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static JobValidationException One(int status, string field, string message) =>
        new(status, status == 413 ? "Payload too large" : "Invalid job", new Dictionary<string, string[]> { [field] = [message] });
}
