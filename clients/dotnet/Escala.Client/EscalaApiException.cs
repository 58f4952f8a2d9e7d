namespace Escala.Client;

/// <summary>The API refused a request (RFC 9457 problem details): the status, title, detail and the fields at fault.</summary>
public sealed class EscalaApiException : Exception
{
    public EscalaApiException(int status, string title, string? detail, IReadOnlyDictionary<string, string[]> errors)
        : base(Describe(status, title, detail, errors))
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors;
    }

    public int Status { get; }

    public string Title { get; }

    public string? Detail { get; }

    /// <summary>Field path (<c>args</c>, <c>jobs[2].delay</c>) to messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string Describe(int status, string title, string? detail, IReadOnlyDictionary<string, string[]> errors) =>
        $"{status} {title}" + (detail is null ? "" : $": {detail}") + string.Concat(errors.Select(e => $" [{e.Key}: {string.Join(" ", e.Value)}]"));
}
