namespace Escala.Server.Hosting;

/// <summary>What <c>escala serve</c> was started with; flags win over <c>escala.json</c> and <c>ESCALA_</c> variables.</summary>
public sealed record ServeOptions
{
    /// <summary>Where Kestrel listens. Defaults to <c>http://127.0.0.1:8080</c>.</summary>
    public string? Urls { get; init; }

    /// <summary>The SQLite data directory. Defaults to <c>./escala-data</c>.</summary>
    public string? Data { get; init; }

    /// <summary>A PostgreSQL connection string (or a SQLite directory); wins over <see cref="Data"/>.</summary>
    public string? Store { get; init; }

    public string? Role { get; init; }

    /// <summary>The configuration file. Defaults to <c>escala.json</c> in the working directory, when present.</summary>
    public string? Config { get; init; }

    /// <summary>
    /// Logs go to standard error, leaving standard output to the command's own result (the bench's table or JSON);
    /// <c>escala serve</c> logs to standard output.
    /// </summary>
    public bool LogToStandardError { get; init; }

    /// <summary>Extra configuration keys (tests and the bench use these).</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();
}
