namespace Escala.Sqlite.Sql;

/// <summary>A job's resources as one text column, <c>|llm|ocr|</c>, that SQL filters with <c>instr(resources, '|llm|')</c>; NULL when none.</summary>
internal static class ResourceText
{
    public static string? Format(IReadOnlyList<string> resources) =>
        resources.Count == 0 ? null : "|" + string.Join('|', resources) + "|";

    public static IReadOnlyList<string> Parse(string? text) =>
        text is null ? [] : text.Split('|', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The text a job's column contains when it needs <paramref name="resource"/>.</summary>
    public static string Needle(string resource) => "|" + resource + "|";
}
