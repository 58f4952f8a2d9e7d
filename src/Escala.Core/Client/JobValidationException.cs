namespace Escala.Client;

/// <summary>Why a request was refused: the worst fault found and every field at fault.</summary>
public sealed class JobValidationException(JobRequestFault fault, string title, IReadOnlyDictionary<string, string[]> errors)
    : Exception(title + ": " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    /// <summary>The worst fault found: <see cref="JobRequestFault.TooLarge"/> over <see cref="JobRequestFault.UnknownReference"/> over <see cref="JobRequestFault.Invalid"/>.</summary>
    public JobRequestFault Fault { get; } = fault;

    public string Title { get; } = title;

    /// <summary>Messages by field path, such as <c>kind</c> or <c>jobs[3].queue</c>.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static JobValidationException One(JobRequestFault fault, string field, string message) =>
        new(fault, TitleOf(fault), new Dictionary<string, string[]> { [field] = [message] });

    public static string TitleOf(JobRequestFault fault) => fault == JobRequestFault.TooLarge ? "Payload too large" : "Invalid job";
}
